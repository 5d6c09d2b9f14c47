#include "domain/accounts.hpp"

#include "domain/auth.hpp"
#include "domain/validate.hpp"

namespace qiandao::domain {

void check_new_user(std::string const& username, std::string const& password, std::string const& role,
                    field_errors& f) {
  if (username.empty() || !is_valid_utf8(username) || utf8_length(username) > 64)
    f.add("username", "须为 1–64 字 / 1–64 characters");
  else if (has_control_chars(username)) f.add("username", control_chars_message);
  if (password.size() < 10 || password.size() > 1024) f.add("password", "密码至少 10 个字符 / at least 10 characters");
  if (role != "admin" && role != "staff" && role != "judge")
    f.add("role", "须为 admin、staff 或 judge / admin, staff or judge");
}

result<user> create_user(store& s, std::string const& actor_label, std::string const& username,
                         std::string const& hash, std::string const& role) {
  std::string now = now_text();
  auto id = s.insert_user(username, hash, role, now);
  if (!id) return make_error(error_kind::conflict, "duplicate", "用户名已存在 / username taken");
  s.audit(now, actor_label, "user.create", "user:" + username, role);
  return user{*id, username, role, ""};
}

result<bool> open_session(store& s, user const& u, std::string const& token, int hours, std::string const& from) {
  std::string now = now_text();
  s.insert_session(token_digest(token), u.id, now, format_time(now_seconds() + hours * 3600));
  s.audit(now, "user:" + u.username, "user.login", "user:" + std::to_string(u.id), from);
  return true;
}

result<bool> close_session(store& s, actor const& who, std::string const& token) {
  s.delete_session(token_digest(token));
  s.audit(now_text(), who.label(), "user.logout", "user:" + std::to_string(who.id), "");
  return true;
}

void check_device_name(std::string const& name, field_errors& f) {
  if (trim(name).empty() || utf8_length(name) > 50) f.add("name", "设备名须为 1–50 字 / 1–50 characters");
  else if (has_control_chars(name)) f.add("name", control_chars_message);
}

result<device> create_device(store& s, std::string const& actor_label, std::string const& name,
                             std::string const& token, std::optional<id_t> event_id) {
  if (event_id && !s.find_event(*event_id))
    return make_error(error_kind::not_found, "not_found", "活动不存在 / no such event");
  std::string now = now_text();
  auto id = s.insert_device(trim(name), token_digest(token), event_id, now);
  s.audit(now, actor_label, "device.create", "device:" + std::to_string(id), trim(name));
  return *s.find_device(id);
}

result<device> revoke_device(store& s, actor const& who, id_t id) {
  auto d = s.find_device(id);
  if (!d) return make_error(error_kind::not_found, "not_found", "找不到 / not found");
  std::string now = now_text();
  s.revoke_device(id, now);
  s.audit(now, who.label(), "device.revoke", "device:" + std::to_string(id), d->name);
  return *s.find_device(id);
}

void check_programme(std::optional<std::string> const& title, std::optional<std::string> const& theme,
                     field_errors& f) {
  if (title && (trim(*title).empty() || utf8_length(*title) > 200)) f.add("title", "1–200 characters");
  else if (title && has_control_chars(*title)) f.add("title", control_chars_message);
  if (theme && utf8_length(*theme) > 200) f.add("theme", "at most 200 characters");
  else if (theme && has_control_chars(*theme)) f.add("theme", control_chars_message);
}

result<programme> update_programme(store& s, actor const& who, std::optional<std::string> const& title,
                                   std::optional<std::string> const& theme) {
  field_errors f;
  check_programme(title, theme, f);
  if (!f.empty()) return f.to_error();
  auto p = s.get_programme();
  if (title) p.title = trim(*title);
  if (theme) p.theme = trim(*theme);
  s.set_programme(p);
  s.audit(now_text(), who.label(), "programme.update", "programme", p.title);
  return p;
}

result<bool> audit_export(store& s, actor const& who, std::string const& action, std::string const& target,
                          std::string const& detail) {
  s.audit(now_text(), who.label(), action, target, detail);
  return true;
}

}  // namespace qiandao::domain
