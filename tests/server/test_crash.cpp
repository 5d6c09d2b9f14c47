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
#include "storage/sqlite.hpp"
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
  auto db_path = dir.file("crash.db");
  auto log = dir.file("server.log");
  std::vector<seeded_ticket> tickets;
  std::string token;
  {
    qiandao::domain::init_crypto();
    qiandao::transport::prepare_database(db_path);
    qiandao::storage::store s(db_path);
    qiandao::storage::transaction tx(s.db());
    std::vector<qiandao::domain::id_t> events = {seed_event(s, "名医面对面义诊"), seed_event(s, "健康知识汇·科普智慧堂")};
    tickets = seed_tickets(s, events, 30000);  // more than three rounds scan
    token = seed_device(s, "门口1");
    tx.commit();
  }

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
