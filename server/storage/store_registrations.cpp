// Registrations, check-ins and nonces.
#include <algorithm>

#include "storage/rows.hpp"
#include "storage/store.hpp"

namespace qiandao::storage {

namespace {

// The registration was cancelled (on another instance) after the check-in read it: the
// batch runs again and the check-in, reading it anew, answers "cancelled".
db_error changed_meanwhile() {
  return db_error(db_error::kind::retry, "40001", "the registration changed while it was being checked in");
}

// One live check-in per registration (a partial unique index): a second one inserts nothing.
constexpr char const* insert_checkin_sql =
    "INSERT INTO checkins (registration_id, event_id, at, method, actor) VALUES (?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT (registration_id) WHERE undone_at IS NULL DO NOTHING";

constexpr char const* registration_select =
    "SELECT r.id, r.event_id, r.code, r.name, r.phone, r.organization, r.category, "
    "r.id_number, r.status, r.source, r.created_at, r.checked_in_at, c.id, r.unit_id, "
    "r.leave_reason, r.leave_at, r.leave_by, un.name, r.consent_at "
    "FROM registrations r "
    "LEFT JOIN checkins c ON c.registration_id = r.id AND c.undone_at IS NULL "
    "LEFT JOIN units un ON un.id = r.unit_id ";

domain::registration read_registration(statement& s) {
  domain::registration r;
  r.id = s.get_int(0);
  r.event_id = s.get_int(1);
  r.code = s.get_text(2);
  r.name = s.get_text(3);
  r.phone = s.get_text(4);
  r.organization = s.get_text(5);
  r.category = s.get_text(6);
  r.id_number = s.get_optional_text(7);
  r.status = s.get_text(8);
  r.source = s.get_text(9);
  r.created_at = s.get_text(10);
  r.checked_in_at = s.get_optional_text(11);
  r.checkin_id = s.get_optional_int(12);
  r.unit_id = s.get_optional_int(13);
  if (auto reason = s.get_optional_text(14))
    r.leave = domain::leave_record{*reason, s.get_text(15), s.get_text(16)};
  r.unit = s.get_optional_text(17);
  r.consent_at = s.get_optional_text(18);
  return r;
}

std::optional<domain::registration> one(statement& s) {
  if (!s.step()) return std::nullopt;
  auto r = read_registration(s);
  s.reset();
  return r;
}

std::string escape_like(std::string const& q) {
  std::string out;
  for (char c : q) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

class reserved_revisions final : public domain::door_revisions {
 public:
  reserved_revisions(sql_store& s, id_t event_id, std::int64_t first, std::int64_t last)
      : s_(s), block_{event_id, first, last} {
    s_.revisions_ = &block_;
  }
  ~reserved_revisions() override { s_.revisions_ = nullptr; }
  reserved_revisions(reserved_revisions const&) = delete;
  reserved_revisions& operator=(reserved_revisions const&) = delete;

 private:
  sql_store& s_;
  sql_store::revision_block block_;
};

std::unique_ptr<domain::door_revisions> sql_store::reserve_door_revisions(id_t event_id, std::int64_t count) {
  // SQLite updates the event row in place: its trigger (schema 004) stamps each row cheaply.
  if (c_.kind() != dialect::postgresql || count <= 0 || revisions_) return nullptr;
  auto& s = c_.prepare("UPDATE events SET door_rev = door_rev + ?2 WHERE id = ?1 RETURNING door_rev");
  s.bind(1, event_id).bind(2, count);
  if (!s.step()) return nullptr;
  auto last = s.get_int(0);
  s.reset();
  return std::make_unique<reserved_revisions>(*this, event_id, last - count + 1, last);
}

std::optional<id_t> sql_store::insert_registration(domain::registration const& r) {
  // A reserved revision goes in with the row, and the trigger stands aside (schema 008).
  std::int64_t rev = 0;
  if (revisions_ && revisions_->event_id == r.event_id && revisions_->next <= revisions_->last)
    rev = revisions_->next++;
  auto& s = c_.prepare(
      "INSERT INTO registrations (event_id, code, name, phone, organization, category, "
      "id_number, status, source, created_at, unit_id, consent_at, door_rev) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
      "ON CONFLICT (event_id, phone) WHERE status <> 'cancelled' DO NOTHING RETURNING id");
  s.bind(1, r.event_id)
      .bind(2, r.code)
      .bind(3, r.name)
      .bind(4, r.phone)
      .bind(5, r.organization)
      .bind(6, r.category)
      .bind(7, r.id_number)
      .bind(8, r.status)
      .bind(9, r.source)
      .bind(10, r.created_at)
      .bind(11, r.unit_id)
      .bind(12, r.consent_at)
      .bind(13, rev);
  return inserted_id(s);
}

std::optional<domain::registration> sql_store::find_registration(id_t id) {
  static std::string const sql = std::string(registration_select) + "WHERE r.id = ?1";  // built once
  auto& s = c_.prepare(sql);
  s.bind(1, id);
  return one(s);
}

std::optional<domain::registration> sql_store::find_registration_by_code(std::string const& code) {
  static std::string const sql = std::string(registration_select) + "WHERE r.code = ?1";  // the door's look-up
  auto& s = c_.prepare(sql);
  s.bind(1, code);
  return one(s);
}

bool sql_store::spend_proof(std::string const& nonce, std::int64_t expires_at, std::int64_t now) {
  // Expired challenges are refused by their signature alone, so their rows can go; the
  // index on expires_at keeps this to the rows that leave.
  c_.prepare("DELETE FROM spent_proofs WHERE expires_at <= ?1").bind(1, now).run();
  // A concurrent spend of the same nonce (another instance) waits here for that
  // transaction, then inserts nothing.
  return c_.prepare("INSERT INTO spent_proofs (nonce, expires_at) VALUES (?1, ?2) ON CONFLICT (nonce) DO NOTHING")
             .bind(1, nonce)
             .bind(2, expires_at)
             .run() == 1;
}

std::optional<domain::registration> sql_store::find_live_by_phone(id_t event_id,
                                                              std::string const& phone) {
  auto& s = c_.prepare(std::string(registration_select) +
                        "WHERE r.event_id = ?1 AND r.phone = ?2 AND r.status <> 'cancelled'");
  s.bind(1, event_id).bind(2, phone);
  return one(s);
}

std::vector<domain::registration> sql_store::find_by_phone_suffix(id_t event_id,
                                                              std::string const& suffix,
                                                              int limit) {
  auto& s = c_.prepare(std::string(registration_select) +
                        "WHERE r.event_id = ?1 AND r.status <> 'cancelled' "
                        "AND r.phone LIKE '%' || ?2 ORDER BY r.id LIMIT ?3");
  s.bind(1, event_id).bind(2, suffix).bind(3, limit);
  std::vector<domain::registration> out;
  while (s.step()) out.push_back(read_registration(s));
  return out;
}

domain::registration_page sql_store::search_registrations(domain::registration_query const& q) {
  std::string const where =
      "WHERE r.event_id = ?1 AND (?2 = '' OR r.status = ?2) AND (?3 = '' OR "
      "lower(r.name) LIKE lower(?4) ESCAPE '\\' OR r.phone LIKE ?4 ESCAPE '\\' OR "
      "lower(r.organization) LIKE lower(?4) ESCAPE '\\' OR r.code = ?3) AND (CAST(?7 AS BIGINT) IS NULL OR r.unit_id = ?7) "
      "AND (CAST(?8 AS BIGINT) = 0 OR (r.status = 'confirmed' AND r.checked_in_at IS NULL AND r.leave_reason IS NULL)) ";
  std::string const like = "%" + escape_like(q.q) + "%";
  domain::registration_page page;
  auto& count = c_.prepare("SELECT count(*) FROM registrations r " + where);
  count.bind(1, q.event_id).bind(2, q.status).bind(3, q.q).bind(4, like).bind(7, q.unit_id).bind(8, q.not_checked_in);
  if (count.step()) {
    page.total = count.get_int(0);
    count.reset();
  }
  auto& s = c_.prepare(std::string(registration_select) + where + "ORDER BY r.id LIMIT ?5 OFFSET ?6");
  s.bind(1, q.event_id).bind(2, q.status).bind(3, q.q).bind(4, like).bind(5, q.limit).bind(6, q.offset).bind(7, q.unit_id).bind(8, q.not_checked_in);
  while (s.step()) page.items.push_back(read_registration(s));
  return page;
}

bool sql_store::change_registration_status(id_t id, std::string const& from, std::string const& to) {
  // `checked_in_at IS NULL`: a check-in committed on another instance since the caller read
  // the row must stop a cancel (under READ COMMITTED PostgreSQL re-checks this on the row
  // that check-in left).
  return inserted_id(c_.prepare("UPDATE registrations SET status = ?3 WHERE id = ?1 AND status = ?2 "
                                "AND checked_in_at IS NULL RETURNING id")
                         .bind(1, id)
                         .bind(2, from)
                         .bind(3, to))
      .has_value();
}

std::optional<domain::registration> sql_store::oldest_waitlisted(id_t event_id) {
  auto& s = c_.prepare(std::string(registration_select) +
                        "WHERE r.event_id = ?1 AND r.status = 'waitlisted' ORDER BY r.id LIMIT 1");
  s.bind(1, event_id);
  return one(s);
}

std::optional<id_t> sql_store::insert_checkin(id_t registration_id, id_t event_id,
                                          std::string const& at, std::string const& method,
                                          std::string const& actor) {
  if (c_.kind() == dialect::sqlite) {
    // The door's hot path on the one SQLite writer: no RETURNING (SQLite builds an ephemeral
    // table for it on every run), one write of the event row (its count and its door
    // counter) and one of the registration, stamped here; the door_rev trigger stands aside
    // (schema 006).
    auto taken = c_.prepare(insert_checkin_sql)
                     .bind(1, registration_id)
                     .bind(2, event_id)
                     .bind(3, at)
                     .bind(4, method)
                     .bind(5, actor)
                     .run();
    if (taken == 0) return std::nullopt;
    auto id = c_.last_insert_rowid();
    c_.prepare("UPDATE events SET checked_in_count = checked_in_count + 1, door_rev = door_rev + 1 WHERE id = ?1")
        .bind(1, event_id)
        .run();
    auto stamped =
        c_.prepare(
              "UPDATE registrations SET checked_in_at = ?2, door_rev = (SELECT door_rev FROM events WHERE id = ?3) "
              "WHERE id = ?1 AND status = 'confirmed'")
            .bind(1, registration_id)
            .bind(2, at)
            .bind(3, event_id)
            .run();
    if (stamped == 0) throw changed_meanwhile();
    counted(event_id, 0, 0, 1);
    return id;
  }
  static std::string const returning = std::string(insert_checkin_sql) + " RETURNING id";
  auto& s = c_.prepare(returning);
  s.bind(1, registration_id).bind(2, event_id).bind(3, at).bind(4, method).bind(5, actor);
  auto id = inserted_id(s);
  if (!id) return std::nullopt;
  auto stamped = c_.prepare("UPDATE registrations SET checked_in_at = ?2 WHERE id = ?1 AND status = 'confirmed'")
                     .bind(1, registration_id)
                     .bind(2, at)
                     .run();
  if (stamped == 0) throw changed_meanwhile();
  adjust_counts(event_id, 0, 0, 1);
  return id;
}

std::optional<domain::checkin_row> sql_store::find_checkin(id_t id) {
  auto& s = c_.prepare(
      "SELECT id, registration_id, event_id, at, undone_at FROM checkins WHERE id = ?1");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  domain::checkin_row c{s.get_int(0), s.get_int(1), s.get_int(2), s.get_text(3), s.get_optional_text(4)};
  s.reset();
  return c;
}

bool sql_store::undo_checkin(domain::checkin_row const& c, std::string const& at, std::string const& by) {
  auto undone = inserted_id(
      c_.prepare("UPDATE checkins SET undone_at = ?2, undone_by = ?3 WHERE id = ?1 AND undone_at IS NULL RETURNING id")
          .bind(1, c.id)
          .bind(2, at)
          .bind(3, by));
  if (!undone) return false;
  c_.prepare("UPDATE registrations SET checked_in_at = NULL WHERE id = ?1")
      .bind(1, c.registration_id)
      .run();
  adjust_counts(c.event_id, 0, 0, -1);
  return true;
}

std::optional<domain::nonce_record> sql_store::find_nonce(std::string const& nonce) {
  auto& s = c_.prepare(
      "SELECT nonce, fingerprint, outcome, registration_id, first, at FROM nonces WHERE nonce = ?1");
  s.bind(1, nonce);
  if (!s.step()) return std::nullopt;
  domain::nonce_record n{s.get_text(0), s.get_text(1), s.get_text(2),
                 s.get_optional_int(3), s.get_int(4) != 0, s.get_optional_text(5)};
  s.reset();
  return n;
}

bool sql_store::claim_nonce(domain::nonce_record const& n, std::string const& now) {
  // A concurrent claim of the same nonce waits here for the other transaction, then finds
  // the row and claims nothing: the caller answers what that one stored.
  return c_.prepare("INSERT INTO nonces (nonce, fingerprint, outcome, registration_id, first, at, "
                    "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (nonce) DO NOTHING")
             .bind(1, n.nonce)
             .bind(2, n.fingerprint)
             .bind(3, n.outcome)
             .bind(4, n.registration_id)
             .bind(5, n.first)
             .bind(6, n.at)
             .bind(7, now)
             .run() == 1;
}

void sql_store::settle_nonce(domain::nonce_record const& n) {
  c_.prepare("UPDATE nonces SET outcome = ?2, registration_id = ?3, first = ?4, at = ?5 WHERE nonce = ?1")
      .bind(1, n.nonce)
      .bind(2, n.outcome)
      .bind(3, n.registration_id)
      .bind(4, n.first)
      .bind(5, n.at)
      .run();
}

std::vector<domain::board_checkin> sql_store::recent_checkins(int limit, domain::id_t event_id) {
  // The limit is written into the text, not bound: PostgreSQL caches a generic plan for a
  // prepared statement after a few runs, and with "LIMIT $1" that plan assumes a tenth of the
  // rows, so it sorted every check-in of the event instead of reading the newest few from
  // the (event_id, at, id) index (schema 009). One statement per limit; there is one limit.
  std::string const n = std::to_string(std::max(limit, 0));
  auto& s = event_id == 0 ? c_.prepare(
                                "SELECT c.event_id, r.name, r.organization, c.at, c.id FROM checkins c "
                                "JOIN registrations r ON r.id = c.registration_id WHERE c.undone_at IS NULL "
                                "ORDER BY c.id DESC LIMIT " + n)
                          : c_.prepare(
                                "SELECT c.event_id, r.name, r.organization, c.at, c.id FROM checkins c "
                                "JOIN registrations r ON r.id = c.registration_id WHERE c.undone_at IS NULL "
                                "AND c.event_id = ?1 ORDER BY c.at DESC, c.id DESC LIMIT " + n);
  if (event_id != 0) s.bind(1, event_id);
  std::vector<domain::board_checkin> out;
  while (s.step()) out.push_back({s.get_int(0), s.get_text(1), s.get_text(2), s.get_text(3), s.get_int(4)});
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace qiandao::storage
