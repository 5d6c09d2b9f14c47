#include "transport/json_io_door.hpp"

namespace qiandao::transport {

namespace {

json opt(std::optional<std::string> const& v) { return v ? json(*v) : json(nullptr); }

}  // namespace

json door_page_json(domain::door_page const& p) {
  json items = json::array();
  for (auto const& i : p.items)
    items.push_back({{"id", i.id},
                     {"digest", i.digest},
                     {"status", i.status},
                     {"name", i.name},
                     {"organization", i.organization},
                     {"unit", opt(i.unit)},
                     {"checked_in_at", opt(i.checked_in_at)}});
  return {{"cursor", p.cursor}, {"more", p.more}, {"items", items}, {"conflicts_open", p.conflicts_open}};
}

json conflict_json(domain::conflict_view const& v) {
  auto const& c = v.conflict;
  json j = {{"id", c.id},
            {"event_id", c.event_id},
            {"event_title", v.event_title},
            {"registration_id", c.registration_id ? json(*c.registration_id) : json(nullptr)},
            {"device", c.device},
            {"code", opt(c.code)},
            {"kiosk_answer", c.kiosk_answer},
            {"outcome", c.outcome},
            {"scanned_at", c.scanned_at},
            {"created_at", c.created_at},
            {"state", c.resolved_at ? "resolved" : "open"},
            {"resolved_at", opt(c.resolved_at)},
            {"resolved_by", opt(c.resolved_by)},
            {"resolution", opt(c.resolution)},
            {"note", c.note}};
  j["registration"] = v.reg ? to_json(*v.reg, false) : json(nullptr);  // staff only
  return j;
}

std::optional<domain::offline_answer> read_offline_answer(json const& body, domain::field_errors& f) {
  auto it = body.find("offline");
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_object()) {
    f.add("offline", "须为对象 / an object");
    return std::nullopt;
  }
  domain::offline_answer o;
  o.answer = get_string(*it, "answer", f, true).value_or("");
  o.scanned_at = get_string(*it, "scanned_at", f, true).value_or("");
  return o;
}

}  // namespace qiandao::transport
