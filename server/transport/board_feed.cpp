#include "transport/board_feed.hpp"

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

void board_feed::loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return has_pending_ || stopping_; });
    if (stopping_) return;
    auto r = std::move(pending_);
    pending_ = {};
    has_pending_ = false;
    lock.unlock();
    // Until a first full rebuild has reached the hub, every re-read is one.
    bool resync = r.resync || !primed_;
    try {
      auto read = domain::reread_board(*db_.read(), r.events, r.all || resync, board_hub::recent_kept);
      metrics_.board_reread();
      if (resync) metrics_.board_resync();
      hub_->reconcile(std::move(read), resync, r.at_us);
      primed_ = true;
    } catch (std::exception const& e) {
      // The database is away: the once-a-second safety net re-reads everything, and a
      // listener that lost it asks for a resync when it is back.
      std::fprintf(stderr, "qiandao: board re-read failed: %s\n", e.what());
    }
    lock.lock();
  }
}

}  // namespace qiandao::transport
