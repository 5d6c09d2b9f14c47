#pragma once
// Counters for /metrics (Prometheus text). Lock-free on the hot paths; the route table
// takes a mutex only when a new (route, status) pair is first seen.
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace qiandao {

class metrics {
 public:
  void request(std::string_view route, int status);
  void checkin() { checkins_.fetch_add(1, std::memory_order_relaxed); }
  void batch(std::size_t size);
  void board_connected() { boards_.fetch_add(1, std::memory_order_relaxed); }
  void board_disconnected() { boards_.fetch_sub(1, std::memory_order_relaxed); }
  void board_frame(std::size_t n) { frames_.fetch_add(n, std::memory_order_relaxed); }
  void storage_failure() { storage_failures_.fetch_add(1, std::memory_order_relaxed); }
  // One fsync of SQLite's WAL after one or more COMMITs (the writer's flush thread).
  void wal_flush() { wal_flushes_.fetch_add(1, std::memory_order_relaxed); }
  // A database error by its code (PostgreSQL's SQLSTATE, SQLite's result code).
  void database_error(std::string const& code);
  // Several instances (PostgreSQL): the doorbell between them and the board's re-reads.
  void doorbell_sent() { doorbells_sent_.fetch_add(1, std::memory_order_relaxed); }
  void doorbell_received() { doorbells_received_.fetch_add(1, std::memory_order_relaxed); }
  void board_reread() { rereads_.fetch_add(1, std::memory_order_relaxed); }
  void board_resync() { resyncs_.fetch_add(1, std::memory_order_relaxed); }
  // A board fell behind its backlog bound (bytes or age): its backlog was dropped and a
  // fresh snapshot handed to it.
  void board_backlog_dropped() { backlog_drops_.fetch_add(1, std::memory_order_relaxed); }
  void listener_reconnect() { listener_reconnects_.fetch_add(1, std::memory_order_relaxed); }

  [[nodiscard]] std::string render() const;
  [[nodiscard]] std::int64_t board_connections() const { return boards_.load(); }

 private:
  // Upper bounds of the commit batch size histogram.
  static constexpr std::array<std::size_t, 9> batch_bounds{1, 2, 4, 8, 16, 32, 64, 128, 512};

  mutable std::mutex routes_mutex_;
  // Looked up by (string_view, status): counting a request allocates nothing once its
  // route and status have been seen.
  struct route_less {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(A const& a, B const& b) const {
      return std::pair<std::string_view, int>(a.first, a.second) < std::pair<std::string_view, int>(b.first, b.second);
    }
  };
  std::map<std::pair<std::string, int>, std::uint64_t, route_less> routes_;
  std::atomic<std::uint64_t> checkins_{0};
  std::array<std::atomic<std::uint64_t>, batch_bounds.size() + 1> batch_buckets_{};
  std::atomic<std::uint64_t> batch_count_{0}, batch_sum_{0};
  std::atomic<std::int64_t> boards_{0};
  std::atomic<std::uint64_t> frames_{0};
  std::atomic<std::uint64_t> storage_failures_{0};
  std::atomic<std::uint64_t> wal_flushes_{0};
  std::atomic<std::uint64_t> doorbells_sent_{0}, doorbells_received_{0}, rereads_{0}, resyncs_{0},
      listener_reconnects_{0}, backlog_drops_{0};
  mutable std::mutex errors_mutex_;
  std::map<std::string, std::uint64_t> database_errors_;
};

}  // namespace qiandao
