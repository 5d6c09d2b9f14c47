#pragma once
// Many board WebSocket connections on one or more client threads (an io_context each).
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
#include <string_view>
#include <string>
#include <unordered_map>
#include <vector>

#include "harness.hpp"

namespace qiandao::bench {

// What one frame says, read by a small scanner of the top-level keys (any order): its type,
// committed_at_us (updates), how many entries its "recent" holds and totals.checked_in.
struct frame_info {
  bool snapshot = false, update = false;
  bool has_committed = false;
  std::int64_t committed_us = 0;
  long recent = -1;      // -1: no "recent" array
  long checkins = -1;    // -1: no "checkins" count (then recent is every check-in of the frame)
  long checked_in = -1;  // -1: no totals.checked_in
};
bool parse_frame(std::string_view text, frame_info& out);

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
  // Accounting since mark(), per board: check-ins counted (the sum of "recent" lengths of its
  // updates; after a snapshot, re-based on totals.checked_in) against those made.
  long boards = 0;
  long long delivered = 0;  // sum over boards of min(counted, made)
  long short_boards = 0;    // counted fewer than were made
  long over_boards = 0;     // counted more (another writer, or a frame counted twice)
  long totals_disagree = 0; // boards whose last totals.checked_in differs from their count
  long bad_frames = 0;      // frames the scanner could not read to the end
  long long bytes = 0;      // every frame's payload bytes
  long all_frames = 0;      // every frame (updates and snapshots)
  double single_frame_bytes = 0;  // mean size of updates that carry exactly one check-in
  long single_frames = 0;
};

class board_conn;

// One board's view of totals.checked_in while recording (bench/scale_boards): the receive
// time (Unix µs) of every frame that raised it, and the place it watches.
struct board_trace {
  std::size_t port_index = 0;
  long last_total = -1;
  std::vector<std::pair<std::int64_t, long>> raised;  // (received, totals.checked_in)
};

class board_set {
 public:
  board_set(int port, int threads);
  // Boards dealt out over several places in turn (board i watches ports[i % n]).
  board_set(std::vector<int> ports, int threads);
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
  // Starts a run: forgets what was recorded, and takes every board's count as its baseline.
  // Call between runs (no client thread running).
  void mark();
  // Merges what every connection saw since mark(); MADE is how many check-ins (or fired
  // frames) the run made, each board should have counted exactly that many. Between runs.
  [[nodiscard]] board_stats collect(long made) const;
  // True when every board has counted at least MADE since mark() (any thread; cheap enough
  // to call every 50 ms).
  [[nodiscard]] bool all_counted(long made) const;
  // Runs until all_counted(made) or LIMIT; returns the time it took.
  std::chrono::milliseconds drain(long made, std::chrono::milliseconds limit);
  // Closes every socket (no close handshake: the server sees a reset or EOF).
  void close_all();

  // The lowest and highest totals.checked_in the boards show now (any thread).
  [[nodiscard]] std::pair<long, long> total_range() const;
  // Runs until every board shows totals.checked_in ≥ TOTAL or LIMIT; the time it took.
  std::chrono::milliseconds drain_to_total(long total, std::chrono::milliseconds limit);
  // What every board saw of totals.checked_in since mark() (between runs).
  [[nodiscard]] std::vector<board_trace> traces() const;
  [[nodiscard]] std::size_t places() const { return ports_.size(); }

  [[nodiscard]] long failed() const { return failed_; }
  [[nodiscard]] std::string first_error() const;
  // While recording: the most bytes the kernel held unread for this client, summed over all
  // sockets, sampled every 250 ms. Large means the client, not the server, is behind.
  [[nodiscard]] long long max_unread() const { return max_unread_; }
  [[nodiscard]] long ready() const { return ready_; }

  // CPU and run-queue wait of the client threads, summed over every run so far.
  [[nodiscard]] thread_time client_time() const { return {client_cpu_ns_.load(), client_wait_ns_.load()}; }

  // For board_conn, from any client thread.
  void on_ready();
  void on_failed(std::string const& what);

 private:
  void start_more();  // with mutex_ held
  // run_until, asking `done` only every EVERY; returns the time it took.
  std::chrono::milliseconds run_until_every(std::chrono::milliseconds every, std::function<bool()> const& done,
                                            std::chrono::milliseconds limit);
  void sample_unread();

  // One io_context per client thread, the boards dealt out in turn: no scheduler shared
  // between threads (cheaper per frame than one io_context run by several threads).
  std::vector<std::unique_ptr<boost::asio::io_context>> iocs_;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards_;
  std::size_t next_ioc_ = 0;  // with mutex_ held
  std::vector<int> ports_;
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


}  // namespace qiandao::bench
