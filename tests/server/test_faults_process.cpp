// The real binary as an operator runs it: an online backup taken while kiosks check people
// in must restore every check-in acknowledged before it began, and SIGTERM while check-ins
// flow must lose nothing answered, close the boards with "going away" and exit 0.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "domain/auth.hpp"
#include "domain/validate.hpp"
#include "storage/sql.hpp"
#include "support/test_db.hpp"
#include "storage/store.hpp"
#include "support/child_server.hpp"
#include "support/door_load.hpp"
#include "support/expect.hpp"
#include "support/test_server.hpp"
#include "support/ws_client.hpp"
#include "transport/server.hpp"

using namespace qiandao::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::string read_file(std::string const& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string staff_cookie(unsigned short port) {
  http_client c(port);
  auto r = c.post("/api/v1/login", {{"username", "staff"}, {"password", test_server::password("staff")}});
  if (r.status != 200) throw std::runtime_error("login: HTTP " + std::to_string(r.status) + " " + r.body);
  auto cookie = r.header("Set-Cookie").value_or("");
  return cookie.substr(0, cookie.find(';'));
}

}  // namespace

TEST_CASE("backup drill: an online backup restores every check-in acknowledged before it began", "[faults][sqlite]") {
  temp_dir dir;
  auto db_path = dir.file("live.db");
  auto backup_path = dir.file("backup.db");
  auto log = dir.file("server.log");
  auto seeded = seed_file(db_path, 6000);

  child_server live(db_path, log);
  std::atomic<std::size_t> next{0};
  door_load load(seeded.tickets, seeded.token, next);
  load.start(live.port(), 4);
  std::this_thread::sleep_for(1s);
  auto began = std::chrono::steady_clock::now();
  auto code = run_qiandao({"backup", backup_path, "--db", db_path}, dir.file("backup.log"), 30s);
  auto finished = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(300ms);  // check-ins go on after it too
  auto acks = load.stop();
  CHECK(live.terminate(10s).value_or(-1) == 0);

  INFO("backup output: " << read_file(dir.file("backup.log")));
  INFO("the backup took " << std::chrono::duration_cast<std::chrono::milliseconds>(finished - began).count() << " ms");
  REQUIRE(code.value_or(-1) == 0);
  std::vector<ack> before;
  std::size_t during = 0;
  for (auto const& a : acks) {
    if (a.answered_at < began) before.push_back(a);
    else if (a.answered_at < finished) ++during;
  }
  INFO(acks.size() << " check-ins answered: " << before.size() << " before the backup, " << during << " during it");
  REQUIRE(before.size() > 0);

  // The copy is sound, and holds every check-in answered before it began, exactly once.
  {
    auto db_owner = open_db(backup_path);
    auto& db = *db_owner;
    REQUIRE(integrity_ok(db));
  }
  require_durable(backup_path, before);

  // A server started on the backup shows them through the API.
  child_server restored(backup_path, dir.file("restored.log"));
  http_client staff(restored.port());
  staff.set_header("Cookie", staff_cookie(restored.port()));
  std::map<std::int64_t, std::string> expected;  // registration → time
  for (auto const& a : before) expected.emplace(a.registration_id, a.checked_in_at);
  int missing = 0;
  std::string first_missing;
  for (auto const& [id, at] : expected) {
    auto r = staff.get("/api/v1/registrations/" + std::to_string(id));
    if (r.status != 200 || r.json()["checked_in_at"] != at) {
      ++missing;
      if (first_missing.empty()) first_missing = "registration " + std::to_string(id) + ": " + r.body;
    }
  }
  INFO("first missing: " << first_missing);
  CHECK(missing == 0);
  // The events' counts agree with the distinct check-ins in the copy: no duplicates.
  auto events = staff.get("/api/v1/events").json()["items"];
  REQUIRE(events.size() == 2);
  auto db_owner = open_db(backup_path);
    auto& db = *db_owner;
  for (auto const& e : events) {
    auto id = std::to_string(e["id"].get<std::int64_t>());
    CHECK(e["counts"]["checked_in"] == query_int(db, "SELECT count(DISTINCT registration_id) FROM checkins "
                                                     "WHERE undone_at IS NULL AND event_id = " + id));
  }
  CHECK(restored.terminate(10s).value_or(-1) == 0);
}

TEST_CASE("SIGTERM while check-ins flow: nothing answered is lost, boards get 1001, exit 0", "[faults]") {
  temp_dir dir;
  auto db_path = fresh_database(dir, "shutdown.db");
  auto log = dir.file("server.log");
  auto seeded = seed_file(db_path, 6000);

  child_server server(db_path, log);
  std::vector<ws_client> boards;
  for (int i = 0; i < 2; ++i) boards.emplace_back(server.port());
  for (auto& b : boards) REQUIRE(b.read_json(5s));
  std::vector<std::size_t> frames(boards.size(), 0);
  std::vector<std::thread> readers;
  for (std::size_t i = 0; i < boards.size(); ++i)
    readers.emplace_back([&, i] {
      while (boards[i].read_text(15s)) ++frames[i];
    });

  std::atomic<std::size_t> next{0};
  door_load load(seeded.tickets, seeded.token, next);
  load.start(server.port(), 4);
  std::this_thread::sleep_for(1s);
  auto exit_code = server.terminate(15s);
  auto acks = load.stop();
  auto refusals = load.take_refusals();
  for (auto& r : readers) r.join();

  INFO("server log: " << read_file(log));
  CHECK(exit_code.value_or(-1) == 0);
  for (std::size_t i = 0; i < boards.size(); ++i) {
    INFO("board " << i << " read " << frames[i] << " updates");
    CHECK(frames[i] > 0);
    CHECK(boards[i].close_code().value_or(-1) == 1001);
  }
  INFO(acks.size() << " check-ins answered 2xx, " << refusals.size() << " refused");
  REQUIRE(acks.size() > 0);
  require_durable(db_path, acks);
  // Whatever was refused while stopping was refused cleanly, and saved nothing.
  auto db_owner = open_db(db_path);
    auto& db = *db_owner;
  for (auto const& r : refusals) {
    INFO("refused nonce " << r.nonce);
    CHECK(r.status == 503);
    CHECK(query_int(db, "SELECT count(*) FROM nonces WHERE nonce = '" + r.nonce + "'") == 0);
  }
}
