#pragma once
// Checks for the report tests: each figure of GET /api/v1/report against SQL written here,
// independently of the server's queries (per event and per unit, check-ins from the
// checkins table, lateness as instants), and the workbook read back against the JSON.
// Catch checks: main test thread only.
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "storage/sql.hpp"
#include "support/test_db.hpp"
#include "support/test_server.hpp"
#include "support/xlsx_reader.hpp"

namespace qiandao::test {

inline std::string sql_text(std::string const& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// Figures from the database file (opened read-only beside the running server).
struct sql_figures {
  std::unique_ptr<storage::connection> owner;
  storage::connection& db;
  explicit sql_figures(std::string const& target) : owner(open_db(target)), db(*owner) {}
  std::int64_t count(std::string const& sql) { return query_int(db, sql); }

  std::int64_t registered(std::int64_t e, std::string const& status = "confirmed") {
    return count("SELECT count(*) FROM registrations WHERE event_id = " + std::to_string(e) +
                 " AND status = " + sql_text(status));
  }
  // From the check-ins themselves rather than registrations.checked_in_at.
  std::int64_t checked_in(std::int64_t e) {
    return count("SELECT count(*) FROM checkins c, registrations r WHERE r.id = c.registration_id AND c.event_id = " +
                 std::to_string(e) + " AND c.undone_at IS NULL AND r.status = 'confirmed'");
  }
  std::int64_t walk_ins(std::int64_t e) {
    return count("SELECT count(*) FROM registrations WHERE event_id = " + std::to_string(e) +
                 " AND status = 'confirmed' AND source = 'walk_in'");
  }
  // As instants (each engine reads the offsets), not as text.
  std::int64_t late(std::string const& where) {
    bool sqlite = db.kind() == storage::dialect::sqlite;
    std::string const later = sqlite ? "unixepoch(r.checked_in_at) > unixepoch(e.starts_at)"
                                     : "CAST(r.checked_in_at AS timestamptz) > CAST(e.starts_at AS timestamptz)";
    return count("SELECT count(*) FROM registrations r, events e WHERE e.id = r.event_id AND r.status = 'confirmed'"
                 " AND r.checked_in_at IS NOT NULL AND " + later + " AND " + where);
  }
  std::int64_t leave(std::string const& where) {
    return count("SELECT count(*) FROM registrations WHERE status = 'confirmed' AND leave_reason IS NOT NULL"
                 " AND checked_in_at IS NULL AND " + where);
  }
  std::int64_t served(std::string const& where) {
    return count("SELECT count(*) FROM tallies WHERE undone_at IS NULL AND " + where);
  }
  std::vector<std::int64_t> event_ids() {
    std::vector<std::int64_t> out;
    for (std::int64_t i = 0, n = count("SELECT count(*) FROM events"); i < n; ++i)
      out.push_back(count("SELECT id FROM events ORDER BY id LIMIT 1 OFFSET " + std::to_string(i)));
    return out;
  }
};

inline void require_event_figures(sql_figures& db, json const& e) {
  INFO("event " << e["title"].get<std::string>());
  auto id = e["id"].get<std::int64_t>();
  CHECK(e["registered"] == db.registered(id));
  CHECK(e["waitlisted"] == db.registered(id, "waitlisted"));
  CHECK(e["checked_in"] == db.checked_in(id));
  CHECK(e["walk_ins"] == db.walk_ins(id));
  CHECK(e["late"] == db.late("r.event_id = " + std::to_string(id)));
  CHECK(e["leave"] == db.leave("event_id = " + std::to_string(id)));
  CHECK(e["served"] == db.served("event_id = " + std::to_string(id)));
  if (db.registered(id) == 0) CHECK(e["rate"].is_null());
  else CHECK(e["rate"].get<double>() == Approx(double(db.checked_in(id)) / double(db.registered(id))));
  std::int64_t by_service = 0;
  for (auto const& s : e["services"]) {
    CHECK(s["served"] == db.served("event_id = " + std::to_string(id) + " AND service = " + sql_text(s["name"])));
    by_service += s["served"].get<std::int64_t>();
  }
  CHECK(by_service == e["served"]);
  CHECK(e["services"].size() == std::size_t(db.count(
      "SELECT count(*) FROM (SELECT name FROM event_services WHERE event_id = " + std::to_string(id) +
      " UNION SELECT service FROM tallies WHERE undone_at IS NULL AND event_id = " + std::to_string(id) + ") AS names")));
}

inline void require_unit_figures(sql_figures& db, json const& u) {
  INFO("unit " << u["unit"].get<std::string>());
  auto id = u["unit_id"].get<std::int64_t>();
  std::int64_t expected = 0, registered = 0, attended = 0, basis = 0;
  for (auto e : db.event_ids()) {
    // A cancelled event asks nothing of anyone: its quotas and sign-ups count nowhere.
    if (query_text(db.db, "SELECT status FROM events WHERE id = " + std::to_string(e)) == "cancelled") continue;
    auto cell = " FROM registrations WHERE status = 'confirmed' AND event_id = " + std::to_string(e) +
                " AND unit_id = " + std::to_string(id);
    auto quota = db.count("SELECT coalesce((SELECT expected FROM event_quotas WHERE event_id = " + std::to_string(e) +
                          " AND unit_id = " + std::to_string(id) + "), 0)");
    auto reg = db.count("SELECT count(*)" + cell);
    expected += quota;
    registered += reg;
    attended += db.count("SELECT count(*)" + cell + " AND checked_in_at IS NOT NULL");
    basis += quota > 0 ? quota : reg;
  }
  CHECK(u["expected"] == expected);
  CHECK(u["registered"] == registered);
  CHECK(u["attended"] == attended);
  CHECK(u["leave"] == db.leave("unit_id = " + std::to_string(id)));
  CHECK(u["late"] == db.late("r.unit_id = " + std::to_string(id)));
  if (basis == 0) CHECK(u["rate"].is_null());
  else CHECK(u["rate"].get<double>() == Approx(double(attended) / double(basis)));
  auto parent = db.count("SELECT coalesce(parent_id, 0) FROM units WHERE id = " + std::to_string(id));
  if (parent == 0) CHECK(u["parent"].is_null());
  else CHECK(u["parent"] == query_text(db.db, "SELECT name FROM units WHERE id = " + std::to_string(parent)));
}

inline void require_totals(sql_figures& db, json const& t) {
  CHECK(t["registered"] == db.count("SELECT count(*) FROM registrations WHERE status = 'confirmed'"));
  CHECK(t["checked_in"] == db.count("SELECT count(*) FROM checkins c JOIN registrations r ON r.id = c.registration_id"
                                    " WHERE c.undone_at IS NULL AND r.status = 'confirmed'"));
  CHECK(t["walk_ins"] == db.count("SELECT count(*) FROM registrations WHERE status = 'confirmed' AND source = 'walk_in'"));
  CHECK(t["served"] == db.served("1 = 1"));
  CHECK(t["expected"] == db.count("SELECT coalesce(sum(q.expected), 0) FROM event_quotas q JOIN events e "
                                  "ON e.id = q.event_id WHERE e.status <> 'cancelled'"));
  CHECK(t["leave"] == db.leave("1 = 1"));
}

// Every figure of the report, and the orders the README gives.
inline void require_database_figures(sql_figures& db, json const& r) {
  REQUIRE(r["events"].size() == std::size_t(db.count("SELECT count(*) FROM events")));
  for (auto const& e : r["events"]) require_event_figures(db, e);
  for (std::size_t i = 1; i < r["events"].size(); ++i)
    CHECK(r["events"][i - 1]["starts_at"].get<std::string>() <= r["events"][i]["starts_at"].get<std::string>());

  // Every unit, by kind in the order of GET /units, then name.
  REQUIRE(r["units"].size() == std::size_t(db.count("SELECT count(*) FROM units")));
  std::map<std::string, int> const rank{{"group", 0}, {"hospital", 1}, {"community", 2}, {"cdc", 3}, {"office", 4}, {"other", 5}};
  for (std::size_t i = 0; i < r["units"].size(); ++i) {
    auto const& u = r["units"][i];
    require_unit_figures(db, u);
    if (i == 0) continue;
    auto const& prev = r["units"][i - 1];
    auto a = rank.at(prev["kind"]), b = rank.at(u["kind"]);
    CHECK((a < b || (a == b && prev["unit"].get<std::string>() < u["unit"].get<std::string>())));
  }

  // One row per event, site and service with live tallies.
  CHECK(r["services"].size() == std::size_t(db.count(
      "SELECT count(*) FROM (SELECT DISTINCT event_id, site, service FROM tallies WHERE undone_at IS NULL) AS live")));
  for (auto const& s : r["services"]) {
    CHECK(s["served"] == db.served("event_id = " + std::to_string(s["event_id"].get<std::int64_t>()) + " AND site = " +
                                   sql_text(s["site"]) + " AND service = " + sql_text(s["service"])));
  }

  // Departments by name, each with every event it leads.
  REQUIRE(r["departments"].size() == std::size_t(db.count("SELECT count(DISTINCT name) FROM event_departments")));
  for (std::size_t i = 0; i < r["departments"].size(); ++i) {
    auto const& d = r["departments"][i];
    if (i > 0) CHECK(r["departments"][i - 1]["department"].get<std::string>() < d["department"].get<std::string>());
    CHECK(d["events"].size() == std::size_t(db.count("SELECT count(DISTINCT event_id) FROM event_departments WHERE name = " +
                                                     sql_text(d["department"]))));
  }
  require_totals(db, r["totals"]);
}

// ---- the workbook, against the JSON ----

inline std::optional<double> number_at(xlsx_sheet const& s, int row, int col) {
  auto const* c = s.cell(row, col);
  return c ? c->number : std::nullopt;
}
inline std::string text_at(xlsx_sheet const& s, int row, int col) {
  auto const* c = s.cell(row, col);
  return c ? c->text : "";
}

// A bold "中文 / English" header of `columns` cells, frozen, with set column widths.
inline void require_header(xlsx_book const& book, xlsx_sheet const& s, int columns) {
  INFO("sheet " << s.name);
  for (int col = 0; col < columns; ++col) {
    auto const* c = s.cell(1, col);
    REQUIRE(c != nullptr);
    CHECK(c->text.find(" / ") != std::string::npos);
    CHECK(book.bold(*c));
  }
  CHECK(s.cell(1, columns) == nullptr);
  CHECK(s.xml.find("state=\"frozen\"") != std::string::npos);
  CHECK(s.xml.find("ySplit=\"1\"") != std::string::npos);
  CHECK(xml_elements(s.xml, "col").size() == std::size_t(columns));
}

inline void require_count(xlsx_sheet const& s, int row, int col, json const& value) {
  INFO(s.name << " row " << row << " column " << col);
  auto n = number_at(s, row, col);
  REQUIRE(n.has_value());
  CHECK(*n == double(value.get<std::int64_t>()));
}

inline void require_rate(xlsx_book const& book, xlsx_sheet const& s, int row, int col, json const& value) {
  INFO(s.name << " row " << row << " column " << col);
  auto const* c = s.cell(row, col);
  if (value.is_null()) {
    CHECK((c == nullptr || (!c->number && c->text.empty())));
    return;
  }
  REQUIRE(c != nullptr);
  REQUIRE(c->number.has_value());
  CHECK(*c->number == Approx(value.get<double>()));
  CHECK(book.format_of(*c).find('%') != std::string::npos);
}

inline void require_workbook(xlsx_book const& book, json const& r) {
  REQUIRE(book.sheets.size() == 4);
  CHECK(book.sheets[0].name == "活动 Events");
  CHECK(book.sheets[1].name == "单位 Units");
  CHECK(book.sheets[2].name == "义诊服务 Services");
  CHECK(book.sheets[3].name == "牵头科室 Departments");

  auto const& events = book.sheets[0];
  require_header(book, events, 18);
  REQUIRE(events.last_row() == int(r["events"].size()) + 1);
  for (std::size_t i = 0; i < r["events"].size(); ++i) {
    auto const& e = r["events"][i];
    int row = int(i) + 2;
    require_count(events, row, 0, e["id"]);
    CHECK(text_at(events, row, 1) == e["title"]);
    if (e["capacity"].is_null()) CHECK(events.cell(row, 8) == nullptr);
    else require_count(events, row, 8, e["capacity"]);
    int col = 9;
    for (auto key : {"registered", "waitlisted", "checked_in"}) require_count(events, row, col++, e[key]);
    require_rate(book, events, row, 12, e["rate"]);
    col = 13;
    for (auto key : {"walk_ins", "late", "leave", "served"}) require_count(events, row, col++, e[key]);
  }

  auto const& units = book.sheets[1];
  require_header(book, units, 10);
  REQUIRE(units.last_row() == int(r["units"].size()) + 1);
  for (std::size_t i = 0; i < r["units"].size(); ++i) {
    auto const& u = r["units"][i];
    int row = int(i) + 2;
    require_count(units, row, 0, u["unit_id"]);
    CHECK(text_at(units, row, 1) == u["unit"]);
    CHECK(text_at(units, row, 3) == (u["parent"].is_null() ? "" : u["parent"].get<std::string>()));
    int col = 4;
    for (auto key : {"expected", "registered", "attended"}) require_count(units, row, col++, u[key]);
    require_rate(book, units, row, 7, u["rate"]);
    require_count(units, row, 8, u["leave"]);
    require_count(units, row, 9, u["late"]);
  }

  auto const& services = book.sheets[2];
  require_header(book, services, 5);
  REQUIRE(services.last_row() == int(r["services"].size()) + 1);
  for (std::size_t i = 0; i < r["services"].size(); ++i) {
    auto const& s = r["services"][i];
    int row = int(i) + 2;
    require_count(services, row, 0, s["event_id"]);
    CHECK(text_at(services, row, 1) == s["event"]);
    CHECK(text_at(services, row, 2) == s["site"]);
    CHECK(text_at(services, row, 3) == s["service"]);
    require_count(services, row, 4, s["served"]);
  }

  auto const& departments = book.sheets[3];
  require_header(book, departments, 3);
  REQUIRE(departments.last_row() == int(r["departments"].size()) + 1);
  for (std::size_t i = 0; i < r["departments"].size(); ++i) {
    auto const& d = r["departments"][i];
    int row = int(i) + 2;
    CHECK(text_at(departments, row, 0) == d["department"]);
    require_count(departments, row, 1, json(d["events"].size()));
    CHECK(text_at(departments, row, 2).find(d["events"][0]["title"].get<std::string>()) != std::string::npos);
  }
}


}  // namespace qiandao::test
