// The door: scan, phone look-up, walk-in, undo.
#include "domain/checkins.hpp"
#include "domain/validate.hpp"
#include "transport/json_io_door.hpp"
#include "transport/router.hpp"
#include "transport/write.hpp"

namespace qiandao::transport {

namespace {

using answer_result = domain::result<domain::checkin_answer>;
using outcome = domain::checkin_answer::outcome;

bool masked_for(call const& c) { return !c.who || !c.who->is_staff(); }

// Maps a door answer to the contract: 201 first, 200 repeat, 404 unknown, 409 refused.
response door_response(call& c, std::optional<answer_result> const& done) {
  if (auto no = refusal(c, done)) return *no;
  auto const& a = done->value();
  switch (a.result) {
    case outcome::checked_in:
      if (!a.replayed) c.a.counters.checkin();
      return json_text_response(c.req, http::status::created, checkin_answer_text(a, masked_for(c)));
    case outcome::already:
      return json_text_response(c.req, http::status::ok, checkin_answer_text(a, masked_for(c)));
    case outcome::not_found:
      return error_response(c.req, domain::make_error(domain::error_kind::not_found, "not_found",
                                                      "票码无效 / unknown ticket"));
    default: break;
  }
  static std::map<outcome, std::pair<char const*, char const*>> const refusals{
      {outcome::cancelled, {"cancelled", "报名已取消 / registration cancelled"}},
      {outcome::waitlisted, {"waitlisted", "候补中，尚未确认 / on the waitlist, not confirmed"}},
      {outcome::wrong_event, {"wrong_event", "不是本活动的票 / ticket is for another event"}},
      {outcome::event_cancelled, {"event_cancelled", "活动已取消 / the event is cancelled"}},
      {outcome::held, {"held", "门口未放行，已转待处理 / turned away at the door; sent to staff"}}};
  auto [code, message] = refusals.at(a.result);
  json body = to_json(a, masked_for(c));
  json err = error_body(domain::make_error(domain::error_kind::conflict, code, message));
  for (auto const& key : {"registration", "event"})
    if (body.contains(key)) err["error"][key] = body[key];
  return json_response(c.req, http::status::conflict, err);
}

net::awaitable<response> check_in(call& c) {
  std::optional<response> bad;
  auto body = body_object(c, bad);
  if (!body) co_return *bad;
  domain::field_errors f;
  domain::checkin_request req;
  req.nonce = get_string(*body, "nonce", f, true).value_or("");
  req.code = get_string(*body, "code", f, false);
  req.registration_id = get_int(*body, "registration_id", f, false);
  req.event_id = get_int(*body, "event_id", f, false);
  req.offline = read_offline_answer(*body, f);  // a replay of a scan the kiosk answered offline
  if (req.code && req.registration_id) f.add("code", "code 与 registration_id 只能给一个 / give code or registration_id, not both");
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  // A refused scan is still an ok() answer: its audit row and nonce are kept.
  auto done = co_await commit_rule<domain::checkin_answer>(
      c.a.db, [&](domain::store& s) { return domain::check_in(s, *c.who, req); });
  co_return door_response(c, done);
}

net::awaitable<response> walk_in(call& c) {
  std::optional<response> bad;
  auto body = body_object(c, bad);
  if (!body) co_return *bad;
  domain::field_errors f;
  auto in = read_registration_input(*body, f);
  auto nonce = get_string(*body, "nonce", f, true).value_or("");
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  auto event_id = c.ids.at(0);
  auto done = co_await commit_rule<domain::checkin_answer>(
      c.a.db, [&](domain::store& s) { return domain::walk_in(s, *c.who, event_id, in, nonce); });
  co_return door_response(c, done);
}

net::awaitable<response> lookup(call& c) {
  std::optional<response> bad;
  auto body = body_object(c, bad);
  if (!body) co_return *bad;
  domain::field_errors f;
  auto event_id = get_int(*body, "event_id", f, true);
  auto phone = get_string(*body, "phone", f, true);
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  if (c.who->event_id && *c.who->event_id != *event_id)
    co_return error_response(c.req, domain::make_error(domain::error_kind::forbidden, "wrong_event",
                                                       "此签到设备不属于该活动 / this kiosk is for another event"));
  auto found = domain::lookup(*c.a.db.read(), *event_id, *phone);
  if (!found) co_return error_response(c.req, found.err());
  json items = json::array();
  for (auto const& r : found.value()) items.push_back(to_json(r, masked_for(c)));
  co_return json_response(c.req, http::status::ok, {{"candidates", items}});
}

net::awaitable<response> undo(call& c) {
  auto id = c.ids.at(0);
  auto done = co_await commit_rule<domain::registration>(
      c.a.db, [&](domain::store& s) { return domain::undo_checkin(s, *c.who, id); });
  co_return outcome_response(c, done, http::status::ok,
                            [](domain::registration const& r) { return to_json(r, false); });
}

}  // namespace

std::vector<route> checkin_routes() {
  using http::verb;
  return {
      {verb::post, "/api/v1/checkins", access::kiosk, check_in},
      {verb::post, "/api/v1/checkins/lookup", access::kiosk, lookup},
      {verb::post, "/api/v1/events/{id}/walk-ins", access::kiosk, walk_in},
      {verb::delete_, "/api/v1/checkins/{id}", access::staff, undo},
  };
}

}  // namespace qiandao::transport
