// The programme report: a handful of grouped queries over the whole programme, read in one
// snapshot. Rates and totals are derived by domain::finish_report.
#include <map>

#include "storage/store.hpp"
#include "storage/unit_order.hpp"

namespace qiandao::storage {

namespace {


// Per event: its fields and the registration figures, one pass over registrations.
constexpr char const* events_sql =
    "SELECT e.id, e.title, e.kind, e.venue, e.starts_at, e.ends_at, e.status, e.capacity,"
    "       count(r.id) FILTER (WHERE r.status = 'confirmed'),"
    "       count(r.id) FILTER (WHERE r.status = 'waitlisted'),"
    "       count(r.checked_in_at) FILTER (WHERE r.status = 'confirmed'),"
    "       count(r.id) FILTER (WHERE r.status = 'confirmed' AND r.source = 'walk_in'),"
    "       count(r.id) FILTER (WHERE r.status = 'confirmed' AND r.checked_in_at > e.starts_at),"
    "       count(r.id) FILTER (WHERE r.status = 'confirmed' AND r.checked_in_at IS NULL"
    "                           AND r.leave_reason IS NOT NULL) "
    "FROM events e LEFT JOIN registrations r ON r.event_id = e.id "
    "GROUP BY e.id ORDER BY e.starts_at, e.id";

// Per event and service: configured services (even unused) in their order, then services
// with live tallies that are no longer configured, by name.
constexpr char const* event_services_sql =
    "WITH live AS (SELECT event_id, service, count(*) AS served FROM tallies"
    "              WHERE undone_at IS NULL GROUP BY event_id, service),"
    " named AS (SELECT event_id, name, min(position) AS position FROM event_services"
    "           GROUP BY event_id, name"
    "           UNION ALL SELECT l.event_id, l.service, NULL FROM live l WHERE NOT EXISTS"
    "             (SELECT 1 FROM event_services s WHERE s.event_id = l.event_id AND s.name = l.service)) "
    "SELECT n.event_id, n.name, coalesce(l.served, 0) FROM named n "
    "LEFT JOIN live l ON l.event_id = n.event_id AND l.service = n.name "
    "ORDER BY n.event_id, n.position IS NULL, n.position, n.name";

// Per event, site and service with live tallies: configured sites and services first, in
// their order.
constexpr char const* site_services_sql =
    "WITH live AS (SELECT event_id, site, service, count(*) AS served FROM tallies"
    "              WHERE undone_at IS NULL GROUP BY event_id, site, service) "
    "SELECT l.event_id, e.title, l.site, l.service, l.served FROM live l "
    "JOIN events e ON e.id = l.event_id "
    "LEFT JOIN (SELECT event_id, name, min(position) AS position FROM event_sites"
    "           GROUP BY event_id, name) si ON si.event_id = l.event_id AND si.name = l.site "
    "LEFT JOIN (SELECT event_id, name, min(position) AS position FROM event_services"
    "           GROUP BY event_id, name) sv ON sv.event_id = l.event_id AND sv.name = l.service "
    "ORDER BY e.starts_at, e.id, si.position IS NULL, si.position, l.site,"
    "         sv.position IS NULL, sv.position, l.service";

// Per unit over every event that is not cancelled. `cells` is each (unit, event) with a quota or a confirmed
// registration; the basis sums, per cell, the quota where there is one, else the
// registrations. The kind order is store_units.cpp's.
constexpr char const* units_sql =
    "WITH per_event AS ("
    "  SELECT r.unit_id, r.event_id, count(*) AS registered,"
    "         count(r.checked_in_at) AS attended,"
    "         count(*) FILTER (WHERE r.checked_in_at > e.starts_at) AS late,"
    "         count(*) FILTER (WHERE r.checked_in_at IS NULL AND r.leave_reason IS NOT NULL) AS on_leave"
    "  FROM registrations r JOIN events e ON e.id = r.event_id"
    "  WHERE r.status = 'confirmed' AND r.unit_id IS NOT NULL AND e.status <> 'cancelled'"
    "  GROUP BY r.unit_id, r.event_id),"
    " cells AS (SELECT unit_id, event_id FROM per_event"
    "           UNION SELECT q.unit_id, q.event_id FROM event_quotas q JOIN events e ON e.id = q.event_id"
    "           WHERE e.status <> 'cancelled'),"
    " per_unit AS ("
    "  SELECT c.unit_id, sum(coalesce(q.expected, 0)) AS expected,"
    "         sum(coalesce(pe.registered, 0)) AS registered, sum(coalesce(pe.attended, 0)) AS attended,"
    "         sum(coalesce(pe.late, 0)) AS late, sum(coalesce(pe.on_leave, 0)) AS on_leave,"
    "         sum(coalesce(q.expected, pe.registered, 0)) AS basis"
    "  FROM cells c"
    "  LEFT JOIN event_quotas q ON q.unit_id = c.unit_id AND q.event_id = c.event_id"
    "  LEFT JOIN per_event pe ON pe.unit_id = c.unit_id AND pe.event_id = c.event_id"
    "  GROUP BY c.unit_id) "
    "SELECT u.id, u.name, u.kind, p.name, coalesce(t.expected, 0), coalesce(t.registered, 0),"
    "       coalesce(t.attended, 0), coalesce(t.on_leave, 0), coalesce(t.late, 0), coalesce(t.basis, 0) "
    "FROM units u LEFT JOIN units p ON p.id = u.parent_id LEFT JOIN per_unit t ON t.unit_id = u.id "
    "ORDER BY " QIANDAO_UNIT_KIND_ORDER ", u.name, u.id";

// Lead departments: per event in their order, and per department the events it leads.
constexpr char const* event_departments_sql =
    "SELECT event_id, name FROM event_departments ORDER BY event_id, position";
constexpr char const* departments_sql =
    "SELECT DISTINCT d.name, e.id, e.title, e.starts_at FROM event_departments d "
    "JOIN events e ON e.id = d.event_id ORDER BY d.name, e.starts_at, e.id";

std::vector<domain::report_event> read_events(connection& db) {
  std::vector<domain::report_event> out;
  auto& s = db.prepare(events_sql);
  while (s.step()) {
    domain::report_event e;
    e.id = s.get_int(0);
    e.title = s.get_text(1);
    e.kind = s.get_text(2);
    e.venue = s.get_text(3);
    e.starts_at = s.get_text(4);
    e.ends_at = s.get_text(5);
    e.status = s.get_text(6);
    e.capacity = s.get_optional_int(7);
    e.registered = s.get_int(8);
    e.waitlisted = s.get_int(9);
    e.checked_in = s.get_int(10);
    e.walk_ins = s.get_int(11);
    e.late = s.get_int(12);
    e.leave = s.get_int(13);
    out.push_back(std::move(e));
  }
  return out;
}

// Adds the per-event lists (departments, services) to the events read by read_events.
void add_event_lists(connection& db, std::vector<domain::report_event>& events) {
  std::map<domain::id_t, domain::report_event*> by_id;
  for (auto& e : events) by_id[e.id] = &e;
  auto& d = db.prepare(event_departments_sql);
  while (d.step()) {
    if (auto it = by_id.find(d.get_int(0)); it != by_id.end())
      it->second->lead_departments.push_back(d.get_text(1));
  }
  auto& v = db.prepare(event_services_sql);
  while (v.step()) {
    if (auto it = by_id.find(v.get_int(0)); it != by_id.end()) {
      auto served = v.get_int(2);
      it->second->services.push_back({v.get_text(1), served});
      it->second->served += served;
    }
  }
}

std::vector<domain::report_service> read_site_services(connection& db) {
  std::vector<domain::report_service> out;
  auto& s = db.prepare(site_services_sql);
  while (s.step()) out.push_back({s.get_int(0), s.get_text(1), s.get_text(2), s.get_text(3), s.get_int(4)});
  return out;
}

std::vector<domain::report_unit> read_units(connection& db) {
  std::vector<domain::report_unit> out;
  auto& s = db.prepare(units_sql);
  while (s.step()) {
    domain::report_unit u;
    u.unit_id = s.get_int(0);
    u.unit = s.get_text(1);
    u.kind = s.get_text(2);
    u.parent = s.get_optional_text(3);
    u.expected = s.get_int(4);
    u.registered = s.get_int(5);
    u.attended = s.get_int(6);
    u.leave = s.get_int(7);
    u.late = s.get_int(8);
    u.basis = s.get_int(9);
    out.push_back(std::move(u));
  }
  return out;
}

std::vector<domain::report_department> read_departments(connection& db) {
  std::vector<domain::report_department> out;
  auto& s = db.prepare(departments_sql);
  while (s.step()) {
    auto name = s.get_text(0);
    if (out.empty() || out.back().department != name) out.push_back({name, {}});
    out.back().events.push_back({s.get_int(1), s.get_text(2)});
  }
  return out;
}

}  // namespace

domain::report sql_store::load_report() {
  read_snapshot snapshot(c_);
  domain::report r;
  r.prog = get_programme();
  r.events = read_events(c_);
  add_event_lists(c_, r.events);
  r.units = read_units(c_);
  r.services = read_site_services(c_);
  r.departments = read_departments(c_);
  return r;
}

}  // namespace qiandao::storage
