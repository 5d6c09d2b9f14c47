// The offline door: the kiosks' ticket-list feed and the staff's conflict list (待处理).
#include "domain/door.hpp"
#include "transport/json_io_door.hpp"
#include "transport/router.hpp"
#include "transport/write.hpp"

namespace qiandao::transport {

namespace {

net::awaitable<response> door_list(call& c) {
  domain::field_errors f;
  auto since = query_int(c, "since", 0, 0, INT64_MAX, f);
  auto limit = query_int(c, "limit", domain::door_page_default, 1, domain::door_page_max, f);
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  auto page = domain::door_feed(*c.a.db.read(), *c.who, c.ids.at(0), *since, static_cast<int>(*limit));
  if (!page) co_return error_response(c.req, page.err());
  co_return json_response(c.req, http::status::ok, door_page_json(page.value()));
}

net::awaitable<response> list_conflicts(call& c) {
  domain::field_errors f;
  std::optional<domain::id_t> event_id;
  if (c.query.contains("event_id")) event_id = query_int(c, "event_id", 0, 1, INT64_MAX, f);
  std::string state = c.query.contains("state") ? c.query.at("state") : "open";
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  auto s = c.a.db.read();
  auto found = domain::list_conflicts(*s, event_id, state);
  if (!found) co_return error_response(c.req, found.err());
  json items = json::array();
  for (auto const& v : found.value()) items.push_back(conflict_json(v));
  co_return json_response(c.req, http::status::ok,
                          {{"items", items}, {"open", s->count_open_conflicts(event_id, std::nullopt)}});
}

net::awaitable<response> resolve(call& c) {
  std::optional<response> bad;
  auto body = body_object(c, bad);
  if (!body) co_return *bad;
  domain::field_errors f;
  auto resolution = get_string(*body, "resolution", f, true).value_or("");
  auto note = get_string(*body, "note", f, false).value_or("");
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  auto id = c.ids.at(0);
  auto done = co_await commit_rule<domain::conflict_view>(c.a.db, [&](domain::store& s) {
    return domain::resolve_conflict(s, *c.who, id, resolution, note);
  });
  co_return outcome_response(c, done, http::status::ok, [](domain::conflict_view const& v) { return conflict_json(v); });
}

}  // namespace

std::vector<route> door_routes() {
  using http::verb;
  return {
      {verb::get, "/api/v1/events/{id}/door-list", access::kiosk, door_list},
      {verb::get, "/api/v1/door/conflicts", access::staff, list_conflicts},
      {verb::post, "/api/v1/door/conflicts/{id}/resolve", access::staff, resolve},
  };
}

}  // namespace qiandao::transport
