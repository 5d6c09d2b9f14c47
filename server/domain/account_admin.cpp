#include "domain/account_admin.hpp"

#include "domain/validate.hpp"

namespace qiandao::domain {

namespace {

std::string target(id_t id) { return "user:" + std::to_string(id); }

error no_account() { return make_error(error_kind::not_found, "not_found", "用户不存在 / no such user"); }

}  // namespace

result<account> set_account_disabled(store& s, actor const& who, id_t id, bool disabled) {
  auto a = s.find_account(id);
  if (!a) return no_account();
  if (disabled == a->disabled_at.has_value()) return *a;  // already so: nothing to audit
  if (disabled && id == who.id && who.is_user())
    return make_error(error_kind::conflict, "self", "不能停用自己的账号 / you cannot disable your own account");
  if (disabled && a->role == "admin" && s.count_active_admins() <= 1)
    return make_error(error_kind::conflict, "last_admin", "不能停用最后一个管理员 / the last admin cannot be disabled");
  std::string now = now_text();
  s.set_user_disabled(id, disabled ? std::optional<std::string>{now} : std::nullopt);
  if (disabled) s.delete_user_sessions(id, "");
  s.audit(now, who.label(), disabled ? "user.disable" : "user.enable", target(id), a->username);
  return *s.find_account(id);
}

result<account> reset_password(store& s, actor const& who, id_t id, std::string const& hash) {
  auto a = s.find_account(id);
  if (!a) return no_account();
  s.set_password_hash(id, hash);
  s.delete_user_sessions(id, "");
  s.audit(now_text(), who.label(), "user.password_reset", target(id), a->username);
  return *s.find_account(id);
}

result<bool> change_own_password(store& s, actor const& who, std::string const& hash, std::string const& keep) {
  if (!who.is_user() || !s.find_account(who.id)) return no_account();
  s.set_password_hash(who.id, hash);
  s.delete_user_sessions(who.id, keep);
  s.audit(now_text(), who.label(), "user.password_change", target(who.id), who.name);
  return true;
}

result<account> rescue_password(store& s, std::string const& username, std::string const& hash) {
  auto a = s.find_account_by_name(username);
  if (!a) return no_account();
  s.set_password_hash(a->id, hash);
  if (a->disabled_at) s.set_user_disabled(a->id, std::nullopt);
  s.delete_user_sessions(a->id, "");
  s.audit(now_text(), "cli", "user.password_reset", target(a->id),
          a->username + (a->disabled_at ? " (command line; enabled again)" : " (command line)"));
  return *s.find_account(a->id);
}

}  // namespace qiandao::domain
