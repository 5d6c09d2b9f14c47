// What only a database server shows: its connections can be cut under the running server,
// and it is backed up with its own tool. Run on PostgreSQL only ([postgresql]).
#include <chrono>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "support/child_server.hpp"
#include "support/expect.hpp"
#include "support/test_db.hpp"
#include "support/test_server.hpp"

using namespace qiandao::test;
using namespace std::chrono_literals;

namespace {

// Cuts every connection the server holds to its database, as an administrator's
// pg_terminate_backend (or a failover) would.
void cut_connections(std::string const& target) {
  auto admin = open_db(target, qiandao::storage::connection::mode::read_write);
  query_int(*admin,
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()");
}

}  // namespace

TEST_CASE("cut database connections answer 503 at once, never a hang or a false 2xx, and the server reconnects",
          "[postgresql]") {
  REQUIRE(on_postgres());
  test_server srv;
  auto event = srv.create_event({{"title", "健康知识汇·科普智慧堂"}});
  std::string const regs = "/api/v1/events/" + std::to_string(event["id"].get<std::int64_t>()) + "/registrations";
  auto staff = srv.as("staff");
  staff.set_timeout(10s);
  int unavailable = 0, created = 0;
  std::vector<std::string> stored;
  for (int round = 0; round < 3; ++round) {
    cut_connections(srv.db_path());
    for (int i = 0; i < 8; ++i) {
      auto phone = test_phone(round * 100 + i);
      auto began = std::chrono::steady_clock::now();
      auto r = staff.post(regs, {{"name", chinese_name(round * 100 + i)}, {"phone", phone}});
      CHECK(std::chrono::steady_clock::now() - began < 8s);
      if (r.status == 503) {
        ++unavailable;
        CHECK(r.json()["error"]["code"] == "unavailable");
      } else {
        REQUIRE(r.status == 201);
        ++created;
        stored.push_back(phone);
      }
      auto list = staff.get(regs);
      CHECK((list.status == 200 || list.status == 503));
    }
  }
  CHECK(unavailable >= 1);  // each cut was met by a request
  CHECK(created >= 3);      // and after each the server reconnected by itself
  // What was answered 201 is stored once; what was answered 503 is not stored at all.
  auto db = open_db(srv.db_path());
  CHECK(query_int(*db, "SELECT count(*) FROM registrations") == static_cast<std::int64_t>(stored.size()));
  auto after = require_status(staff.get(regs + "?limit=500"), 200);
  CHECK(after["total"] == stored.size());
}

TEST_CASE("qiandao backup of a PostgreSQL database says to use pg_dump", "[postgresql]") {
  REQUIRE(on_postgres());
  temp_dir dir;
  auto target = fresh_database(dir);
  auto code = run_qiandao({"backup", dir.file("copy.dump"), "--db", target}, dir.file("backup.log"), 30s);
  REQUIRE(code);
  CHECK(*code == 1);
  std::ifstream in(dir.file("backup.log"));
  std::stringstream text;
  text << in.rdbuf();
  CHECK_THAT(text.str(), Catch::Contains("pg_dump"));
}
