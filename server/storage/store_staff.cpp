// What staff fix by hand (issue 11): a registration's fields, accounts (disable, password,
// sessions) and the audit log searched by action, actor and date.
#include "storage/rows.hpp"
#include "storage/store.hpp"

namespace qiandao::storage {

namespace {

constexpr char const* account_select =
    "SELECT id, username, role, created_at, disabled_at, password_hash FROM users ";

domain::account read_account(statement& s) {
  return {s.get_int(0), s.get_text(1), s.get_text(2), s.get_text(3), s.get_optional_text(4), s.get_text(5)};
}

std::optional<domain::account> one_account(statement& s) {
  if (!s.step()) return std::nullopt;
  auto a = read_account(s);
  s.reset();
  return a;
}

// A LIKE pattern matching `text` anywhere (or, with `prefix`, at the start), wildcards escaped.
std::string like_pattern(std::string const& text, bool prefix) {
  std::string out = prefix ? "" : "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

// The dates compare on the first ten characters of `at` (every stored time is +08:00).
constexpr char const* audit_where =
    "WHERE (?1 = '' OR action LIKE ?2 ESCAPE '\\') AND (?3 = '' OR actor LIKE ?4 ESCAPE '\\') "
    "AND (?5 = '' OR substr(at, 1, 10) >= ?5) AND (?6 = '' OR substr(at, 1, 10) <= ?6) "
    "AND (CAST(?7 AS BIGINT) = 0 OR id < ?7) ";

void bind_audit(statement& s, domain::audit_query const& q) {
  s.bind(1, q.action)
      .bind(2, like_pattern(q.action, true))
      .bind(3, q.actor)
      .bind(4, like_pattern(q.actor, false))
      .bind(5, q.from)
      .bind(6, q.to)
      .bind(7, q.before_id);
}

}  // namespace

bool sql_store::update_registration_fields(domain::registration const& r) {
  // Guarded like the unique index: the phone may not belong to another live registration.
  return inserted_id(c_.prepare(
                           "UPDATE registrations SET name = ?2, phone = ?3, organization = ?4, unit_id = ?5, "
                           "category = ?6, id_number = ?7 WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM "
                           "registrations o WHERE o.event_id = registrations.event_id AND o.phone = ?3 "
                           "AND o.status <> 'cancelled' AND o.id <> ?1) RETURNING id")
                         .bind(1, r.id)
                         .bind(2, r.name)
                         .bind(3, r.phone)
                         .bind(4, r.organization)
                         .bind(5, r.unit_id)
                         .bind(6, r.category)
                         .bind(7, r.id_number))
      .has_value();
}

std::vector<domain::account> sql_store::list_accounts() {
  auto& s = c_.prepare(std::string(account_select) + "ORDER BY id");
  std::vector<domain::account> out;
  while (s.step()) out.push_back(read_account(s));
  return out;
}

std::optional<domain::account> sql_store::find_account(id_t id) {
  auto& s = c_.prepare(std::string(account_select) + "WHERE id = ?1");
  s.bind(1, id);
  return one_account(s);
}

std::optional<domain::account> sql_store::find_account_by_name(std::string const& username) {
  auto& s = c_.prepare(std::string(account_select) + "WHERE username = ?1");
  s.bind(1, username);
  return one_account(s);
}

void sql_store::set_user_disabled(id_t id, std::optional<std::string> const& at) {
  c_.prepare("UPDATE users SET disabled_at = ?2 WHERE id = ?1").bind(1, id).bind(2, at).run();
}

void sql_store::set_password_hash(id_t id, std::string const& hash) {
  c_.prepare("UPDATE users SET password_hash = ?2 WHERE id = ?1").bind(1, id).bind(2, hash).run();
}

void sql_store::delete_user_sessions(id_t user_id, std::string const& keep) {
  c_.prepare("DELETE FROM sessions WHERE user_id = ?1 AND token_hash <> ?2").bind(1, user_id).bind(2, keep).run();
}

std::int64_t sql_store::count_active_admins() {
  auto& s = c_.prepare("SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL");
  std::int64_t n = 0;
  if (s.step()) {
    n = s.get_int(0);
    s.reset();
  }
  return n;
}

std::pair<std::int64_t, std::int64_t> sql_store::count_login_attempt(std::string const& account, std::int64_t now,
                                                                     std::int64_t window) {
  // One statement, so two instances counting at once never both read the same count.
  auto& s = c_.prepare(
      "INSERT INTO login_attempts (account, window_start, failures) VALUES (?1, ?2, 1) "
      "ON CONFLICT (account) DO UPDATE SET "
      "failures = CASE WHEN login_attempts.window_start <= ?2 - ?3 THEN 1 ELSE login_attempts.failures + 1 END, "
      "window_start = CASE WHEN login_attempts.window_start <= ?2 - ?3 THEN ?2 ELSE login_attempts.window_start END "
      "RETURNING failures, window_start");
  s.bind(1, account).bind(2, now).bind(3, window);
  std::pair<std::int64_t, std::int64_t> out{1, now};
  if (s.step()) {
    out = {s.get_int(0), s.get_int(1)};
    s.reset();
  }
  return out;
}

void sql_store::clear_login_attempts(std::string const& account) {
  c_.prepare("DELETE FROM login_attempts WHERE account = ?1").bind(1, account).run();
}

domain::audit_page sql_store::search_audit(domain::audit_query const& q) {
  domain::audit_page page;
  auto& count = c_.prepare(std::string("SELECT count(*) FROM audit_log ") + audit_where);
  bind_audit(count, q);
  if (count.step()) {
    page.total = count.get_int(0);
    count.reset();
  }
  auto& s = c_.prepare(std::string("SELECT id, at, actor, action, target, detail FROM audit_log ") + audit_where +
                       "ORDER BY id DESC LIMIT ?8 OFFSET ?9");
  bind_audit(s, q);
  s.bind(8, q.limit).bind(9, q.offset);
  while (s.step())
    page.items.push_back({s.get_int(0), s.get_text(1), s.get_text(2), s.get_text(3), s.get_text(4), s.get_text(5)});
  return page;
}

}  // namespace qiandao::storage
