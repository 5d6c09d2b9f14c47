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

int user_version(connection& db) {
  auto& s = db.prepare("PRAGMA user_version");
  int v = 0;
  if (s.step()) v = static_cast<int>(s.get_int(0));
  s.reset();
  return v;
}

}  // namespace

int latest_version(std::span<embedded::file const> migrations) {
  int v = 0;
  for (auto const& f : migrations) v = std::max(v, number_of(f.path));
  return v;
}

int migrate(connection& db, std::span<embedded::file const> migrations) {
  int current = user_version(db);
  int latest = latest_version(migrations);
  if (current > latest) {
    throw std::runtime_error("the database is at schema version " + std::to_string(current) +
                             " but this qiandao knows only up to " + std::to_string(latest) +
                             "; run a newer qiandao, or restore a backup made by this one");
  }
  for (auto const& m : ordered(migrations)) {
    int n = number_of(m.path);
    if (n <= current) continue;
    transaction t(db);
    db.exec(m.data);
    db.exec("PRAGMA user_version = " + std::to_string(n));
    t.commit();
    current = n;
  }
  return current;
}

}  // namespace qiandao::storage
