// Work units, quotas, leave and attendance by unit.
#include <algorithm>

#include "storage/rows.hpp"
#include "storage/store.hpp"
#include "storage/unit_order.hpp"

namespace qiandao::storage {

namespace {

constexpr char const* unit_select =
    "SELECT u.id, u.name, u.kind, u.parent_id, coalesce(p.name, '') "
    "FROM units u LEFT JOIN units p ON p.id = u.parent_id ";

constexpr char const* kind_order = QIANDAO_UNIT_KIND_ORDER;

domain::unit read_unit(statement& s) {
  return {s.get_int(0), s.get_text(1), s.get_text(2), s.get_optional_int(3), s.get_text(4)};
}

std::optional<domain::unit> one_unit(statement& s) {
  if (!s.step()) return std::nullopt;
  auto u = read_unit(s);
  s.reset();
  return u;
}

std::string like_pattern(std::string const& q) {
  std::string out = "%";
  for (char c : q) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

}  // namespace

std::vector<domain::unit> sql_store::list_units(std::string const& q, std::string const& kind) {
  auto& s = c_.prepare(std::string(unit_select) +
                        "WHERE (?1 = '' OR lower(u.name) LIKE lower(?2) ESCAPE '\\') AND (?3 = '' OR u.kind = ?3) "
                        "ORDER BY " + kind_order + ", u.name");
  s.bind(1, q).bind(2, like_pattern(q)).bind(3, kind);
  std::vector<domain::unit> out;
  while (s.step()) out.push_back(read_unit(s));
  return out;
}

std::optional<domain::unit> sql_store::find_unit(id_t id) {
  auto& s = c_.prepare(std::string(unit_select) + "WHERE u.id = ?1");
  s.bind(1, id);
  return one_unit(s);
}

std::optional<domain::unit> sql_store::find_unit_by_name(std::string const& name) {
  auto& s = c_.prepare(std::string(unit_select) + "WHERE u.name = ?1");
  s.bind(1, name);
  return one_unit(s);
}

bool sql_store::unit_has_children(id_t id) {
  auto& s = c_.prepare("SELECT 1 FROM units WHERE parent_id = ?1 LIMIT 1");
  s.bind(1, id);
  bool any = s.step();
  if (any) s.reset();
  return any;
}

id_t sql_store::insert_unit(domain::unit const& u, std::string const& now) {
  return returned_id(c_.prepare("INSERT INTO units (name, kind, parent_id, created_at, updated_at) "
                                "VALUES (?1, ?2, ?3, ?4, ?4) RETURNING id")
                         .bind(1, u.name)
                         .bind(2, u.kind)
                         .bind(3, u.parent_id)
                         .bind(4, now));
}

void sql_store::update_unit(domain::unit const& u, std::string const& now) {
  c_.prepare("UPDATE units SET name = ?2, kind = ?3, parent_id = ?4, updated_at = ?5 WHERE id = ?1")
      .bind(1, u.id)
      .bind(2, u.name)
      .bind(3, u.kind)
      .bind(4, u.parent_id)
      .bind(5, now)
      .run();
  // A renamed unit changes the ranking on every board that shows it.
  auto& s = c_.prepare("SELECT event_id FROM event_quotas WHERE unit_id = ?1");
  s.bind(1, u.id);
  while (s.step()) touch_event(s.get_int(0));
}

std::vector<domain::quota> sql_store::list_quotas(id_t event_id) {
  auto& s = c_.prepare(
      "SELECT q.unit_id, u.name, u.kind, q.expected FROM event_quotas q "
      "JOIN units u ON u.id = q.unit_id WHERE q.event_id = ?1 ORDER BY " +
      std::string(kind_order) + ", u.name");
  s.bind(1, event_id);
  std::vector<domain::quota> out;
  while (s.step()) out.push_back({s.get_int(0), s.get_text(1), s.get_text(2), s.get_int(3)});
  return out;
}

void sql_store::replace_quotas(id_t event_id, std::vector<std::pair<id_t, std::int64_t>> const& quotas) {
  c_.prepare("DELETE FROM event_quotas WHERE event_id = ?1").bind(1, event_id).run();
  auto& ins = c_.prepare("INSERT INTO event_quotas (event_id, unit_id, expected) VALUES (?1, ?2, ?3)");
  for (auto const& [unit_id, expected] : quotas)
    if (expected > 0) ins.bind(1, event_id).bind(2, unit_id).bind(3, expected).run();
  touch_event(event_id);
}

std::vector<id_t> sql_store::unit_ids_of_kind(std::string const& kind) {
  auto& s = c_.prepare("SELECT id FROM units WHERE kind = ?1 ORDER BY id");
  s.bind(1, kind);
  std::vector<id_t> out;
  while (s.step()) out.push_back(s.get_int(0));
  return out;
}

void sql_store::set_leave(id_t registration_id, std::optional<domain::leave_record> const& leave) {
  auto& s = c_.prepare(
      "UPDATE registrations SET leave_reason = ?2, leave_at = ?3, leave_by = ?4 WHERE id = ?1");
  s.bind(1, registration_id);
  if (leave) s.bind(2, leave->reason).bind(3, leave->at).bind(4, leave->by);
  else s.bind(2, std::nullopt).bind(3, std::nullopt).bind(4, std::nullopt);
  s.run();
}

domain::event_units sql_store::unit_attendance(domain::event const& e) {
  domain::event_units out;
  out.event_id = e.id;
  out.starts_at = e.starts_at;
  // One pass over the event's confirmed registrations, grouped by unit (NULL = no unit),
  // joined with the quotas so a unit that sent nobody still shows its expected number.
  auto& s = c_.prepare(
      "WITH counted AS ("
      "  SELECT unit_id, count(*) AS registered,"
      "         count(checked_in_at) AS checked_in,"
      "         sum(CASE WHEN checked_in_at IS NOT NULL AND checked_in_at > ?2 THEN 1 ELSE 0 END) AS late,"
      "         sum(CASE WHEN checked_in_at IS NULL AND leave_reason IS NOT NULL THEN 1 ELSE 0 END) AS on_leave"
      "  FROM registrations WHERE event_id = ?1 AND status = 'confirmed' GROUP BY unit_id),"
      " unit_ids AS (SELECT unit_id FROM counted WHERE unit_id IS NOT NULL"
      "              UNION SELECT unit_id FROM event_quotas WHERE event_id = ?1) "
      "SELECT i.unit_id, u.name, u.kind, coalesce(p.name, ''), coalesce(q.expected, 0),"
      "       coalesce(c.registered, 0), coalesce(c.checked_in, 0), coalesce(c.late, 0),"
      "       coalesce(c.on_leave, 0) "
      "FROM unit_ids i JOIN units u ON u.id = i.unit_id LEFT JOIN units p ON p.id = u.parent_id "
      "LEFT JOIN event_quotas q ON q.event_id = ?1 AND q.unit_id = i.unit_id "
      "LEFT JOIN counted c ON c.unit_id = i.unit_id "
      "ORDER BY " + std::string(kind_order) + ", u.name");
  s.bind(1, e.id).bind(2, e.starts_at);
  while (s.step()) {
    out.items.push_back({s.get_int(0), s.get_text(1), s.get_text(2), s.get_text(3), s.get_int(4),
                         {s.get_int(5), s.get_int(6), s.get_int(7), s.get_int(8)}});
  }
  auto& none = c_.prepare(
      "SELECT count(*), count(checked_in_at), coalesce(sum(CASE WHEN checked_in_at > ?2 THEN 1 ELSE 0 END), 0),"
      "       coalesce(sum(CASE WHEN checked_in_at IS NULL AND leave_reason IS NOT NULL THEN 1 ELSE 0 END), 0) "
      "FROM registrations WHERE event_id = ?1 AND status = 'confirmed' AND unit_id IS NULL");
  none.bind(1, e.id).bind(2, e.starts_at);
  if (none.step()) {
    out.unassigned = {none.get_int(0), none.get_int(1), none.get_int(2), none.get_int(3)};
    none.reset();
  }
  return out;
}

std::vector<domain::unit_rank> sql_store::unit_figures(id_t event_id) {
  auto& s = c_.prepare(
      "SELECT q.unit_id, u.name, q.expected,"
      "       (SELECT count(*) FROM registrations r WHERE r.event_id = q.event_id"
      "        AND r.unit_id = q.unit_id AND r.status = 'confirmed' AND r.checked_in_at IS NOT NULL) "
      "FROM event_quotas q JOIN units u ON u.id = q.unit_id WHERE q.event_id = ?1");
  s.bind(1, event_id);
  std::vector<domain::unit_rank> out;
  while (s.step()) out.push_back({s.get_int(0), s.get_text(1), s.get_int(2), s.get_int(3)});
  return out;
}

}  // namespace qiandao::storage
