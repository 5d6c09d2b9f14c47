// Durability: the real binary is killed with SIGKILL while kiosks are checking people in.
// Whatever it acknowledged must be in the file after a restart, exactly once, and a retried
// nonce must get the same answer.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "domain/auth.hpp"
#include "storage/sqlite.hpp"
#include "storage/store.hpp"
#include "support/expect.hpp"
#include "support/test_server.hpp"
#include "transport/server.hpp"

#ifndef QIANDAO_BIN
#error "QIANDAO_BIN must name the qiandao binary"
#endif

using namespace qiandao::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// `qiandao serve` as a child process; killed (SIGKILL) when the object goes.
class child_server {
 public:
  child_server(std::string const& db, std::string const& log) {
    std::vector<std::string> args = {QIANDAO_BIN, "serve", "--db", db, "--listen", "127.0.0.1:0", "--threads", "2"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    int err = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    pid_ = fork();
    if (pid_ == 0) {
      // Only async-signal-safe calls between fork and exec.
      dup2(fds[1], STDOUT_FILENO);
      if (err >= 0) dup2(err, STDERR_FILENO);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(fds[1]);
    if (err >= 0) close(err);
    out_ = fds[0];
    if (pid_ < 0) throw std::runtime_error("fork failed");
    port_ = read_port();
  }
  ~child_server() { kill_now(); }
  child_server(child_server const&) = delete;
  child_server& operator=(child_server const&) = delete;

  [[nodiscard]] unsigned short port() const { return port_; }

  void kill_now() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
      pid_ = -1;
    }
    if (out_ >= 0) {
      close(out_);
      out_ = -1;
    }
  }

 private:
  // Reads stdout until "Qiandao listening on http://127.0.0.1:PORT/" (at most 15 s).
  unsigned short read_port() {
    std::string seen;
    auto deadline = std::chrono::steady_clock::now() + 15s;
    std::string const marker = "Qiandao listening on http://127.0.0.1:";
    while (std::chrono::steady_clock::now() < deadline) {
      auto at = seen.find(marker);
      if (at != std::string::npos && seen.find('/', at + marker.size()) != std::string::npos)
        return static_cast<unsigned short>(std::stoi(seen.substr(at + marker.size())));
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, 200) <= 0) continue;
      char buf[512];
      auto n = read(out_, buf, sizeof buf);
      if (n <= 0) break;
      seen.append(buf, static_cast<std::size_t>(n));
    }
    throw std::runtime_error("the server did not say it was listening; stdout: " + seen);
  }

  pid_t pid_ = -1;
  int out_ = -1;
  unsigned short port_ = 0;
};

struct ack {
  std::string code, nonce, checked_in_at;
  int status = 0;
  bool first = false;
  std::int64_t registration_id = 0;
};

// Kiosks scanning as fast as answers come, recording every 2xx answer.
class door_load {
 public:
  door_load(std::vector<seeded_ticket> const& tickets, std::string token, std::atomic<std::size_t>& next)
      : tickets_(tickets), token_(std::move(token)), next_(next) {}

  void start(unsigned short port, int clients) {
    for (int i = 0; i < clients; ++i) threads_.emplace_back([this, port] { run(port); });
  }
  std::vector<ack> stop() {
    stop_ = true;
    for (auto& t : threads_) t.join();
    threads_.clear();
    stop_ = false;
    return std::exchange(acks_, {});
  }

 private:
  void run(unsigned short port) {
    http_client c(port);
    c.set_header("Authorization", "Bearer " + token_);
    c.set_timeout(5s);
    while (!stop_) {
      // Mostly fresh tickets; every fourth scan repeats a recent one (a 200 first:false).
      auto i = next_.fetch_add(1);
      auto const& t = tickets_[(i % 4 == 3 && i > 64 ? i - 61 : i) % tickets_.size()];
      auto nonce = new_nonce();
      try {
        auto res = c.post("/api/v1/checkins", {{"code", t.code}, {"nonce", nonce}});
        if (res.status / 100 != 2) continue;
        auto j = res.json();
        std::lock_guard lock(mutex_);
        acks_.push_back({t.code, nonce, j["checked_in_at"].get<std::string>(), res.status, j["first"].get<bool>(),
                         t.registration_id});
      } catch (std::exception const&) {
        std::this_thread::sleep_for(5ms);  // the server is gone: keep trying until told to stop
      }
    }
  }

  std::vector<seeded_ticket> const& tickets_;
  std::string token_;
  std::atomic<std::size_t>& next_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::vector<ack> acks_;
};

// Retries every acknowledged nonce on 4 connections; returns the mismatches, described.
std::vector<std::string> replay(unsigned short port, std::string const& token, std::vector<ack> const& acks) {
  std::vector<std::string> bad;
  std::mutex m;
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      http_client c(port);
      c.set_header("Authorization", "Bearer " + token);
      for (std::size_t i = w; i < acks.size(); i += 4) {
        auto const& a = acks[i];
        std::string why;
        try {
          auto res = c.post("/api/v1/checkins", {{"code", a.code}, {"nonce", a.nonce}});
          auto j = res.json();
          if (res.status != a.status || j.value("checked_in_at", json()) != a.checked_in_at ||
              j.value("first", !a.first) != a.first)
            why = "nonce " + a.nonce + " first answered " + std::to_string(a.status) + " " + a.checked_in_at +
                  ", now " + std::to_string(res.status) + " " + res.body;
        } catch (std::exception const& e) {
          why = "nonce " + a.nonce + ": " + e.what();
        }
        if (!why.empty()) {
          std::lock_guard lock(m);
          bad.push_back(why);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  return bad;
}

// Every acknowledged check-in is in the file exactly once, at the time it was answered.
void require_durable(std::string const& db_path, std::vector<ack> const& acks) {
  qiandao::storage::connection db(db_path, qiandao::storage::connection::mode::read_only);
  CHECK(query_text(db, "PRAGMA integrity_check") == "ok");
  CHECK(query_int(db, "SELECT count(*) FROM (SELECT registration_id FROM checkins WHERE undone_at IS NULL "
                      "GROUP BY registration_id HAVING count(*) > 1)") == 0);
  CHECK(query_int(db, "SELECT count(*) FROM checkins") ==
        query_int(db, "SELECT count(DISTINCT registration_id) FROM checkins WHERE undone_at IS NULL"));
  // The board's counters agree with the rows they count.
  CHECK(query_int(db, "SELECT count(*) FROM events e WHERE e.checked_in_count <> "
                      "(SELECT count(*) FROM checkins c WHERE c.event_id = e.id AND c.undone_at IS NULL)") == 0);

  std::map<std::int64_t, std::string> first_time;  // registration → the time every answer gave
  int missing = 0, twice = 0, moved = 0, inconsistent = 0;
  for (auto const& a : acks) {
    auto [it, fresh] = first_time.emplace(a.registration_id, a.checked_in_at);
    if (!fresh && it->second != a.checked_in_at) ++inconsistent;
  }
  for (auto const& [reg, at] : first_time) {
    auto id = std::to_string(reg);
    auto live = query_int(db, "SELECT count(*) FROM checkins WHERE undone_at IS NULL AND registration_id = " + id);
    if (live == 0) ++missing;
    if (live > 1) ++twice;
    auto stored = query_text(db, "SELECT coalesce(checked_in_at, '') FROM registrations WHERE id = " + id);
    if (stored != at) ++moved;
  }
  INFO(first_time.size() << " registrations acknowledged as checked in");
  CHECK(missing == 0);
  CHECK(twice == 0);
  CHECK(moved == 0);
  CHECK(inconsistent == 0);
}

}  // namespace

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
