#pragma once
// Kiosks driving check-ins against a server, recording what was acknowledged, and the
// checks that what was acknowledged is durable. Used by the crash and fault tests.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/test_server.hpp"

namespace qiandao::test {

// One answered scan.
struct ack {
  std::string code, nonce, checked_in_at;
  int status = 0;
  bool first = false;
  std::int64_t registration_id = 0;
  std::chrono::steady_clock::time_point answered_at{};  // when the answer arrived
};

// A scan answered with something other than 2xx (e.g. 503 while shutting down).
struct refusal {
  std::string code, nonce;
  int status = 0;
  std::int64_t registration_id = 0;
};

// Kiosks scanning as fast as answers come, recording every 2xx answer.
class door_load {
 public:
  door_load(std::vector<seeded_ticket> const& tickets, std::string token, std::atomic<std::size_t>& next)
      : tickets_(tickets), token_(std::move(token)), next_(next) {}

  void start(unsigned short port, int clients);
  std::vector<ack> stop();
  // The non-2xx answers since the last call (stop() does not clear them).
  std::vector<refusal> take_refusals();

 private:
  void run(unsigned short port);

  std::vector<seeded_ticket> const& tickets_;
  std::string token_;
  std::atomic<std::size_t>& next_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::vector<ack> acks_;
  std::vector<refusal> refusals_;
};

// Retries every acknowledged nonce on 4 connections; returns the mismatches, described.
std::vector<std::string> replay(unsigned short port, std::string const& token, std::vector<ack> const& acks);

// What require_durable found (bench/scale.sh prints it from the scale test).
struct durability {
  std::size_t registrations = 0;  // acknowledged as checked in
  int missing = 0;                // acknowledged, no live check-in in the database (lost)
  int twice = 0;                  // acknowledged, more than one live check-in
  std::int64_t duplicated = 0;    // any registration with more than one live check-in (doubled)
};

// Every acknowledged check-in is in the file exactly once, at the time it was answered
// (Catch checks: main test thread only).
durability require_durable(std::string const& db_path, std::vector<ack> const& acks);

}  // namespace qiandao::test
