// Users, sessions, kiosk devices and the audit log.
#include "storage/rows.hpp"
#include "storage/store.hpp"

namespace qiandao::storage {

namespace {

domain::device read_device(statement& s) {
  return {s.get_int(0), s.get_text(1), s.get_optional_int(2), s.get_text(3),
          s.get_optional_text(4)};
}

constexpr char const* device_select =
    "SELECT id, name, event_id, created_at, revoked_at FROM devices ";

}  // namespace

std::optional<id_t> sql_store::insert_user(std::string const& username, std::string const& hash,
                                       std::string const& role, std::string const& now) {
  auto& s = c_.prepare(
      "INSERT INTO users (username, password_hash, role, created_at) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (username) DO NOTHING RETURNING id");
  s.bind(1, username).bind(2, hash).bind(3, role).bind(4, now);
  if (!s.step()) return std::nullopt;
  id_t id = s.get_int(0);
  s.reset();
  return id;
}

std::optional<domain::user> sql_store::find_user_by_name(std::string const& username) {
  auto& s = c_.prepare(
      "SELECT id, username, role, password_hash FROM users "
      "WHERE username = ?1 AND disabled_at IS NULL");
  s.bind(1, username);
  if (!s.step()) return std::nullopt;
  domain::user u{s.get_int(0), s.get_text(1), s.get_text(2), s.get_text(3)};
  s.reset();
  return u;
}

std::vector<domain::user> sql_store::list_users() {
  auto& s = c_.prepare("SELECT id, username, role FROM users WHERE disabled_at IS NULL ORDER BY id");
  std::vector<domain::user> out;
  while (s.step()) out.push_back({s.get_int(0), s.get_text(1), s.get_text(2), ""});
  return out;
}

std::int64_t sql_store::count_users() {
  auto& s = c_.prepare("SELECT count(*) FROM users");
  std::int64_t n = 0;
  if (s.step()) {
    n = s.get_int(0);
    s.reset();
  }
  return n;
}

void sql_store::insert_session(std::string const& token_hash, id_t user_id, std::string const& now,
                           std::string const& expires_at) {
  c_.prepare(
         "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)")
      .bind(1, token_hash)
      .bind(2, user_id)
      .bind(3, now)
      .bind(4, expires_at)
      .run();
}

std::optional<domain::session_row> sql_store::find_session(std::string const& token_hash) {
  auto& s = c_.prepare(
      "SELECT u.id, u.username, u.role, s.expires_at FROM sessions s "
      "JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1 AND u.disabled_at IS NULL");
  s.bind(1, token_hash);
  if (!s.step()) return std::nullopt;
  domain::session_row r{{s.get_int(0), s.get_text(1), s.get_text(2), {}}, s.get_text(3)};
  s.reset();
  return r;
}

void sql_store::delete_session(std::string const& token_hash) {
  c_.prepare("DELETE FROM sessions WHERE token_hash = ?1").bind(1, token_hash).run();
}

id_t sql_store::insert_device(std::string const& name, std::string const& token_hash,
                          std::optional<id_t> event_id, std::string const& now) {
  return returned_id(
      c_.prepare("INSERT INTO devices (name, token_hash, event_id, created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id")
          .bind(1, name)
          .bind(2, token_hash)
          .bind(3, event_id)
          .bind(4, now));
}

std::optional<domain::device> sql_store::find_device_by_token(std::string const& token_hash) {
  std::uint64_t generation = 0;
  if (devices_) {
    generation = devices_->generation();  // before the query: see device_cache.hpp
    if (auto d = devices_->find(token_hash)) return d;
  }
  auto& s = c_.prepare(std::string(device_select) +
                        "WHERE token_hash = ?1 AND revoked_at IS NULL");
  s.bind(1, token_hash);
  if (!s.step()) return std::nullopt;
  auto d = read_device(s);
  s.reset();
  if (devices_) devices_->put(token_hash, d, generation);
  return d;
}

std::optional<domain::device> sql_store::find_device(id_t id) {
  auto& s = c_.prepare(std::string(device_select) + "WHERE id = ?1");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  auto d = read_device(s);
  s.reset();
  return d;
}

std::vector<domain::device> sql_store::list_devices() {
  auto& s = c_.prepare(std::string(device_select) + "ORDER BY id");
  std::vector<domain::device> out;
  while (s.step()) out.push_back(read_device(s));
  return out;
}

void sql_store::revoke_device(id_t id, std::string const& now) {
  c_.prepare("UPDATE devices SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL")
      .bind(1, id)
      .bind(2, now)
      .run();
  revoked_ = true;
  if (devices_) devices_->invalidate();
}

void sql_store::audit(std::string const& at, std::string const& actor, std::string const& action,
                  std::string const& target, std::string const& detail) {
  c_.prepare(
         "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind(1, at)
      .bind(2, actor)
      .bind(3, action)
      .bind(4, target)
      .bind(5, detail)
      .run();
}

std::vector<domain::audit_row> sql_store::list_audit(std::int64_t limit, std::int64_t before_id) {
  auto& s = c_.prepare(
      "SELECT id, at, actor, action, target, detail FROM audit_log "
      "WHERE (?2 = 0 OR id < ?2) ORDER BY id DESC LIMIT ?1");
  s.bind(1, limit).bind(2, before_id);
  std::vector<domain::audit_row> out;
  while (s.step()) {
    out.push_back({s.get_int(0), s.get_text(1), s.get_text(2), s.get_text(3), s.get_text(4),
                   s.get_text(5)});
  }
  return out;
}

}  // namespace qiandao::storage
