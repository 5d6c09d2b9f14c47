#include "transport/board_feed.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "domain/board.hpp"
#include "transport/board_hub.hpp"

namespace qiandao::transport {

board_feed::board_feed(domain::database& db, std::shared_ptr<board_hub> hub, metrics& m)
    : db_(db), hub_(std::move(hub)), metrics_(m), thread_([this] { loop(); }) {}

board_feed::~board_feed() { stop(); }

void board_feed::ring(domain::board_ring r) {
  {
    std::lock_guard lock(mutex_);
    pending_.all = pending_.all || r.all;
    pending_.resync = pending_.resync || r.resync;
    pending_.events.insert(r.events.begin(), r.events.end());
    if (r.at_us && (!pending_.at_us || r.at_us < pending_.at_us)) pending_.at_us = r.at_us;
    pending_.joins = std::max(pending_.joins, r.joins);
    has_pending_ = true;
  }
  wake_.notify_one();
}

void board_feed::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

bool board_feed::wait_primed(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return primed_cv_.wait_for(lock, timeout, [this] { return primed_ || stopping_; }) && primed_;
}

void board_feed::loop() {
  std::unique_lock lock(mutex_);
  auto last = std::chrono::steady_clock::now() - min_gap;
  for (;;) {
    wake_.wait(lock, [this] { return has_pending_ || stopping_; });
    if (stopping_) return;
    // At most one re-read per min_gap: under a rush the rings fold into fewer, bigger ones
    // and the database keeps its connections for the doors.
    wake_.wait_until(lock, last + min_gap, [this] { return stopping_; });
    if (stopping_) return;
    last = std::chrono::steady_clock::now();
    auto r = std::move(pending_);
    pending_ = {};
    has_pending_ = false;
    // Until a first full rebuild has reached the hub, every re-read is one.
    bool resync = r.resync || !primed_;
    lock.unlock();
    try {
      auto read = domain::reread_board(*db_.read(), r.events, r.all || resync, board_hub::recent_kept,
                                       &chart_memory_);
      metrics_.board_reread();
      if (resync) metrics_.board_resync();
      hub_->reconcile(std::move(read), resync, r.at_us, r.joins);
      std::lock_guard primed_lock(mutex_);
      if (!primed_) {
        primed_ = true;
        primed_cv_.notify_all();
      }
    } catch (std::exception const& e) {
      // The database is away: the once-a-second safety net re-reads everything, and a
      // listener that lost it asks for a resync when it is back.
      std::fprintf(stderr, "qiandao: board re-read failed: %s\n", e.what());
    }
    lock.lock();
  }
}

}  // namespace qiandao::transport
