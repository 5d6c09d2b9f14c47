// SQLite commits a batch without waiting for the disk and a flush thread fsyncs the WAL
// afterwards (README, "Inside"). An answer must still wait for that fsync: here the real
// binary runs with a failing disk under its WAL (an LD_PRELOAD shim makes the WAL's fsync
// answer EIO while a flag file exists). A check-in whose fsync failed is answered 503, never
// 201; retried with its nonce once the disk is back it is answered once, and the file holds
// it once.
#include <atomic>
#include <cstdlib>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "storage/sql.hpp"
#include "support/child_server.hpp"
#include "support/expect.hpp"
#include "support/http_client.hpp"
#include "support/test_db.hpp"
#include "support/test_server.hpp"

using namespace qiandao::test;

namespace {

std::int64_t read_metric(http_client& c, std::string const& name) {
  auto v = metric_value(c.get("/metrics").body, name);
  if (v < 0) throw std::runtime_error("no " + name + " in /metrics");
  return v;
}

// Sets the variables for the next child only; they are gone again when this goes.
class child_env {
 public:
  child_env(std::string const& flag) {
    setenv("LD_PRELOAD", QIANDAO_FSYNC_FAULT, 1);
    setenv("QIANDAO_TEST_FAIL_WAL_FSYNC", flag.c_str(), 1);
  }
  ~child_env() {
    unsetenv("LD_PRELOAD");
    unsetenv("QIANDAO_TEST_FAIL_WAL_FSYNC");
  }
  child_env(child_env const&) = delete;
  child_env& operator=(child_env const&) = delete;
};

}  // namespace

TEST_CASE("a check-in is acknowledged only after its WAL fsync: a failed fsync answers 503", "[faults][sqlite]") {
  temp_dir dir;
  auto db_path = fresh_database(dir, "flush.db");
  auto log = dir.file("server.log");
  auto flag = dir.file("disk-fails");
  auto seeded = seed_file(db_path, 20);
  auto const& tickets = seeded.tickets;
  auto const& token = seeded.token;
  std::unique_ptr<child_server> server;
  {
    child_env env(flag);
    server = std::make_unique<child_server>(db_path, log);
  }
  INFO("server log: " << log);
  http_client c(server->port());
  c.set_header("Authorization", "Bearer " + token);
  auto checkin = [&](std::size_t i, std::string const& nonce) {
    return c.post("/api/v1/checkins", {{"code", tickets[i].code}, {"nonce", nonce}});
  };

  // A healthy disk: one after the other, each answer waits for an fsync of its own.
  auto flushes = read_metric(c, "qiandao_wal_flushes_total");
  for (std::size_t i = 0; i < 5; ++i) REQUIRE(checkin(i, new_nonce()).status == 201);
  CHECK(read_metric(c, "qiandao_wal_flushes_total") >= flushes + 5);
  auto failures = read_metric(c, "qiandao_storage_failures_total");

  // The disk fails under the WAL: committed in the file, but not known to be on the disk.
  std::ofstream(flag) << "1";
  auto nonce = new_nonce();
  require_error(checkin(5, nonce), 503, "unavailable");
  CHECK(read_metric(c, "qiandao_storage_failures_total") > failures);

  // Back: the kiosk retries with the same nonce and gets the one answer; the count moved once.
  std::filesystem::remove(flag);
  auto again = checkin(5, nonce);
  REQUIRE(again.status == 201);
  CHECK(checkin(5, nonce).json() == again.json());
  REQUIRE(checkin(6, new_nonce()).status == 201);

  // Killed and read back: every acknowledged check-in is there, and none twice.
  server->kill_now();
  auto db_owner = open_db(db_path);
  auto& db = *db_owner;
  CHECK(integrity_ok(db));
  CHECK(query_int(db, "SELECT count(*) FROM checkins WHERE undone_at IS NULL") == 7);
  CHECK(query_int(db, "SELECT sum(checked_in_count) FROM events") == 7);
  CHECK(query_int(db, "SELECT count(*) FROM checkins WHERE registration_id = " +
                          std::to_string(tickets[5].registration_id)) == 1);
}

TEST_CASE("with --max-batch 1 every commit waits for an fsync of its own", "[faults][sqlite]") {
  // The baseline without group commit (bench/run.sh's "--max-batch 1" row): the flush thread
  // would otherwise cover several one-request commits with one fsync.
  temp_dir dir;
  auto db_path = fresh_database(dir, "one.db");
  auto seeded = seed_file(db_path, 200);
  child_server server(db_path, dir.file("server.log"), {"--max-batch", "1"});
  http_client probe(server.port());
  auto flushes_and_commits = [&] {  // from one reading of /metrics
    auto text = probe.get("/metrics").body;
    return std::pair{metric_value(text, "qiandao_wal_flushes_total"),
                     metric_value(text, "qiandao_commit_batch_size_count")};
  };
  auto [flushes, commits] = flushes_and_commits();
  REQUIRE(flushes >= 0);
  REQUIRE(commits >= 0);
  std::vector<std::thread> kiosks;
  std::atomic<int> admitted{0};
  for (std::size_t k = 0; k < 4; ++k)
    kiosks.emplace_back([&, k] {
      http_client c(server.port());
      c.set_header("Authorization", "Bearer " + seeded.token);
      for (std::size_t i = k; i < seeded.tickets.size(); i += 4)
        if (c.post("/api/v1/checkins", {{"code", seeded.tickets[i].code}, {"nonce", new_nonce()}}).status == 201)
          ++admitted;
    });
  for (auto& t : kiosks) t.join();
  REQUIRE(admitted == 200);
  auto [flushes_after, commits_after] = flushes_and_commits();
  CHECK(commits_after - commits >= 200);
  CHECK(flushes_after - flushes == commits_after - commits);
}
