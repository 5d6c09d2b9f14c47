// Sign-ups: create, search, read one, cancel.
#include "domain/registrations.hpp"
#include "domain/validate.hpp"
#include "transport/router.hpp"
#include "transport/write.hpp"

namespace qiandao::transport {

namespace {

using reg_result = domain::result<domain::registration>;

response answer(call& c, std::optional<reg_result> const& done, http::status ok) {
  return outcome_response(c, done, ok, [](domain::registration const& r) { return to_json(r, false); });
}

net::awaitable<response> create(call& c) {
  std::optional<response> bad;
  auto body = body_object(c, bad);
  if (!body) co_return *bad;
  domain::field_errors f;
  auto in = read_registration_input(*body, f);
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  auto event_id = c.ids.at(0);
  auto done = co_await commit_rule<domain::registration>(c.a.db, [&](domain::store& s) {
    return domain::register_participant(s, *c.who, event_id, in, "staff");
  });
  co_return answer(c, done, http::status::created);
}

net::awaitable<response> search(call& c) {
  domain::registration_query q;
  q.event_id = c.ids.at(0);
  domain::field_errors f;
  read_registration_filters(c.query, q, f);
  if (auto u = query_int(c, "unit_id", 0, 1, 999999999999999, f); u && *u != 0) q.unit_id = *u;
  auto limit = query_int(c, "limit", 50, 1, 500, f);
  auto offset = query_int(c, "offset", 0, 0, 100000000, f);
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  q.limit = *limit;
  q.offset = *offset;
  auto store = c.a.db.read();
  if (!store->find_event(q.event_id)) co_return error_response(c.req, not_found_error());
  auto page = store->search_registrations(q);
  json items = json::array();
  for (auto const& r : page.items) items.push_back(to_json(r, false));
  co_return json_response(c.req, http::status::ok,
                          {{"items", items}, {"total", page.total}, {"limit", q.limit}, {"offset", q.offset}});
}

net::awaitable<response> get_one(call& c) {
  auto r = c.a.db.read()->find_registration(c.ids.at(0));
  if (!r) co_return error_response(c.req, not_found_error());
  co_return json_response(c.req, http::status::ok, to_json(*r, false));
}

net::awaitable<response> cancel(call& c) {
  auto id = c.ids.at(0);
  auto done = co_await commit_rule<domain::registration>(c.a.db, [&](domain::store& s) {
    return domain::cancel_registration(s, *c.who, id);
  });
  co_return answer(c, done, http::status::ok);
}

}  // namespace

std::vector<route> registration_routes() {
  using http::verb;
  return {
      {verb::post, "/api/v1/events/{id}/registrations", access::staff, create},
      {verb::get, "/api/v1/events/{id}/registrations", access::staff, search},
      {verb::get, "/api/v1/registrations/{id}", access::staff, get_one},
      {verb::post, "/api/v1/registrations/{id}/cancel", access::staff, cancel},
  };
}

}  // namespace qiandao::transport
