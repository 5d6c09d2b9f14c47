// Sign in and out, who am I, kiosk devices and the audit log.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>

#include "domain/accounts.hpp"
#include "domain/auth.hpp"
#include "domain/door.hpp"
#include "domain/validate.hpp"
#include "transport/passwords.hpp"
#include "transport/router.hpp"
#include "transport/write.hpp"

namespace qiandao::transport {

namespace {

using domain::error_kind;
using domain::make_error;

// A hash to verify against when the account does not exist, so a missing user costs the
// same time as a wrong password and names cannot be discovered by timing.
std::string const& decoy_hash() {
  static std::string const h = domain::hash_password("qiandao-decoy-password");
  return h;
}

// A plain coroutine with by-value parameters: a capturing lambda coroutine would leave its
// frame pointing into a lambda object that co_spawn has already destroyed.
net::awaitable<bool> verify_task(std::string hash, std::string password) {
  co_return domain::verify_password(hash, password);
}

net::awaitable<std::string> hash_task(std::string password) { co_return domain::hash_password(password); }



std::string session_cookie(app const& a, std::string const& value, int max_age) {
  std::string c = "qiandao_session=" + value + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                  std::to_string(max_age);
  if (a.cfg.tls_cert) c += "; Secure";  // over TLS the cookie never travels in clear
  return c;
}

net::awaitable<response> login(call& c) {
  std::optional<response> bad;
  auto body = body_object(c, bad);
  if (!body) co_return *bad;
  domain::field_errors f;
  auto username = get_string(*body, "username", f, true);
  auto password = get_string(*body, "password", f, true);
  if (username && (username->empty() || username->size() > 64)) f.add("username", "1–64 characters");
  if (password && password->size() > 1024) f.add("password", "too long");
  if (!f.empty()) co_return error_response(c.req, f.to_error());

  if (auto busy = hashing_busy(c)) co_return *busy;
  if (auto wait = co_await throttled(c, *username)) co_return *wait;
  auto user = c.a.db.read()->find_user_by_name(*username);
  bool ok = co_await verify_off_thread(c.a, user ? user->password_hash : decoy_hash(), *password);
  if (!user || !ok) {  // begin_attempt already counted it
    std::fprintf(stderr, "qiandao: sign-in failed for \"%s\" from %s\n", username->c_str(), c.remote.c_str());
    co_return error_response(c.req, make_error(error_kind::unauthorized, "bad_credentials",
                                               "用户名或密码错误 / wrong username or password"));
  }
  co_await throttle_passed(c, *username);
  std::string token = domain::new_secret_token();
  int hours = c.a.cfg.session_hours;
  // Captures by reference only: GCC 12 miscompiles init-captures of lambdas made inside a
  // coroutine. The coroutine frame outlives the job, so the references stay good.
  auto saved = co_await commit_rule<bool>(
      c.a.db, [&](domain::store& s) { return domain::open_session(s, *user, token, hours, c.remote); });
  if (auto no = refusal(c, saved)) co_return *no;
  domain::actor who{domain::user_role(user->role), user->id, user->username, std::nullopt};
  auto res = json_response(c.req, http::status::ok, {{"user", to_json(who)}});
  res.set(http::field::set_cookie, session_cookie(c.a, token, hours * 3600));
  co_return res;
}

net::awaitable<response> logout(call& c) {
  if (c.who && c.who->is_user()) {
    if (auto found = session_token(c.req)) {
      std::string token = *found;
      auto done = co_await commit_rule<bool>(
          c.a.db, [&](domain::store& s) { return domain::close_session(s, *c.who, token); });
      if (auto no = refusal(c, done)) co_return *no;
    }
  }
  auto res = json_response(c.req, http::status::ok, {{"ok", true}});
  res.set(http::field::set_cookie, session_cookie(c.a, "", 0));
  co_return res;
}

net::awaitable<response> me(call& c) {
  co_return json_response(c.req, http::status::ok, {{"user", to_json(*c.who)}});
}




net::awaitable<response> list_users(call& c) {
  json items = json::array();
  // Disabled accounts too (issue 11), with their state, so an admin can enable them again.
  for (auto const& u : c.a.db.read()->list_accounts()) items.push_back(to_json(u));
  co_return json_response(c.req, http::status::ok, {{"items", items}});
}

// Admins add staff and judges (e.g. for a skill competition) without the command line.
net::awaitable<response> create_user(call& c) {
  std::optional<response> bad;
  auto body = body_object(c, bad);
  if (!body) co_return *bad;
  domain::field_errors f;
  auto username = get_string(*body, "username", f, true);
  auto password = get_string(*body, "password", f, true);
  auto role = get_string(*body, "role", f, true);
  if (username) *username = domain::trim(*username);
  if (username && password && role) domain::check_new_user(*username, *password, *role, f);
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  if (auto busy = hashing_busy(c)) co_return *busy;
  auto hash = co_await hash_off_thread(c.a, *password);
  auto made = co_await commit_rule<domain::user>(
      c.a.db, [&](domain::store& s) { return domain::create_user(s, c.who->label(), *username, hash, *role); });
  co_return outcome_response(c, made, http::status::created, [](domain::user const& u) { return to_json(u); });
}

net::awaitable<response> list_devices(call& c) {
  json items = json::array();
  for (auto const& d : c.a.db.read()->list_devices()) items.push_back(to_json(d));
  co_return json_response(c.req, http::status::ok, {{"items", items}});
}

net::awaitable<response> create_device(call& c) {
  std::optional<response> bad;
  auto body = body_object(c, bad);
  if (!body) co_return *bad;
  domain::field_errors f;
  auto name = get_string(*body, "name", f, true);
  auto event_id = get_int(*body, "event_id", f, false);
  auto pin = get_string(*body, "pin", f, false);  // the staff PIN that switches its event
  if (pin && pin->empty()) pin.reset();
  if (name) domain::check_device_name(*name, f);
  if (pin) domain::check_device_pin(*pin, f);
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  std::optional<std::string> pin_hash;
  if (pin) {
    if (auto busy = hashing_busy(c)) co_return *busy;
    pin_hash = co_await hash_off_thread(c.a, *pin);
  }
  std::string token = domain::new_secret_token();
  auto made = co_await commit_rule<domain::device>(c.a.db, [&](domain::store& s) {
    auto d = domain::create_device(s, c.who->label(), *name, token, event_id);
    if (d && pin_hash) s.set_device_pin(d.value().id, pin_hash);
    return d;
  });
  co_return outcome_response(c, made, http::status::created, [&](domain::device const& d) {
    json j = to_json(d);
    j["token"] = token;  // shown once; only its digest is stored
    return j;
  });
}

net::awaitable<response> revoke_device(call& c) {
  auto id = c.ids.at(0);
  auto done = co_await commit_rule<domain::device>(
      c.a.db, [&](domain::store& s) { return domain::revoke_device(s, *c.who, id); });
  co_return outcome_response(c, done, http::status::ok, [](domain::device const& d) { return to_json(d); });
}

// An admin sets (or replaces) a kiosk's PIN, e.g. for a kiosk paired before PINs existed.
net::awaitable<response> set_device_pin(call& c) {
  std::optional<response> bad;
  auto body = body_object(c, bad);
  if (!body) co_return *bad;
  domain::field_errors f;
  auto pin = get_string(*body, "pin", f, true).value_or("");
  domain::check_device_pin(pin, f);
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  if (auto busy = hashing_busy(c)) co_return *busy;
  auto hash = co_await hash_off_thread(c.a, pin);
  auto id = c.ids.at(0);
  auto done = co_await commit_rule<domain::device>(
      c.a.db, [&](domain::store& s) { return domain::set_device_pin(s, *c.who, id, hash); });
  co_return outcome_response(c, done, http::status::ok, [](domain::device const& d) { return to_json(d); });
}

// The kiosk asks for its staff PIN before its event picker: 200 when right, 403 when wrong
// or when the device has none; throttled like sign-ins.
net::awaitable<response> check_device_pin(call& c) {
  std::optional<response> bad;
  auto body = body_object(c, bad);
  if (!body) co_return *bad;
  domain::field_errors f;
  auto pin = get_string(*body, "pin", f, true).value_or("");
  if (pin.size() > 64) f.add("pin", "须为 4–8 位数字 / 4–8 digits");
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  if (c.who->role != domain::role_kind::kiosk)
    co_return error_response(c.req, make_error(error_kind::forbidden, "not_a_kiosk", "仅签到机使用 / kiosks only"));
  auto hash = c.a.db.read()->device_pin_hash(c.who->id);
  if (!hash)
    co_return error_response(c.req, make_error(error_kind::forbidden, "no_pin",
                                               "此签到机未设置 PIN，请管理员在“设备”页设置 / this kiosk has no PIN; an admin sets one on the Devices page"));
  std::string account = "device-pin:" + std::to_string(c.who->id);
  if (auto busy = hashing_busy(c)) co_return *busy;
  if (auto wait = co_await throttled(c, account)) co_return *wait;
  if (!co_await verify_off_thread(c.a, *hash, pin))
    co_return error_response(c.req, make_error(error_kind::forbidden, "wrong_pin", "PIN 不正确 / wrong PIN"));
  co_await throttle_passed(c, account);
  co_return json_response(c.req, http::status::ok, {{"ok", true}});
}


// Newest first; ?action= (prefix), ?actor= (part of the label), ?from=&to= (dates),
// ?limit=&offset= or the older ?before= cursor. The shape stays {items}, with total added.
net::awaitable<response> audit_log(call& c) {
  domain::field_errors f;
  domain::audit_query q;
  auto limit = query_int(c, "limit", 100, 1, 1000, f);
  auto offset = query_int(c, "offset", 0, 0, 100000000, f);
  auto before = query_int(c, "before", 0, 0, 999999999999999, f);
  read_audit_filters(c.query, q, f);
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  q.limit = *limit;
  q.offset = *offset;
  q.before_id = *before;
  auto page = c.a.db.read()->search_audit(q);
  json items = json::array();
  for (auto const& row : page.items) items.push_back(to_json(row));
  co_return json_response(c.req, http::status::ok,
                          {{"items", items}, {"total", page.total}, {"limit", q.limit}, {"offset", q.offset}});
}

}  // namespace

// Counts an attempt for the account from this address: the 429 to send when over the limit.
net::awaitable<std::optional<response>> throttled(call const& c, std::string const& account) {
  auto wait = c.a.throttle.begin_address_attempt(c.remote);
  if (wait <= 0) {
    auto const& limits = c.a.throttle.settings();
    auto counted = co_await commit<std::int64_t>(c.a.db, [&](domain::store& s) {
      return std::pair{domain::count_account_attempt(s, account, limits), true};
    });
    if (!counted) co_return unavailable(c.req);
    wait = *counted;
    // Refused unchecked: not an attempt this address made.
    if (wait > 0) c.a.throttle.address_succeeded(c.remote);
  }
  if (wait <= 0) co_return std::nullopt;
  auto res = error_response(c.req, make_error(error_kind::rate_limited, "rate_limited",
                                              "尝试次数过多，请稍后再试 / too many attempts, try later"));
  res.set(http::field::retry_after, std::to_string(wait));
  co_return res;
}

net::awaitable<void> throttle_passed(call const& c, std::string const& account) {
  c.a.throttle.address_succeeded(c.remote);
  // Best effort: were it lost, the failures would run out with their window.
  co_await commit<bool>(c.a.db, [&](domain::store& s) {
    domain::forget_account_attempts(s, account);
    return std::pair{true, true};
  });
}

std::optional<response> hashing_busy(call const& c) {
  if (c.a.hashes_in_flight.load() < 16) return std::nullopt;
  auto res = error_response(c.req, make_error(error_kind::rate_limited, "busy",
                                              "繁忙，请稍后再试 / busy, try again"));
  res.set(http::field::retry_after, "1");
  return res;
}

net::awaitable<bool> verify_off_thread(app& a, std::string hash, std::string password) {
  a.hashes_in_flight.fetch_add(1);
  bool ok = co_await net::co_spawn(a.hash_pool, verify_task(std::move(hash), std::move(password)),
                                   net::use_awaitable);
  a.hashes_in_flight.fetch_sub(1);
  co_return ok;
}

net::awaitable<std::string> hash_off_thread(app& a, std::string password) {
  a.hashes_in_flight.fetch_add(1);
  auto hash = co_await net::co_spawn(a.hash_pool, hash_task(std::move(password)), net::use_awaitable);
  a.hashes_in_flight.fetch_sub(1);
  co_return hash;
}

std::optional<std::string> session_token(request const& req) {
  auto it = req.find(http::field::cookie);
  std::string header = it == req.end() ? "" : std::string(it->value());
  auto pos = header.find("qiandao_session=");
  if (pos == std::string::npos) return std::nullopt;
  return header.substr(pos + 16, header.find(';', pos) - pos - 16);
}

std::vector<route> auth_routes() {
  using http::verb;
  return {
      {verb::post, "/api/v1/login", access::anyone, login},
      {verb::post, "/api/v1/logout", access::anyone, logout},
      {verb::get, "/api/v1/me", access::signed_in, me},
      {verb::get, "/api/v1/users", access::admin, list_users},
      {verb::post, "/api/v1/users", access::admin, create_user},
      {verb::get, "/api/v1/devices", access::admin, list_devices},
      {verb::post, "/api/v1/devices", access::admin, create_device},
      {verb::post, "/api/v1/devices/{id}/revoke", access::admin, revoke_device},
      {verb::post, "/api/v1/devices/{id}/pin", access::admin, set_device_pin},  // door (issue 11)
      {verb::post, "/api/v1/devices/pin", access::kiosk, check_device_pin},     // door (issue 11)
      {verb::get, "/api/v1/audit", access::admin, audit_log},
  };
}

}  // namespace qiandao::transport
