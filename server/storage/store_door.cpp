// The offline door: the kiosks' ticket-list feed, door conflicts (待处理) and kiosk PINs.
#include "storage/rows.hpp"
#include "storage/store.hpp"

namespace qiandao::storage {

namespace {

constexpr char const* conflict_select =
    "SELECT id, event_id, registration_id, nonce, device, code, kiosk_answer, outcome, scanned_at, "
    "created_at, resolved_at, resolved_by, resolution, note FROM door_conflicts ";

domain::door_conflict read_conflict(statement& s) {
  domain::door_conflict c;
  c.id = s.get_int(0);
  c.event_id = s.get_int(1);
  c.registration_id = s.get_optional_int(2);
  c.nonce = s.get_text(3);
  c.device = s.get_text(4);
  c.code = s.get_optional_text(5);
  c.kiosk_answer = s.get_text(6);
  c.outcome = s.get_text(7);
  c.scanned_at = s.get_text(8);
  c.created_at = s.get_text(9);
  c.resolved_at = s.get_optional_text(10);
  c.resolved_by = s.get_optional_text(11);
  c.resolution = s.get_optional_text(12);
  c.note = s.get_text(13);
  return c;
}

// The WHERE clause of a conflict list: an event (?1) if given, and the state.
std::string conflict_filter(bool by_event, std::string const& state) {
  std::string w = by_event ? "WHERE event_id = ?1 " : "WHERE 1 = 1 ";
  if (state == "open") w += "AND resolved_at IS NULL ";
  else if (state == "resolved") w += "AND resolved_at IS NOT NULL ";
  return w;
}

}  // namespace

std::vector<domain::door_row> sql_store::door_rows(id_t event_id, std::int64_t since, int limit) {
  auto& s = c_.prepare(
      "SELECT r.id, r.code, r.status, r.name, r.organization, un.name, r.checked_in_at, r.door_rev "
      "FROM registrations r LEFT JOIN units un ON un.id = r.unit_id "
      "WHERE r.event_id = ?1 AND r.door_rev > ?2 ORDER BY r.door_rev LIMIT ?3");
  s.bind(1, event_id).bind(2, since).bind(3, limit);
  std::vector<domain::door_row> out;
  while (s.step())
    out.push_back({s.get_int(0), s.get_text(1), s.get_text(2), s.get_text(3), s.get_text(4),
                   s.get_optional_text(5), s.get_optional_text(6), s.get_int(7)});
  return out;
}

std::optional<id_t> sql_store::insert_conflict(domain::door_conflict const& c) {
  auto& s = c_.prepare(
      "INSERT INTO door_conflicts (event_id, registration_id, nonce, device, code, kiosk_answer, outcome, "
      "scanned_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
      "ON CONFLICT (nonce) DO NOTHING RETURNING id");
  s.bind(1, c.event_id).bind(2, c.registration_id).bind(3, c.nonce).bind(4, c.device).bind(5, c.code)
      .bind(6, c.kiosk_answer).bind(7, c.outcome).bind(8, c.scanned_at).bind(9, c.created_at);
  return inserted_id(s);
}

std::vector<domain::door_conflict> sql_store::list_conflicts(std::optional<id_t> event_id,
                                                             std::string const& state, int limit) {
  std::string sql = std::string(conflict_select) + conflict_filter(event_id.has_value(), state) +
                    (event_id ? "ORDER BY id DESC LIMIT ?2" : "ORDER BY id DESC LIMIT ?1");
  auto& s = c_.prepare(sql);
  if (event_id) s.bind(1, *event_id).bind(2, limit);
  else s.bind(1, limit);
  std::vector<domain::door_conflict> out;
  while (s.step()) out.push_back(read_conflict(s));
  return out;
}

std::optional<domain::door_conflict> sql_store::find_conflict(id_t id) {
  auto& s = c_.prepare(std::string(conflict_select) + "WHERE id = ?1");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  auto c = read_conflict(s);
  s.reset();
  return c;
}

bool sql_store::resolve_conflict(id_t id, std::string const& resolution, std::string const& note,
                                 std::string const& by, std::string const& at) {
  auto& s = c_.prepare(
      "UPDATE door_conflicts SET resolution = ?2, note = ?3, resolved_by = ?4, resolved_at = ?5 "
      "WHERE id = ?1 AND resolved_at IS NULL RETURNING id");
  s.bind(1, id).bind(2, resolution).bind(3, note).bind(4, by).bind(5, at);
  return inserted_id(s).has_value();
}

std::int64_t sql_store::count_open_conflicts(std::optional<id_t> event_id,
                                             std::optional<std::string> const& device) {
  std::string sql = "SELECT count(*) FROM door_conflicts WHERE resolved_at IS NULL";
  int n = 0;
  if (event_id) sql += " AND event_id = ?" + std::to_string(++n);
  if (device) sql += " AND device = ?" + std::to_string(++n);
  auto& s = c_.prepare(sql);
  n = 0;
  if (event_id) s.bind(++n, *event_id);
  if (device) s.bind(++n, *device);
  std::int64_t count = 0;
  if (s.step()) {
    count = s.get_int(0);
    s.reset();
  }
  return count;
}

std::optional<std::string> sql_store::device_pin_hash(id_t device_id) {
  auto& s = c_.prepare("SELECT pin_hash FROM devices WHERE id = ?1");
  s.bind(1, device_id);
  if (!s.step()) return std::nullopt;
  auto h = s.get_optional_text(0);
  s.reset();
  return h;
}

void sql_store::set_device_pin(id_t device_id, std::optional<std::string> const& hash) {
  c_.prepare("UPDATE devices SET pin_hash = ?2 WHERE id = ?1").bind(1, device_id).bind(2, hash).run();
}

}  // namespace qiandao::storage
