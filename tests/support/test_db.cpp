#include "support/test_db.hpp"

#include "storage/migrations.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace qiandao::test {

namespace {

std::string const& base_url() {
  static std::string const url = [] {
    char const* file = std::getenv("QIANDAO_TEST_PG_URL_FILE");
    if (!file || !*file) return std::string();
    std::ifstream in(file);
    std::string u;
    std::getline(in, u);
    if (u.empty())
      throw std::runtime_error(std::string("QIANDAO_TEST_PG_URL_FILE names ") + file +
                               ", which holds no URL: did the pg fixture (tests/support/pg_fixture.sh) start?");
    return u;
  }();
  return url;
}

}  // namespace

bool on_postgres() { return !base_url().empty(); }

std::string fresh_database(temp_dir const& dir, std::string const& file) {
  if (!on_postgres()) return dir.file(file);
  static std::atomic<int> counter{0};
  std::string name = "t" + std::to_string(::getpid()) + "_" + std::to_string(++counter) + "_" +
                     std::to_string(std::rand() % 100000);
  auto admin = storage::open_connection(base_url() + "/postgres", storage::connection::mode::read_write);
  admin->exec("CREATE DATABASE " + name + " TEMPLATE template0 ENCODING 'UTF8'");
  return base_url() + "/" + name;
}

std::unique_ptr<storage::sql_store> migrated_store(std::string const& target) {
  auto db = storage::open_connection(target, storage::connection::mode::read_write);
  storage::migrate(*db);
  return std::make_unique<storage::sql_store>(std::move(db));
}

bool integrity_ok(storage::connection& db) {
  auto& q = db.prepare(db.kind() == storage::dialect::sqlite ? "PRAGMA integrity_check" : "SELECT 'ok'");
  bool ok = q.step() && q.get_text(0) == "ok";
  q.reset();
  return ok;
}

std::unique_ptr<storage::connection> open_db(std::string const& target, storage::connection::mode m) {
  return storage::open_connection(target, m);
}

}  // namespace qiandao::test
