#pragma once
// The live board's state and its subscribers. Everything here runs on one strand: no locks.
// Each update is serialised once and the same immutable string is queued by every session.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_set>

#include "domain/model.hpp"
#include "metrics.hpp"

namespace qiandao::transport {

namespace net = boost::asio;
class board_subscriber;

// A frame's body without its seq, which each session puts in front:
//   {"seq":N,  +  "type":"update",...}
struct board_frame {
  std::shared_ptr<std::string const> body;
  std::uint64_t version = 0;  // the hub's state version the frame brings a client to
  bool snapshot = false;
};

class board_hub : public std::enable_shared_from_this<board_hub> {
 public:
  board_hub(net::any_io_executor ex, domain::board_state initial, metrics& m,
            std::chrono::milliseconds min_interval = std::chrono::milliseconds(100));

  // All thread-safe: each posts to the hub's strand.
  void apply(domain::board_delta d);
  void join(std::shared_ptr<board_subscriber> s);
  void leave(board_subscriber* s);
  void send_snapshot(std::shared_ptr<board_subscriber> s);
  void shutdown();
  // Boards connected now (any thread): shutdown waits for them to take their close frame.
  [[nodiscard]] std::size_t connections() const { return live_.load(); }

  static constexpr std::size_t recent_kept = 20;

 private:
  void do_apply(domain::board_delta d);
  void schedule_flush();
  void flush();
  board_frame snapshot();
  std::string totals_json() const;
  void count_minute(domain::board_checkin const& c, std::int64_t by);

  net::strand<net::any_io_executor> strand_;
  net::steady_timer timer_;
  std::chrono::milliseconds min_interval_;  // 100 ms: at most 10 frames a second
  metrics& metrics_;
  domain::programme prog_;
  std::map<domain::id_t, domain::board_event> events_;
  std::deque<domain::board_checkin> recent_;
  std::set<domain::id_t> pending_events_;
  std::vector<domain::board_checkin> pending_recent_;
  bool pending_programme_ = false;
  std::int64_t pending_since_us_ = 0;  // the oldest commit the next update carries
  bool timer_armed_ = false;
  std::chrono::steady_clock::time_point last_flush_{};
  std::uint64_t version_ = 0;
  std::shared_ptr<std::string const> snapshot_cache_;
  // The per-minute chart: event → minute ("YYYY-MM-DDTHH:MM:00+08:00") → live check-ins,
  // kept from each delta; trimmed to the chart's window when a snapshot is built.
  std::map<domain::id_t, std::map<std::string, std::int64_t>> minutes_;
  std::vector<domain::board_checkin> pending_undone_;
  std::string snapshot_from_;  // the window's first minute when the cached snapshot was built
  std::unordered_set<std::shared_ptr<board_subscriber>> sessions_;
  bool stopped_ = false;
  std::atomic<std::size_t> live_{0};
};

}  // namespace qiandao::transport
