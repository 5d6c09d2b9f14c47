// JSON of the staff pages of issue 11: accounts with their state, a registration's
// corrections, the audit log's filters and the registration list's filters.
#include "transport/json_io.hpp"

#include "domain/validate.hpp"

namespace qiandao::transport {

namespace {

bool is_date(std::string const& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return false;
  return true;
}

std::string query_text(std::map<std::string, std::string> const& query, char const* key) {
  auto it = query.find(key);
  return it == query.end() ? "" : domain::trim(it->second);
}

}  // namespace

json to_json(domain::account const& a) {
  return {{"id", a.id},
          {"username", a.username},
          {"role", a.role},
          {"created_at", a.created_at},
          {"disabled", a.disabled_at.has_value()},
          {"disabled_at", a.disabled_at ? json(*a.disabled_at) : json(nullptr)}};
}

domain::registration_patch read_registration_patch(json const& j, domain::field_errors& f) {
  domain::registration_patch p;
  p.name = get_string(j, "name", f, false);
  p.phone = get_string(j, "phone", f, false);
  p.organization = get_string(j, "organization", f, false);
  p.category = get_string(j, "category", f, false);
  if (auto it = j.find("id_number"); it != j.end() && it->is_null()) p.id_number = "";
  else p.id_number = get_string(j, "id_number", f, false);
  if (auto it = j.find("unit_id"); it != j.end()) {
    p.unit_given = true;
    p.unit_id = get_int(j, "unit_id", f, false);
  }
  for (auto const& [key, value] : j.items()) {
    static char const* const known[] = {"name", "phone", "organization", "category", "id_number", "unit_id"};
    if (std::find(std::begin(known), std::end(known), key) == std::end(known))
      f.add(key, "不能修改此项 / this field cannot be changed");
  }
  return p;
}

void read_audit_filters(std::map<std::string, std::string> const& query, domain::audit_query& q,
                        domain::field_errors& f) {
  q.action = query_text(query, "action");
  q.actor = query_text(query, "actor");
  q.from = query_text(query, "from");
  q.to = query_text(query, "to");
  if (q.action.size() > 100 || !domain::is_valid_utf8(q.action)) f.add("action", "太长 / too long");
  if (q.actor.size() > 200 || !domain::is_valid_utf8(q.actor)) f.add("actor", "太长 / too long");
  if (!q.from.empty() && !is_date(q.from)) f.add("from", "须为 YYYY-MM-DD / a date YYYY-MM-DD");
  if (!q.to.empty() && !is_date(q.to)) f.add("to", "须为 YYYY-MM-DD / a date YYYY-MM-DD");
}

void read_registration_filters(std::map<std::string, std::string> const& query, domain::registration_query& q,
                               domain::field_errors& f) {
  q.q = query_text(query, "q");
  if (auto it = query.find("status"); it != query.end()) q.status = it->second;
  if (!q.status.empty() && q.status != "confirmed" && q.status != "waitlisted" && q.status != "cancelled")
    f.add("status", "须为 confirmed / waitlisted / cancelled");
  if (q.q.size() > 200) f.add("q", "太长 / too long");
  auto flag = query_text(query, "not_checked_in");
  q.not_checked_in = !flag.empty() && flag != "0" && flag != "false";
}

}  // namespace qiandao::transport
