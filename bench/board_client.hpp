#pragma once
// Many board WebSocket connections on one io_context, run by one or more client threads.
// Every update frame carries "committed_at_us" (Unix µs when the commit behind its oldest
// change returned); each connection keeps (committed_at_us, receive time) for every update,
// and collect() turns them into per-connection latencies and, per frame, the latest arrival
// over all connections (the "last board").
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "harness.hpp"

namespace qiandao::bench {

struct board_stats {
  std::vector<double> latency_ms;  // every connection's every update frame
  struct frame {
    std::int64_t latest_us = 0;  // the last connection's receive time
    long receivers = 0;
  };
  std::unordered_map<std::int64_t, frame> frames;  // by committed_at_us
  long updates = 0;
  long resyncs = 0;  // snapshots after a connection's first: the server dropped its backlog
  long closed = 0;   // connections the server ended
};

class board_conn;

class board_set {
 public:
  board_set(int port, int threads);
  ~board_set();

  // Opens N connections, at most 128 handshakes at a time, and runs until each has its first
  // snapshot or `limit` passes. Returns how many are ready.
  long open(long n, std::chrono::seconds limit);
  // Runs the io_context on the client threads until `done` says so or `limit` passes.
  void run_until(std::function<bool()> const& done, std::chrono::milliseconds limit);
  void run_for(std::chrono::milliseconds d);
  // Updates are kept only while recording.
  void record(bool on) { recording_ = on; }
  [[nodiscard]] bool recording() const { return recording_.load(std::memory_order_relaxed); }
  // Merges what every connection saw; call between runs.
  [[nodiscard]] board_stats collect() const;
  // Closes every socket (no close handshake: the server sees a reset or EOF).
  void close_all();

  [[nodiscard]] long failed() const { return failed_; }
  [[nodiscard]] std::string first_error() const;
  // While recording: the most bytes the kernel held unread for this client, summed over all
  // sockets, sampled every 250 ms. Large means the client, not the server, is behind.
  [[nodiscard]] long long max_unread() const { return max_unread_; }

  // CPU and run-queue wait of the client threads, summed over every run so far.
  [[nodiscard]] thread_time client_time() const { return {client_cpu_ns_.load(), client_wait_ns_.load()}; }

  // For board_conn, from any client thread.
  void on_ready();
  void on_failed(std::string const& what);

 private:
  void start_more();  // with mutex_ held
  void sample_unread();

  boost::asio::io_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  int port_;
  int threads_;
  std::atomic<bool> recording_{false};
  std::atomic<long> ready_{0}, failed_{0};
  std::atomic<long long> client_cpu_ns_{0}, client_wait_ns_{0};
  void add_time(thread_time const& before);  // this thread's use since `before`
  mutable std::mutex mutex_;  // guards the members below
  std::vector<std::shared_ptr<board_conn>> conns_;
  long to_start_ = 0;
  long in_handshake_ = 0;
  std::string first_error_;
  long long max_unread_ = 0;
  std::chrono::steady_clock::time_point last_sample_{};
};

// Reads committed_at_us from an update frame's text; false for a snapshot.
bool committed_at(std::string_view frame, std::int64_t& us);

}  // namespace qiandao::bench
