// Work units, quotas, leave and attendance by unit.
#include "domain/units.hpp"
#include "domain/validate.hpp"
#include "transport/router.hpp"
#include "transport/write.hpp"

namespace qiandao::transport {

namespace {

template <class T>
response answer(call& c, std::optional<domain::result<T>> const& done, http::status ok) {
  return outcome_response(c, done, ok, [](T const& v) { return to_json(v, false); });
}

response unit_answer(call& c, std::optional<domain::result<domain::unit>> const& done, http::status ok) {
  return outcome_response(c, done, ok, [](domain::unit const& u) { return to_json(u); });
}

domain::unit_changes read_unit_changes(json const& j, domain::field_errors& f) {
  domain::unit_changes u;
  u.name = get_string(j, "name", f, false);
  u.kind = get_string(j, "kind", f, false);
  if (auto it = j.find("parent_id"); it != j.end()) {
    if (it->is_null()) u.parent_id = std::optional<domain::id_t>{};
    else if (auto id = get_int(j, "parent_id", f, false)) u.parent_id = std::optional<domain::id_t>(*id);
  }
  return u;
}

net::awaitable<response> list_units(call& c) {
  std::string q, kind;
  if (auto it = c.query.find("q"); it != c.query.end()) q = domain::trim(it->second);
  if (auto it = c.query.find("kind"); it != c.query.end() && !it->second.empty()) {
    auto k = domain::unit_kind(it->second);
    if (!k) {
      domain::field_errors f;
      f.add("kind", "未知类型 / unknown kind");
      co_return error_response(c.req, f.to_error());
    }
    kind = *k;
  }
  if (q.size() > 200) {
    domain::field_errors f;
    f.add("q", "太长 / too long");
    co_return error_response(c.req, f.to_error());
  }
  json items = json::array();
  for (auto const& u : c.a.db.read()->list_units(q, kind)) items.push_back(to_json(u));
  co_return json_response(c.req, http::status::ok, {{"items", items}});
}

// POST /units creates; PATCH /units/{id} changes the fields given.
net::awaitable<response> save_unit(call& c) {
  std::optional<response> bad;
  auto body = body_object(c, bad);
  if (!body) co_return *bad;
  domain::field_errors f;
  auto in = read_unit_changes(*body, f);
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  std::optional<domain::id_t> id;
  if (!c.ids.empty()) id = c.ids.at(0);
  auto done = co_await commit_rule<domain::unit>(c.a.db, [&](domain::store& s) {
    return id ? domain::update_unit(s, *c.who, *id, in) : domain::create_unit(s, *c.who, in);
  });
  co_return unit_answer(c, done, id ? http::status::ok : http::status::created);
}

net::awaitable<response> import_units(call& c) {
  bool dry_run = query_flag(c, "dry_run");
  using report_result = domain::result<domain::unit_import_report>;
  auto done = co_await commit<report_result>(c.a.db, [&](domain::store& s) {
    auto r = domain::import_units(s, *c.who, c.req.body(), dry_run);
    bool keep = r.ok() && !dry_run;  // a dry run rolls everything back
    return std::pair{std::move(r), keep};
  });
  if (auto no = refusal(c, done)) co_return *no;
  auto const& report = done->value();
  json rejected = json::array();
  for (auto const& r : report.rejected) rejected.push_back({{"line", r.line}, {"reason", r.reason}});
  co_return json_response(c.req, http::status::ok,
                          {{"dry_run", dry_run}, {"accepted", report.accepted},
                           {"updated", report.updated}, {"rejected", rejected}});
}

net::awaitable<response> record_leave(call& c) {
  std::optional<response> bad;
  auto body = body_object(c, bad);
  if (!body) co_return *bad;
  domain::field_errors f;
  auto reason = get_string(*body, "reason", f, true);
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  auto id = c.ids.at(0);
  auto done = co_await commit_rule<domain::registration>(
      c.a.db, [&](domain::store& s) { return domain::record_leave(s, *c.who, id, *reason); });
  co_return answer(c, done, http::status::ok);
}

net::awaitable<response> clear_leave(call& c) {
  auto id = c.ids.at(0);
  auto done = co_await commit_rule<domain::registration>(
      c.a.db, [&](domain::store& s) { return domain::clear_leave(s, *c.who, id); });
  co_return answer(c, done, http::status::ok);
}


net::awaitable<response> get_quotas(call& c) {
  auto s = c.a.db.read();
  auto id = c.ids.at(0);
  if (!s->find_event(id)) co_return error_response(c.req, not_found_error());
  co_return json_response(c.req, http::status::ok, quotas_json(s->list_quotas(id)));
}

net::awaitable<response> put_quotas(call& c) {
  std::optional<response> bad;
  auto body = body_object(c, bad);
  if (!body) co_return *bad;
  domain::field_errors f;
  std::vector<domain::quota_item> items;
  auto it = body->find("items");
  if (it == body->end() || !it->is_array()) f.add("items", "须为数组 / must be a list");
  else if (it->size() > 5000) f.add("items", "最多 5000 项 / at most 5000");
  else
    for (std::size_t i = 0; i < it->size(); ++i) {
      auto const& q = (*it)[i];
      std::string at = "items[" + std::to_string(i) + "]";
      if (!q.is_object()) {
        f.add(at, "须为对象 / must be an object");
        continue;
      }
      domain::field_errors g;
      domain::quota_item item;
      item.unit_id = get_int(q, "unit_id", g, false);
      item.unit_kind = get_string(q, "unit_kind", g, false);
      item.expected = get_int(q, "expected", g, true).value_or(0);
      for (auto const& [k, why] : g.fields) f.add(at + "." + k, why);
      items.push_back(std::move(item));
    }
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  auto id = c.ids.at(0);
  auto done = co_await commit_rule<std::vector<domain::quota>>(
      c.a.db, [&](domain::store& s) { return domain::set_quotas(s, *c.who, id, items); });
  if (auto no = refusal(c, done)) co_return *no;
  co_return json_response(c.req, http::status::ok, quotas_json(done->value()));
}


net::awaitable<response> unit_attendance(call& c) {
  auto s = c.a.db.read();
  auto ev = s->find_event(c.ids.at(0));
  if (!ev) co_return error_response(c.req, not_found_error());
  auto units = s->unit_attendance(*ev);
  json items = json::array();
  domain::attendance total = units.unassigned;
  std::int64_t expected = 0;
  for (auto const& u : units.items) {
    json j = attendance_json(u.a);
    j["unit_id"] = u.unit_id;
    j["unit"] = u.unit;
    j["kind"] = u.kind;
    j["parent"] = u.parent.empty() ? json(nullptr) : json(u.parent);
    j["expected"] = u.expected;
    j["rate"] = u.expected > 0 ? rate_json(u.a.checked_in, u.expected) : rate_json(u.a.checked_in, u.a.registered);
    j["below_quota"] = u.expected > 0 && u.a.registered < u.expected;
    items.push_back(std::move(j));
    expected += u.expected;
    total.registered += u.a.registered;
    total.checked_in += u.a.checked_in;
    total.late += u.a.late;
    total.leave += u.a.leave;
  }
  json totals = attendance_json(total);
  totals["expected"] = expected;
  totals["rate"] = expected > 0 ? rate_json(total.checked_in, expected) : rate_json(total.checked_in, total.registered);
  co_return json_response(c.req, http::status::ok,
                          {{"event_id", units.event_id},
                           {"starts_at", units.starts_at},
                           {"items", items},
                           {"unassigned", attendance_json(units.unassigned)},
                           {"totals", totals}});
}

}  // namespace

std::vector<route> unit_routes() {
  using http::verb;
  return {
      {verb::get, "/api/v1/units", access::kiosk, list_units},
      {verb::post, "/api/v1/units", access::admin, save_unit},
      {verb::post, "/api/v1/units/import", access::admin, import_units, route::body::import},
      {verb::patch, "/api/v1/units/{id}", access::admin, save_unit},
      {verb::post, "/api/v1/registrations/{id}/leave", access::staff, record_leave},
      {verb::delete_, "/api/v1/registrations/{id}/leave", access::staff, clear_leave},
      {verb::get, "/api/v1/events/{id}/quotas", access::staff, get_quotas},
      {verb::put, "/api/v1/events/{id}/quotas", access::admin, put_quotas},
      {verb::get, "/api/v1/events/{id}/units", access::staff, unit_attendance},
  };
}

}  // namespace qiandao::transport
