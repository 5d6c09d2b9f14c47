// Schema migrations and the storage guarantees the schema gives: append-only audit, one live
// check-in, RAII transactions, online backup.
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "embedded.hpp"
#include "storage/migrations.hpp"
#include "storage/sqlite/sqlite_db.hpp"
#include "storage/store.hpp"
#include "support/temp_dir.hpp"
#include "support/test_db.hpp"

namespace st = qiandao::storage;
using qiandao::test::fresh_database;
using qiandao::test::open_db;
constexpr auto rw = st::connection::mode::read_write;

namespace {

std::int64_t scalar(st::connection& db, std::string const& sql) {
  auto& q = db.prepare(sql);
  REQUIRE(q.step());
  auto v = q.get_int(0);
  q.reset();
  return v;
}

std::string text(st::connection& db, std::string const& sql) {
  auto& q = db.prepare(sql);
  REQUIRE(q.step());
  auto v = q.get_text(0);
  q.reset();
  return v;
}

bool has_table(st::connection& db, std::string const& name) {
  auto& q = db.prepare(db.kind() == st::dialect::sqlite
                           ? "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1"
                           : "SELECT count(*) FROM information_schema.tables WHERE table_name = ?1 "
                             "AND table_schema = current_schema()");
  q.bind(1, name);
  REQUIRE(q.step());
  bool found = q.get_int(0) == 1;
  q.reset();
  return found;
}

void add_event(st::connection& db, std::string const& title) {
  db.prepare(
        "INSERT INTO events (title, kind, starts_at, ends_at, created_at, updated_at) "
        "VALUES (?1, 'lecture', '2024-08-19T09:00:00+08:00', '2024-08-19T11:00:00+08:00', "
        "'2024-08-01T10:00:00+08:00', '2024-08-01T10:00:00+08:00')")
      .bind(1, title)
      .run();
}

// The engine's own migrations (schema/sqlite/ or schema/postgresql/).
std::span<qiandao::embedded::file const> schema_of(st::connection& db) { return st::migrations_for(db.kind()); }

}  // namespace

TEST_CASE("an empty file is migrated to the latest version", "[migrations]") {
  qiandao::test::temp_dir dir;
  auto db_owner = open_db(fresh_database(dir, "q.db"), rw);
  auto& db = *db_owner;
  int const latest = st::latest_version(schema_of(db));
  REQUIRE(latest >= 1);
  CHECK(db.schema_version() == 0);
  CHECK(st::migrate(db) == latest);
  CHECK(db.schema_version() == latest);
  for (char const* table : {"programme", "events", "registrations", "checkins", "nonces", "users",
                            "sessions", "devices", "audit_log"})
    CHECK(has_table(db, table));
  if (db.kind() == st::dialect::sqlite) CHECK(text(db, "PRAGMA journal_mode") == "wal");
  CHECK_FALSE(db.in_transaction());
}

TEST_CASE("migrating again is a no-op that keeps the data", "[migrations]") {
  qiandao::test::temp_dir dir;
  std::string const path = fresh_database(dir, "q.db");
  int latest = 0;
  {
    auto db_owner = open_db(path, rw);
    auto& db = *db_owner;
    latest = st::latest_version(schema_of(db));
    REQUIRE(st::migrate(db) == latest);
    add_event(db, "中国医师节庆祝大会");
  }
  auto db_owner = open_db(path, rw);
  auto& db = *db_owner;
  CHECK(st::migrate(db) == latest);
  CHECK(st::migrate(db) == latest);
  CHECK(scalar(db, "SELECT count(*) FROM events") == 1);
  CHECK(text(db, "SELECT title FROM events") == "中国医师节庆祝大会");
}

TEST_CASE("a database newer than this binary is refused", "[migrations]") {
  qiandao::test::temp_dir dir;
  auto db_owner = open_db(fresh_database(dir, "q.db"), rw);
  auto& db = *db_owner;
  int const latest = st::latest_version(schema_of(db));
  db.set_schema_version(latest + 1);
  REQUIRE_THROWS_WITH(st::migrate(db),
                      Catch::Contains("schema version " + std::to_string(latest + 1)) &&
                          Catch::Contains("only up to " + std::to_string(latest)));
  // Refused before touching anything.
  CHECK(db.schema_version() == latest + 1);
  CHECK_FALSE(has_table(db, "events"));
}

TEST_CASE("an older database keeps its own tables and data when migrated", "[migrations]") {
  qiandao::test::temp_dir dir;
  std::string const path = fresh_database(dir, "q.db");
  {
    auto db_owner = open_db(path, rw);
    auto& db = *db_owner;
    db.exec("CREATE TABLE legacy_notes (id INTEGER PRIMARY KEY, note TEXT NOT NULL)");
    db.exec("INSERT INTO legacy_notes (id, note) VALUES (1, '签到表 2023'), (2, '备注')");
    REQUIRE(db.schema_version() == 0);
  }
  auto db_owner = open_db(path, rw);
  auto& db = *db_owner;
  CHECK(st::migrate(db) == st::latest_version(schema_of(db)));
  CHECK(scalar(db, "SELECT count(*) FROM legacy_notes") == 2);
  CHECK(text(db, "SELECT note FROM legacy_notes ORDER BY id LIMIT 1") == "签到表 2023");
  CHECK(has_table(db, "registrations"));
}

TEST_CASE("migrations are applied in numeric order whatever order they are listed in", "[migrations]") {
  qiandao::test::temp_dir dir;
  auto db_owner = open_db(fresh_database(dir, "q.db"), rw);
  auto& db = *db_owner;
  // 010 uses the table 002 makes: applying them in listed order would fail.
  qiandao::embedded::file const steps[] = {
      {"010_more.sql", "INSERT INTO t (v) VALUES ('ten');"},
      {"002_make.sql", "CREATE TABLE t (v TEXT NOT NULL);"},
  };
  CHECK(st::latest_version(steps) == 10);
  CHECK(st::migrate(db, steps) == 10);
  CHECK(db.schema_version() == 10);
  CHECK(scalar(db, "SELECT count(*) FROM t") == 1);

  SECTION("a failing migration leaves the version where it was") {
    qiandao::embedded::file const broken[] = {
        {"010_more.sql", ""},
        {"011_bad.sql", "INSERT INTO t (v) VALUES ('eleven'); INSERT INTO nowhere VALUES (1);"},
    };
    CHECK_THROWS_AS(st::migrate(db, broken), st::db_error);
    CHECK(db.schema_version() == 10);
    CHECK(scalar(db, "SELECT count(*) FROM t") == 1);  // the half-run 011 rolled back
  }
}

TEST_CASE("audit_log is append-only", "[storage][audit]") {
  qiandao::test::temp_dir dir;
  std::string const path = fresh_database(dir, "q.db");
  {
    auto db_owner = open_db(path, rw);
    st::migrate(*db_owner);
  }
  st::sql_store s(path);
  s.audit("2024-08-19T09:00:00+08:00", "user:admin", "event.create", "event:1", "中国医师节庆祝大会");
  auto& db = s.db();

  try {
    db.exec("UPDATE audit_log SET actor = 'user:mallory'");
    FAIL("UPDATE on audit_log was allowed");
  } catch (st::db_error const& e) {
    CHECK(e.is_constraint());
    CHECK_THAT(e.what(), Catch::Contains("append-only"));
  }
  CHECK_THROWS_AS(db.exec("DELETE FROM audit_log"), st::db_error);
  CHECK_THROWS_AS(db.prepare("DELETE FROM audit_log WHERE id = ?1").bind(1, std::int64_t{1}).run(),
                  st::db_error);
  CHECK(scalar(db, "SELECT count(*) FROM audit_log") == 1);
  CHECK(text(db, "SELECT actor FROM audit_log") == "user:admin");
}

TEST_CASE("the schema allows one live check-in per registration", "[storage]") {
  qiandao::test::temp_dir dir;
  auto db_owner = open_db(fresh_database(dir, "q.db"), rw);
  auto& db = *db_owner;
  st::migrate(db);
  add_event(db, "健康知识汇");
  db.exec(
      "INSERT INTO registrations (event_id, code, name, phone, status, source, created_at) "
      "VALUES (1, 'CODE1', '张三', '13800000001', 'confirmed', 'staff', '2024-08-01T10:00:00+08:00')");
  std::string const insert =
      "INSERT INTO checkins (registration_id, event_id, at, method, actor) "
      "VALUES (1, 1, '2024-08-19T09:00:00+08:00', 'code', 'user:admin')";
  db.exec(insert);
  try {
    db.exec(insert);
    FAIL("a second live check-in was stored");
  } catch (st::db_error const& e) {
    CHECK(e.is_constraint());
  }
  db.exec("UPDATE checkins SET undone_at = '2024-08-19T09:05:00+08:00' WHERE id = 1");
  db.exec(insert);  // after an undo a new live row is fine
  CHECK(scalar(db, "SELECT count(*) FROM checkins WHERE undone_at IS NULL") == 1);
  CHECK(scalar(db, "SELECT count(*) FROM checkins") == 2);
}

TEST_CASE("a transaction rolls back unless committed", "[storage]") {
  qiandao::test::temp_dir dir;
  auto db_owner = open_db(fresh_database(dir, "q.db"), rw);
  auto& db = *db_owner;
  st::migrate(db);
  {
    st::transaction tx(db);
    add_event(db, "rolled back");
    CHECK(db.in_transaction());
  }
  CHECK_FALSE(db.in_transaction());
  CHECK(scalar(db, "SELECT count(*) FROM events") == 0);
  {
    st::transaction tx(db);
    add_event(db, "kept");
    {
      st::savepoint sp(db);
      add_event(db, "inner, rolled back");
    }
    tx.commit();
  }
  CHECK(scalar(db, "SELECT count(*) FROM events") == 1);
  CHECK(text(db, "SELECT title FROM events") == "kept");
}

TEST_CASE("backup copies a live database into a consistent file", "[storage][backup][sqlite]") {
  qiandao::test::temp_dir dir;
  std::string const path = fresh_database(dir, "q.db");
  std::string const copy = dir.file("backup.db");
  auto db_owner = std::make_unique<st::sqlite::sqlite_connection>(path, rw);
  auto& db = *db_owner;
  st::migrate(db);
  {
    st::transaction tx(db);
    for (int i = 0; i < 200; ++i) add_event(db, "活动 " + std::to_string(i));
    tx.commit();
  }
  st::sqlite::backup(path, copy);  // while `db` is still open, as during `qiandao backup`
  REQUIRE(std::filesystem::exists(copy));
  add_event(db, "after the backup");

  st::sqlite::sqlite_connection restored(copy, st::connection::mode::read_only);
  CHECK(text(restored, "PRAGMA integrity_check") == "ok");
  CHECK(scalar(restored, "SELECT count(*) FROM events") == 200);
  CHECK(scalar(restored, "PRAGMA user_version") == st::latest_version(schema_of(db)));
  CHECK(text(restored, "SELECT title FROM events ORDER BY id DESC LIMIT 1") == "活动 199");
}

TEST_CASE("a version 2 database keeps its users and devices through 003 and accepts judges", "[migrations]") {
  qiandao::test::temp_dir dir;
  std::string const path = fresh_database(dir, "q.db");
  std::vector<qiandao::embedded::file> up_to_2;
  auto probe = open_db(path, rw);
  for (auto const& f : schema_of(*probe))
    if (f.path.starts_with("001_") || f.path.starts_with("002_")) up_to_2.push_back(f);
  REQUIRE(up_to_2.size() == 2);
  {
    auto db_owner = open_db(path, rw);
    auto& db = *db_owner;
    REQUIRE(st::migrate(db, up_to_2) == 2);
    db.exec(
        "INSERT INTO users (username, password_hash, role, created_at) VALUES "
        "('wang', 'h1', 'admin', '2024-08-01T10:00:00+08:00'), ('li', 'h2', 'staff', '2024-08-01T10:00:00+08:00');"
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES "
        "('t', 1, '2024-08-01T10:00:00+08:00', '2099-01-01T00:00:00+08:00');"
        "INSERT INTO devices (name, token_hash, created_at) VALUES ('门口1', 'd', '2024-08-01T10:00:00+08:00');");
    CHECK_THROWS_AS(db.exec("INSERT INTO users (username, password_hash, role, created_at) VALUES "
                            "('zhao', 'h3', 'judge', '2024-08-01T10:00:00+08:00')"),
                    st::db_error);
  }
  auto db_owner = open_db(path, rw);
  auto& db = *db_owner;
  CHECK(st::migrate(db) == st::latest_version(schema_of(db)));
  CHECK(text(db, "SELECT username || ':' || role || ':' || password_hash FROM users ORDER BY id LIMIT 1") ==
        "wang:admin:h1");
  CHECK(text(db, "SELECT username || ':' || role || ':' || password_hash FROM users ORDER BY id DESC LIMIT 1") ==
        "li:staff:h2");
  CHECK(scalar(db, "SELECT count(*) FROM sessions") == 0);  // everyone signs in again once
  CHECK(scalar(db, "SELECT count(*) FROM devices") == 1);
  db.exec("INSERT INTO users (username, password_hash, role, created_at) VALUES "
          "('zhao', 'h3', 'judge', '2024-08-01T10:00:00+08:00')");
  db.exec("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) SELECT "
          "'u', id, '2024-08-01T10:00:00+08:00', '2099-01-01T00:00:00+08:00' FROM users WHERE username = 'zhao'");
  CHECK_THROWS_AS(db.exec("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES "
                          "('v', 99, '2024-08-01T10:00:00+08:00', '2099-01-01T00:00:00+08:00')"),
                  st::db_error);  // the foreign key still points at users
  if (db.kind() == st::dialect::sqlite) {
    CHECK(scalar(db, "SELECT count(*) FROM pragma_foreign_key_check") == 0);
    CHECK(text(db, "PRAGMA integrity_check") == "ok");
  }
}

TEST_CASE("a storage error names the constraint but never the row's values", "[storage]") {
  qiandao::test::temp_dir dir;
  auto db_owner = open_db(fresh_database(dir, "q.db"), rw);
  auto& db = *db_owner;
  st::migrate(db);
  add_event(db, "名医面对面义诊");
  std::string const insert =
      "INSERT INTO registrations (event_id, code, name, phone, status, source, created_at) "
      "VALUES (1, 'CODE1', '欧阳娜娜', '15400001234', 'confirmed', 'staff', '2024-08-01T10:00:00+08:00')";
  db.exec(insert);
  // The same phone again: the message is logged, so it must not quote the phone or name
  // (PostgreSQL's DETAIL line would).
  try {
    db.exec(insert);
    FAIL("a second live registration for the phone was stored");
  } catch (st::db_error const& e) {
    CHECK(e.is_constraint());
    CHECK_THAT(e.what(), !Catch::Contains("15400001234") && !Catch::Contains("欧阳娜娜"));
  }
}
