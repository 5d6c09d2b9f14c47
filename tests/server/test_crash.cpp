// Durability: the real binary is killed with SIGKILL while kiosks are checking people in.
// Whatever it acknowledged must be in the file after a restart, exactly once, and a retried
// nonce must get the same answer.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "domain/auth.hpp"
#include "storage/sql.hpp"
#include "support/test_db.hpp"
#include "storage/store.hpp"
#include "support/child_server.hpp"
#include "support/door_load.hpp"
#include "support/expect.hpp"
#include "support/test_server.hpp"
#include "transport/server.hpp"

using namespace qiandao::test;
using nlohmann::json;
using namespace std::chrono_literals;

TEST_CASE("SIGKILL during check-ins loses nothing acknowledged and duplicates nothing", "[crash]") {
  temp_dir dir;
  auto db_path = fresh_database(dir, "crash.db");
  auto log = dir.file("server.log");
  auto seeded = seed_file(db_path, 30000);  // more than three rounds scan
  auto const& tickets = seeded.tickets;
  auto const& token = seeded.token;

  std::atomic<std::size_t> next{0};
  door_load load(tickets, token, next);
  std::vector<ack> all;
  auto server = std::make_unique<child_server>(db_path, log);
  for (int round = 1; round <= 3; ++round) {
    INFO("round " << round << "; server log: " << log);
    load.start(server->port(), 4);
    std::this_thread::sleep_for(1s);
    server->kill_now();  // mid-flight: the clients are still sending
    auto acks = load.stop();
    REQUIRE(acks.size() > 0);
    std::size_t firsts = 0;
    for (auto const& a : acks) firsts += a.status == 201;
    INFO(acks.size() << " answers acknowledged, " << firsts << " of them first check-ins");
    CHECK(firsts > 0);
    CHECK(firsts < acks.size());  // repeats were answered too

    server = std::make_unique<child_server>(db_path, log);
    all.insert(all.end(), acks.begin(), acks.end());
    require_durable(db_path, all);
    auto mismatches = replay(server->port(), token, acks);
    INFO("first mismatch: " << (mismatches.empty() ? std::string() : mismatches.front()));
    CHECK(mismatches.empty());
  }
  // Answers from the first rounds survived the later crashes too.
  auto mismatches = replay(server->port(), token, all);
  INFO("first mismatch: " << (mismatches.empty() ? std::string() : mismatches.front()));
  CHECK(mismatches.empty());
  server->kill_now();
  require_durable(db_path, all);
}

TEST_CASE("SIGKILL while clinic desks tap loses no acknowledged tally and doubles none", "[crash][tallies]") {
  temp_dir dir;
  auto db_path = fresh_database(dir, "tallies.db");
  auto log = dir.file("server.log");
  std::string token;
  qiandao::domain::id_t event_id = 0;
  {
    qiandao::domain::init_crypto();
    auto s_owner = migrated_store(db_path);
    auto& s = *s_owner;
    qiandao::storage::transaction tx(s.db());
    event_id = seed_event(s, "名医面对面义诊");
    s.db()
        .prepare("INSERT INTO event_services (event_id, position, name) VALUES (?1, 0, '血压测量'), (?1, 1, '血糖检测')")
        .bind(1, event_id)
        .run();
    token = seed_device(s, "义诊服务台");
    tx.commit();
  }
  std::string const path = "/api/v1/events/" + std::to_string(event_id) + "/tallies";

  std::mutex mutex;
  std::map<std::string, std::int64_t> acknowledged;  // nonce → tally id
  auto server = std::make_unique<child_server>(db_path, log);
  for (int round = 1; round <= 2; ++round) {
    INFO("round " << round << "; server log: " << log);
    std::atomic<bool> stop{false};
    std::vector<std::thread> desks;
    for (int d = 0; d < 4; ++d) {
      desks.emplace_back([&, port = server->port()] {
        try {
          http_client desk(port);
          desk.set_header("Authorization", "Bearer " + token);
          desk.set_timeout(3s);
          for (int i = 0; !stop; ++i) {
            auto nonce = new_nonce();
            auto r = desk.post(path, {{"service", i % 2 ? "血压测量" : "血糖检测"}, {"nonce", nonce}});
            if (r.status != 201) break;
            std::lock_guard lock(mutex);
            acknowledged[nonce] = r.json()["tally"]["id"].get<std::int64_t>();
          }
        } catch (std::exception const&) {
          // the server died under this desk: what it acknowledged is what counts
        }
      });
    }
    std::this_thread::sleep_for(700ms);
    server->kill_now();
    stop = true;
    for (auto& t : desks) t.join();
    REQUIRE(acknowledged.size() > 0);

    server = std::make_unique<child_server>(db_path, log);
    {
      auto db_owner = open_db(db_path);
    auto& db = *db_owner;
      auto& q = db.prepare("SELECT count(*) FROM tallies WHERE nonce = ?1 AND id = ?2 AND undone_at IS NULL");
      std::size_t missing = 0;
      for (auto const& [nonce, id] : acknowledged) {
        q.bind(1, nonce).bind(2, id);
        if (!q.step() || q.get_int(0) != 1) ++missing;
        q.reset();
      }
      CHECK(missing == 0);
      CHECK(query_int(db, "SELECT count(*) FROM tallies") ==
            query_int(db, "SELECT count(DISTINCT nonce) FROM tallies"));
      CHECK(integrity_ok(db));
    }
    // A desk replaying its queue after the crash gets the same tally back, not a new one.
    http_client desk(server->port());
    desk.set_header("Authorization", "Bearer " + token);
    int replayed = 0;
    for (auto const& [nonce, id] : acknowledged) {
      if (++replayed > 50) break;
      auto r = desk.post(path, {{"service", "血压测量"}, {"nonce", nonce}});
      if (r.status == 422) r = desk.post(path, {{"service", "血糖检测"}, {"nonce", nonce}});
      REQUIRE(r.status == 200);
      CHECK(r.json()["tally"]["id"] == id);
    }
  }
}
