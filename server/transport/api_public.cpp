// The public's own sign-up (/s/), no sign-in: open events, an ALTCHA challenge, sign-up,
// the ticket by its code, "find my ticket", and the holder's cancel. Every limit here is
// counted in memory before any database work, so a flood is answered 429 at once and
// never queues behind the kiosks' check-ins at the writer.
#include "domain/public_signup.hpp"
#include "domain/validate.hpp"
#include "transport/qr_svg.hpp"
#include "transport/router.hpp"
#include "transport/write.hpp"

namespace qiandao::transport {

namespace {

using domain::error_kind;
using domain::make_error;
using std::chrono::minutes;

response too_many(call const& c, std::int64_t wait) {
  auto res = error_response(c.req, make_error(error_kind::rate_limited, "rate_limited",
                                              "请求过于频繁，请稍后再试 / too many requests, try again later"));
  res.set(http::field::retry_after, std::to_string(wait));
  return res;
}

// Counts one hit against `key`; the 429 to send when over.
std::optional<response> over(call& c, std::string const& key, int max, std::chrono::seconds window) {
  if (auto wait = c.a.public_limits.hit(key, max, window); wait > 0) return too_many(c, wait);
  return std::nullopt;
}

// Every public call counts against its address's budget.
std::optional<response> budget(call& c) {
  return over(c, "public:" + c.remote, c.a.cfg.public_requests_per_address, minutes(10));
}

json ticket_body(domain::public_ticket const& t) {
  json j = public_ticket_json(t);
  j["qr_svg"] = qr_svg(t.reg.code).value_or("");
  return j;
}

response ticket_answer(call const& c, std::optional<domain::result<domain::public_ticket>> const& done,
                       http::status ok) {
  return outcome_response(c, done, ok, ticket_body);
}

net::awaitable<response> list_events(call& c) {
  if (auto no = budget(c)) co_return *no;
  json items = json::array();
  for (auto const& e : domain::public_events(*c.a.db.read(), domain::now_text()))
    items.push_back(public_event_json(e));
  co_return json_response(c.req, http::status::ok, {{"items", items}});
}

net::awaitable<response> challenge(call& c) {
  if (auto no = budget(c)) co_return *no;
  if (auto no = over(c, "challenge:" + c.remote, 60, minutes(10))) co_return *no;
  co_return json_response(c.req, http::status::ok, challenge_json(c.a.pow.issue(domain::now_seconds())));
}

// The proof of work: 403 with the reason when missing, not this server's, expired or spent
// (on this instance; the sign-up's transaction spends it for all of them); else `proof` is
// what the sign-up spends.
std::optional<domain::error> pow_refusal(call& c, json const& body, domain::spent_proof& proof) {
  auto it = body.find("altcha");
  if (it == body.end() || !it->is_string() || it->get<std::string>().empty())
    return make_error(error_kind::forbidden, "pow_required", "请先完成人机验证 / complete the verification first");
  auto solution = read_pow_payload(it->get<std::string>());
  auto verdict = solution ? c.a.pow.redeem(*solution, domain::now_seconds()) : domain::pow_verdict::invalid;
  switch (verdict) {
    case domain::pow_verdict::ok:
      proof = {solution->challenge.parameters.nonce, solution->challenge.parameters.expires_at};
      return std::nullopt;
    case domain::pow_verdict::expired:
      return make_error(error_kind::forbidden, "pow_expired", "验证已过期，请重新验证 / verification expired, verify again");
    case domain::pow_verdict::replayed: return domain::proof_replayed();
    case domain::pow_verdict::invalid: break;
  }
  return make_error(error_kind::forbidden, "pow_invalid", "验证无效，请重新验证 / verification failed, verify again");
}

net::awaitable<response> sign_up(call& c) {
  if (auto no = budget(c)) co_return *no;
  if (auto no = over(c, "signup:" + c.remote, c.a.cfg.public_signups_per_address, minutes(60))) co_return *no;
  // All addresses together: a spread-out flood still reaches the writer at a bounded rate.
  if (auto no = over(c, "signup:*", 600, minutes(1))) co_return *no;
  std::optional<response> bad;
  auto body = body_object(c, bad);
  if (!body) co_return *bad;
  // The honeypot: a field people never see (hidden, off-screen) that form-filling bots fill.
  if (auto hp = body->find("website"); hp != body->end() && !(hp->is_string() && hp->get<std::string>().empty()) &&
                                       !hp->is_null())
    co_return error_response(c.req, make_error(error_kind::malformed, "rejected", "提交被拒绝 / submission refused"));
  domain::field_errors f;
  auto in = read_registration_input(*body, f);
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  if (auto phone = domain::normalize_phone(in.phone))
    if (auto no = over(c, "signup-phone:" + *phone, 5, minutes(60))) co_return *no;
  auto event_id = c.ids.at(0);
  {
    auto ev = c.a.db.read()->find_event(event_id);
    auto checked = domain::check_public_signup(ev ? &*ev : nullptr, in, domain::now_text());
    if (!checked) co_return error_response(c.req, checked.err());
  }
  domain::spent_proof proof;
  if (auto no = pow_refusal(c, *body, proof)) co_return error_response(c.req, *no);
  auto done = co_await commit_rule<domain::public_ticket>(
      c.a.db, [&](domain::store& s) { return domain::public_sign_up(s, event_id, in, proof); });
  co_return ticket_answer(c, done, http::status::created);
}

// The ticket code a request names in its body; otherwise `out` holds the answer to send.
std::optional<std::string> code_of(call& c, std::optional<response>& out) {
  if ((out = budget(c))) return std::nullopt;
  auto body = body_object(c, out);
  if (!body) return std::nullopt;
  domain::field_errors f;
  auto code = get_string(*body, "code", f, true);
  if (code && (code->empty() || code->size() > 64)) f.add("code", "票码无效 / not a ticket code");
  if (!f.empty()) {
    out = error_response(c.req, f.to_error());
    return std::nullopt;
  }
  return code;
}

net::awaitable<response> ticket(call& c) {
  std::optional<response> no;
  auto code = code_of(c, no);
  if (!code) co_return *no;
  auto t = domain::public_ticket_by_code(*c.a.db.read(), *code);
  if (!t) co_return error_response(c.req, t.err());
  co_return json_response(c.req, http::status::ok, ticket_body(t.value()));
}

net::awaitable<response> find(call& c) {
  if (auto no = budget(c)) co_return *no;
  if (auto no = over(c, "find:" + c.remote, 30, minutes(10))) co_return *no;
  std::optional<response> bad;
  auto body = body_object(c, bad);
  if (!body) co_return *bad;
  domain::field_errors f;
  auto phone = get_string(*body, "phone", f, true);
  auto name = get_string(*body, "name", f, true);
  std::optional<std::string> normal;
  if (phone && !(normal = domain::normalize_phone(*phone))) f.add("phone", "请填写 11 位手机号 / enter an 11-digit mainland mobile number");
  if (name && (domain::trim(*name).empty() || name->size() > 200)) f.add("name", "请填写姓名 / name is required");
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  // Per phone too, so guessing names for one number is slow from any number of addresses.
  if (auto no = over(c, "find-phone:" + *normal, 10, minutes(10))) co_return *no;
  json items = json::array();
  for (auto const& t : domain::find_public_tickets(*c.a.db.read(), *normal, *name)) items.push_back(ticket_body(t));
  co_return json_response(c.req, http::status::ok, {{"items", items}});
}

net::awaitable<response> cancel(call& c) {
  if (auto no = over(c, "cancel:" + c.remote, 20, minutes(60))) co_return *no;
  std::optional<response> no;
  auto code = code_of(c, no);
  if (!code) co_return *no;
  auto done = co_await commit_rule<domain::public_ticket>(
      c.a.db, [&](domain::store& s) { return domain::cancel_public_ticket(s, *code); });
  co_return ticket_answer(c, done, http::status::ok);
}

}  // namespace

std::vector<route> public_routes() {
  using http::verb;
  return {
      {verb::get, "/api/v1/public/events", access::anyone, list_events},
      {verb::get, "/api/v1/public/challenge", access::anyone, challenge},
      {verb::post, "/api/v1/public/events/{id}/signups", access::anyone, sign_up},
      {verb::post, "/api/v1/public/ticket", access::anyone, ticket},
      {verb::post, "/api/v1/public/ticket/cancel", access::anyone, cancel},
      {verb::post, "/api/v1/public/find", access::anyone, find},
  };
}

}  // namespace qiandao::transport
