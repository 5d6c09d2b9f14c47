// Schema 004 on a version 3 database with people in it: registrations (rebuilt on SQLite),
// their check-ins and the clinic tallies survive with their foreign keys, and the door's
// cursor starts where the kiosks' feed expects it (issue 11).
#include <string>

#include <catch2/catch.hpp>

#include "embedded.hpp"
#include "storage/migrations.hpp"
#include "storage/store.hpp"
#include "support/temp_dir.hpp"
#include "support/test_db.hpp"

namespace st = qiandao::storage;
using qiandao::test::fresh_database;
using qiandao::test::open_db;

namespace {

std::int64_t count(st::connection& db, std::string const& sql) {
  auto& q = db.prepare(sql);
  REQUIRE(q.step());
  auto v = q.get_int(0);
  q.reset();
  return v;
}

}  // namespace

TEST_CASE("a version 3 database with registrations, check-ins and tallies migrates to 004", "[migrations][door]") {
  qiandao::test::temp_dir dir;
  std::string const path = fresh_database(dir, "q.db");
  std::vector<qiandao::embedded::file> up_to_3;
  auto probe = open_db(path, st::connection::mode::read_write);
  for (auto const& f : st::migrations_for(probe->kind()))
    if (f.path < "004") up_to_3.push_back(f);
  REQUIRE(up_to_3.size() == 3);
  probe.reset();
  {
    auto owner = open_db(path, st::connection::mode::read_write);
    auto& db = *owner;
    REQUIRE(st::migrate(db, up_to_3) == 3);
    db.exec(
        "INSERT INTO units (name, kind, created_at, updated_at) VALUES ('青浦区中心医院', 'hospital', "
        "'2026-08-01T10:00:00+08:00', '2026-08-01T10:00:00+08:00');"
        "INSERT INTO events (title, kind, starts_at, ends_at, created_at, updated_at) VALUES "
        "('大会', 'conference', '2026-08-19T09:00:00+08:00', '2026-08-19T11:00:00+08:00', "
        "'2026-08-01T10:00:00+08:00', '2026-08-01T10:00:00+08:00'), "
        "('义诊', 'clinic', '2026-08-19T09:00:00+08:00', '2026-08-19T11:00:00+08:00', "
        "'2026-08-01T10:00:00+08:00', '2026-08-01T10:00:00+08:00');"
        "INSERT INTO registrations (event_id, code, name, phone, status, source, created_at, unit_id) VALUES "
        "(1, 'AAAA1111', '张三', '13800000001', 'confirmed', 'staff', '2026-08-01T10:00:00+08:00', 1), "
        "(1, 'AAAA2222', '李四', '13800000002', 'cancelled', 'import', '2026-08-01T10:00:00+08:00', NULL), "
        "(2, 'BBBB1111', '王五', '13800000003', 'confirmed', 'walk_in', '2026-08-01T10:00:00+08:00', NULL), "
        "(1, 'AAAA3333', '赵六', '13800000004', 'waitlisted', 'staff', '2026-08-01T10:00:00+08:00', NULL);"
        "UPDATE registrations SET checked_in_at = '2026-08-19T09:01:00+08:00' WHERE id IN (1, 3);"
        "INSERT INTO checkins (registration_id, event_id, at, method, actor) VALUES "
        "(1, 1, '2026-08-19T09:01:00+08:00', 'code', 'device:门口1'), "
        "(3, 2, '2026-08-19T09:01:00+08:00', 'walk_in', 'device:门口2');"
        "INSERT INTO tallies (event_id, service, nonce, actor, at) VALUES "
        "(2, '血压测量', 'n-0001-abcdef', 'device:义诊台', '2026-08-19T09:02:00+08:00');");
  }
  auto owner = open_db(path, st::connection::mode::read_write);
  auto& db = *owner;
  CHECK(st::migrate(db) == st::latest_version(st::migrations_for(db.kind())));
  CHECK(count(db, "SELECT count(*) FROM registrations") == 4);
  CHECK(count(db, "SELECT count(*) FROM checkins") == 2);
  CHECK(count(db, "SELECT count(*) FROM tallies") == 1);
  CHECK(count(db, "SELECT count(*) FROM registrations WHERE id = 1 AND unit_id = 1 AND code = 'AAAA1111' "
                  "AND checked_in_at IS NOT NULL") == 1);
  // The cursor: each row's revision is its id, each event's the largest of its rows.
  CHECK(count(db, "SELECT count(*) FROM registrations WHERE door_rev <> id") == 0);
  CHECK(count(db, "SELECT door_rev FROM events WHERE id = 1") == 4);
  CHECK(count(db, "SELECT door_rev FROM events WHERE id = 2") == 3);
  if (db.kind() == st::dialect::sqlite) {
    CHECK(count(db, "SELECT count(*) FROM pragma_foreign_key_check") == 0);
    auto& q = db.prepare("PRAGMA integrity_check");
    REQUIRE(q.step());
    CHECK(q.get_text(0) == "ok");
    q.reset();
  }
  // The foreign keys still point at the (rebuilt) registrations table.
  CHECK_THROWS_AS(db.exec("INSERT INTO checkins (registration_id, event_id, at, method, actor) VALUES "
                          "(99, 1, '2026-08-19T09:03:00+08:00', 'code', 'x')"),
                  st::db_error);
  // A change a door sees moves the event's counter past every earlier revision, in order.
  db.exec("UPDATE registrations SET status = 'cancelled' WHERE id = 1");
  CHECK(count(db, "SELECT door_rev FROM events WHERE id = 1") == 5);
  CHECK(count(db, "SELECT door_rev FROM registrations WHERE id = 1") == 5);
  db.exec("INSERT INTO registrations (event_id, code, name, phone, status, source, created_at) VALUES "
          "(2, 'BBBB2222', '孙七', '13800000005', 'confirmed', 'public', '2026-08-19T09:04:00+08:00')");
  CHECK(count(db, "SELECT door_rev FROM registrations WHERE code = 'BBBB2222'") == 4);
  CHECK(count(db, "SELECT door_rev FROM events WHERE id = 2") == 4);
  // A change no door sees (the phone) leaves the cursor alone.
  db.exec("UPDATE registrations SET phone = '13800000009' WHERE id = 3");
  CHECK(count(db, "SELECT door_rev FROM events WHERE id = 2") == 4);
}
