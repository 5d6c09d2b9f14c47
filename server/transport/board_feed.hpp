#pragma once
// Several instances on one database (PostgreSQL): the board learns what changed by event
// (this instance's commits, the others' doorbells, the safety net once a second) and
// re-reads those events from the database on a thread of its own, then hands the hub what
// it read. Rings that arrive while a re-read runs are folded into the next one, so under
// load re-reads grow and their rate falls; an I/O thread never waits on them.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "domain/board.hpp"
#include "domain/database.hpp"
#include "metrics.hpp"

namespace qiandao::transport {

class board_hub;

class board_feed {
 public:
  board_feed(domain::database& db, std::shared_ptr<board_hub> hub, metrics& m);
  ~board_feed();
  board_feed(board_feed const&) = delete;
  board_feed& operator=(board_feed const&) = delete;

  static constexpr std::chrono::milliseconds min_gap{10};

  void ring(domain::board_ring r);  // any thread
  // Waits (at most `timeout`) until a first full re-read has been handed to the hub, so the
  // boards that connect next start from it. False when it has not come in time.
  bool wait_primed(std::chrono::milliseconds timeout);
  void stop();

 private:
  void loop();

  domain::database& db_;
  std::shared_ptr<board_hub> hub_;
  metrics& metrics_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable primed_cv_;
  domain::board_ring pending_;
  domain::board_chart_memory chart_memory_;  // the feed's thread only
  bool has_pending_ = false;
  bool stopping_ = false;
  bool primed_ = false;  // under mutex_
  std::thread thread_;
};

}  // namespace qiandao::transport
