#include "storage/migrations.hpp"

#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

namespace qiandao::storage {

namespace {

int number_of(std::string_view path) {
  int n = 0;
  auto [p, ec] = std::from_chars(path.data(), path.data() + path.size(), n);
  if (ec != std::errc{} || p == path.data() || *p != '_') {
    throw std::runtime_error("migration name must start with NNN_: " + std::string(path));
  }
  return n;
}

std::vector<embedded::file> ordered(std::span<embedded::file const> migrations) {
  std::vector<embedded::file> v(migrations.begin(), migrations.end());
  std::sort(v.begin(), v.end(),
            [](auto const& a, auto const& b) { return number_of(a.path) < number_of(b.path); });
  return v;
}

}  // namespace

int latest_version(std::span<embedded::file const> migrations) {
  int v = 0;
  for (auto const& f : migrations) v = std::max(v, number_of(f.path));
  return v;
}

namespace {

// SQLite rebuilds a table to change a CHECK (004 does, for registrations.source). With
// foreign keys on, dropping the old table counts every child row (check-ins, leave…) as a
// violation that the new table, filled before, never takes back, so COMMIT fails. SQLite's
// documented way is foreign keys off around the change and foreign_key_check before COMMIT:
// the keys are checked all the same, and a step that breaks one is rolled back.
struct sqlite_keys_off {
  connection& db;
  bool on;
  explicit sqlite_keys_off(connection& c) : db(c), on(c.kind() == dialect::sqlite) {
    if (on) db.exec("PRAGMA foreign_keys = OFF");
  }
  ~sqlite_keys_off() {
    if (!on) return;
    try {
      db.exec("PRAGMA foreign_keys = ON");
    } catch (...) {  // NOLINT(bugprone-empty-catch): the connection is going away anyway
    }
  }
  void check() {
    if (!on) return;
    auto& q = db.prepare("SELECT count(*) FROM pragma_foreign_key_check");
    std::int64_t broken = q.step() ? q.get_int(0) : 0;
    q.reset();
    if (broken > 0)
      throw db_error(db_error::kind::constraint, "", "a migration left rows whose foreign keys point nowhere");
  }
  sqlite_keys_off(sqlite_keys_off const&) = delete;
  sqlite_keys_off& operator=(sqlite_keys_off const&) = delete;
};

}  // namespace

int migrate(connection& db, std::span<embedded::file const> migrations) {
  int latest = latest_version(migrations);
  auto steps = ordered(migrations);
  sqlite_keys_off keys(db);
  for (;;) {
    transaction t(db);
    db.lock_for_migration();
    int current = db.schema_version();
    if (current > latest) {
      throw std::runtime_error("the database is at schema version " + std::to_string(current) +
                               " but this qiandao knows only up to " + std::to_string(latest) +
                               "; run a newer qiandao, or restore a backup made by this one");
    }
    auto next = std::find_if(steps.begin(), steps.end(), [&](auto const& m) { return number_of(m.path) > current; });
    if (next == steps.end()) {
      t.commit();
      return current;
    }
    db.exec(next->data);
    keys.check();
    db.set_schema_version(number_of(next->path));
    t.commit();
  }
}

int migrate(connection& db) { return migrate(db, migrations_for(db.kind())); }

std::span<embedded::file const> migrations_for(dialect d) {
  return d == dialect::postgresql ? embedded::schema_postgresql() : embedded::schema();
}

}  // namespace qiandao::storage
