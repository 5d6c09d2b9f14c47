// Free-clinic service tallies: a desk's taps, their undo, and the counts.
#include "domain/tallies.hpp"
#include "transport/router.hpp"
#include "transport/write.hpp"

namespace qiandao::transport {

namespace {

using tally_result = domain::result<domain::tally_answer>;

response answer(call& c, std::optional<tally_result> const& done, bool undo) {
  if (auto no = refusal(c, done)) return *no;
  auto const& a = done->value();
  json j = {{"tally", to_json(a.t)}, {"counts", to_json(a.counts)}};
  if (undo) {
    j["undone"] = true;
    return json_response(c.req, http::status::ok, j);
  }
  j["first"] = a.first;
  return json_response(c.req, a.first ? http::status::created : http::status::ok, j);
}

net::awaitable<response> tap(call& c) {
  std::optional<response> bad;
  auto body = body_object(c, bad);
  if (!body) co_return *bad;
  domain::field_errors f;
  domain::tally_request req;
  req.nonce = get_string(*body, "nonce", f, true).value_or("");
  req.service = get_string(*body, "service", f, true).value_or("");
  req.site = get_string(*body, "site", f, false).value_or("");
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  auto event_id = c.ids.at(0);
  auto done = co_await commit_rule<domain::tally_answer>(
      c.a.db, [&](domain::store& s) { return domain::record_tally(s, *c.who, event_id, req); });
  co_return answer(c, done, false);
}

net::awaitable<response> undo(call& c) {
  std::optional<response> bad;
  auto body = body_object(c, bad);
  if (!body) co_return *bad;
  domain::field_errors f;
  auto nonce = get_string(*body, "nonce", f, true);
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  auto event_id = c.ids.at(0);
  auto done = co_await commit_rule<domain::tally_answer>(
      c.a.db, [&](domain::store& s) { return domain::undo_tally(s, *c.who, event_id, *nonce); });
  co_return answer(c, done, true);
}

net::awaitable<response> counts(call& c) {
  auto event_id = c.ids.at(0);
  if (c.who->event_id && *c.who->event_id != event_id)
    co_return error_response(c.req, domain::make_error(domain::error_kind::forbidden, "wrong_event",
                                                       "此设备不属于该活动 / this device is for another event"));
  auto s = c.a.db.read();
  auto ev = s->find_event(event_id);
  if (!ev) co_return error_response(c.req, not_found_error());
  co_return json_response(c.req, http::status::ok, to_json(s->count_tallies(*ev)));
}

}  // namespace

std::vector<route> tally_routes() {
  using http::verb;
  return {
      {verb::post, "/api/v1/events/{id}/tallies", access::kiosk, tap},
      {verb::post, "/api/v1/events/{id}/tallies/undo", access::kiosk, undo},
      {verb::get, "/api/v1/events/{id}/tallies", access::kiosk, counts},
  };
}

}  // namespace qiandao::transport
