// Staff fix things (issue 11): correct a registration keeping its code, and look after
// accounts — disable, enable, reset a password, change one's own.
#include "domain/account_admin.hpp"
#include "domain/accounts.hpp"
#include "domain/auth.hpp"
#include "domain/registration_edit.hpp"
#include "domain/validate.hpp"
#include "transport/passwords.hpp"
#include "transport/router.hpp"
#include "transport/write.hpp"

namespace qiandao::transport {

namespace {

using domain::error_kind;
using domain::make_error;

json account_json(domain::account const& a) { return to_json(a); }

net::awaitable<response> edit_registration(call& c) {
  std::optional<response> bad;
  auto body = body_object(c, bad);
  if (!body) co_return *bad;
  domain::field_errors f;
  auto patch = read_registration_patch(*body, f);
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  auto id = c.ids.at(0);
  auto done = co_await commit_rule<domain::registration>(
      c.a.db, [&](domain::store& s) { return domain::edit_registration(s, *c.who, id, patch); });
  co_return outcome_response(c, done, http::status::ok,
                             [](domain::registration const& r) { return to_json(r, false); });
}

// PATCH /users/{id} {disabled: true|false}
net::awaitable<response> update_user(call& c) {
  std::optional<response> bad;
  auto body = body_object(c, bad);
  if (!body) co_return *bad;
  domain::field_errors f;
  auto it = body->find("disabled");
  if (it == body->end() || !it->is_boolean()) f.add("disabled", "须为 true 或 false / true or false");
  for (auto const& [key, value] : body->items())
    if (key != "disabled") f.add(key, "不能修改此项 / this field cannot be changed");
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  bool disabled = it->get<bool>();
  auto id = c.ids.at(0);
  auto done = co_await commit_rule<domain::account>(
      c.a.db, [&](domain::store& s) { return domain::set_account_disabled(s, *c.who, id, disabled); });
  co_return outcome_response(c, done, http::status::ok, account_json);
}

// A new password from the body's `key`, checked like a new account's; empty with `f` set.
std::optional<std::string> new_password(json const& body, char const* key, domain::field_errors& f) {
  auto pw = get_string(body, key, f, true);
  if (pw && (pw->size() < 10 || pw->size() > 1024)) {
    f.add(key, "密码至少 10 个字符 / at least 10 characters");
    return std::nullopt;
  }
  return pw;
}

// POST /users/{id}/password {password}: an admin sets a new one; the user is signed out.
net::awaitable<response> reset_password(call& c) {
  std::optional<response> bad;
  auto body = body_object(c, bad);
  if (!body) co_return *bad;
  domain::field_errors f;
  auto pw = new_password(*body, "password", f);
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  if (!c.a.db.read()->find_account(c.ids.at(0))) co_return error_response(c.req, not_found_error());
  if (auto busy = hashing_busy(c)) co_return *busy;
  auto hash = co_await hash_off_thread(c.a, *pw);
  auto id = c.ids.at(0);
  auto done = co_await commit_rule<domain::account>(
      c.a.db, [&](domain::store& s) { return domain::reset_password(s, *c.who, id, hash); });
  co_return outcome_response(c, done, http::status::ok, account_json);
}

// POST /me/password {current_password, new_password}: the caller's other sessions end.
net::awaitable<response> change_own_password(call& c) {
  std::optional<response> bad;
  auto body = body_object(c, bad);
  if (!body) co_return *bad;
  domain::field_errors f;
  auto current = get_string(*body, "current_password", f, true);
  auto next = new_password(*body, "new_password", f);
  if (current && current->size() > 1024) f.add("current_password", "too long");
  if (!c.who->is_user()) co_return error_response(c.req, make_error(error_kind::forbidden, "forbidden", "仅限用户 / users only"));
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  auto mine = c.a.db.read()->find_account(c.who->id);
  if (!mine) co_return error_response(c.req, not_found_error());
  if (auto busy = hashing_busy(c)) co_return *busy;
  // The same per-account throttle as sign-in: a stolen session cannot guess the password.
  if (auto wait = co_await throttled(c, mine->username)) co_return *wait;
  if (!co_await verify_off_thread(c.a, mine->password_hash, *current)) {
    domain::field_errors wrong;
    wrong.add("current_password", "当前密码不正确 / the current password is wrong");
    co_return error_response(c.req, wrong.to_error());
  }
  co_await throttle_passed(c, mine->username);
  auto hash = co_await hash_off_thread(c.a, *next);
  std::string keep = domain::token_digest(session_token(c.req).value_or(""));
  auto done = co_await commit_rule<bool>(
      c.a.db, [&](domain::store& s) { return domain::change_own_password(s, *c.who, hash, keep); });
  co_return outcome_response(c, done, http::status::ok, [](bool) { return json{{"ok", true}}; });
}

}  // namespace

std::vector<route> staff_routes() {
  using http::verb;
  return {
      {verb::patch, "/api/v1/registrations/{id}", access::staff, edit_registration},
      {verb::patch, "/api/v1/users/{id}", access::admin, update_user},
      {verb::post, "/api/v1/users/{id}/password", access::admin, reset_password},
      {verb::post, "/api/v1/me/password", access::signed_in, change_own_password},
  };
}

}  // namespace qiandao::transport
