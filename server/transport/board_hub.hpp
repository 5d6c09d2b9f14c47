#pragma once
// The live board's state and its subscribers. The hub runs on the board executor: one
// thread of its own (server.cpp), apart from the I/O threads that serve kiosks and staff,
// so a fan-out to thousands of boards never sits in front of a check-in. Everything here
// runs on that one thread: no locks. Each update is serialised once and the same immutable
// string is queued by every session.
//
// Frames are coalesced by load, not by a clock: a change goes out at once when the hub is
// idle; while a fan-out is being handed out (and the writes it started are completing),
// whatever commits meanwhile waits and rides the next frame. Under load frames grow and
// their rate falls (an update lists at most the last 20 check-ins, with a count of all and
// per-minute counts, so its size stays bounded). When the process is busy with requests
// (`busy()`: kiosks and staff waiting on the server), a dear fan-out (≥ 2 ms: hundreds of
// boards) is followed by a rest nine times its cost, so the boards take a tenth of a core
// and the doors keep their pace.
// `min_interval` is an optional floor between frames (--board-interval-ms, default 0: none).
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_set>

#include "domain/board.hpp"
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
  std::chrono::steady_clock::time_point made_at{};  // when the hub built it: a backlog's age
};

class board_hub : public std::enable_shared_from_this<board_hub> {
 public:
  using clock = std::chrono::steady_clock;
  using executor_type = net::io_context::executor_type;
  // `ex` must be run by exactly one thread: the hub and the plain-TCP board sessions share it.
  board_hub(executor_type ex, domain::board_state initial, metrics& m,
            std::chrono::milliseconds min_interval = std::chrono::milliseconds(0),
            std::function<bool()> busy = {});

  // All thread-safe: each posts to the hub's executor.
  void start();  // the once-a-second sweep of write deadlines and backlog ages
  void apply(domain::board_delta d);
  // Several instances (board_feed.hpp): what a re-read found for some events, or for all of
  // them. The hub diffs it against what its boards were sent and sends the difference;
  // `resync` rebuilds from it and sends every board a fresh snapshot. `at_us`: when the
  // oldest change behind it was committed (or heard), for committed_at_us.
  void reconcile(domain::board_reread r, bool resync, std::int64_t at_us, std::uint64_t joins);
  // Several instances: a board that joins waits for a full re-read that began after it came
  // (its first snapshot then holds every check-in answered before it connected); `ask`
  // requests one, for the boards that joined up to its argument. Set before start().
  void reread_on_join(std::function<void(std::uint64_t)> ask) { ask_reread_ = std::move(ask); }
  void join(std::shared_ptr<board_subscriber> s);
  void leave(board_subscriber* s);
  // A fresh snapshot for a board whose backlog was dropped (it fell behind); counted in
  // /metrics as qiandao_board_backlog_drops_total.
  void send_snapshot(std::shared_ptr<board_subscriber> s);
  void shutdown();
  // Boards connected now (any thread): shutdown waits for them to take their close frame.
  [[nodiscard]] std::size_t connections() const { return live_.load(); }
  [[nodiscard]] executor_type const& executor() const { return ex_; }

  static constexpr std::size_t recent_kept = 20;
  // A fan-out cheaper than this goes again at once; a dearer one is followed by a rest.
  static constexpr clock::duration rest_threshold = std::chrono::milliseconds(2);
  static constexpr clock::duration sweep_every = std::chrono::seconds(1);
  static constexpr int busy_rest_factor = 9;

 private:
  void do_apply(domain::board_delta d);
  void do_reconcile(domain::board_reread r, bool resync, std::int64_t at_us, std::uint64_t joins);
  void admit_joiners(std::uint64_t up_to);
  void rebuild(domain::board_reread r);
  void reconcile_minutes(domain::id_t event_id, std::vector<domain::board_minute> const& now,
                         std::vector<domain::board_checkin> const& gone);
  void maybe_flush();
  void flush();
  void sweep();
  board_frame snapshot();
  void count_minute(domain::board_checkin const& c, std::int64_t by);

  executor_type ex_;
  net::steady_timer rest_timer_;
  net::steady_timer sweep_timer_;
  std::chrono::milliseconds min_interval_;
  std::function<bool()> busy_;
  metrics& metrics_;
  domain::programme prog_;
  std::map<domain::id_t, domain::board_event> events_;
  std::deque<domain::board_checkin> recent_;
  std::set<domain::id_t> pending_events_;
  std::vector<domain::board_checkin> pending_recent_;
  bool pending_programme_ = false;
  std::int64_t pending_since_us_ = 0;  // the oldest commit the next update carries
  bool fanning_out_ = false;  // a fan-out's writes are still being handed out or completing
  bool resting_ = false;      // after a dear fan-out, or before the floor interval is up
  clock::time_point last_flush_{};
  std::uint64_t version_ = 0;
  std::shared_ptr<std::string const> snapshot_cache_;
  // The per-minute chart: event → minute ("YYYY-MM-DDTHH:MM:00+08:00") → live check-ins,
  // kept from each delta; trimmed to the chart's window when a snapshot is built.
  std::map<domain::id_t, std::map<std::string, std::int64_t>> minutes_;
  std::vector<domain::board_checkin> pending_undone_;
  // Several instances: updates come from re-reads (reconcile), never from deltas. Per
  // event, the check-ins last read as its latest (id → at), to tell new ones and undone
  // ones apart; the chart's additions since the last frame, and how many check-ins they are.
  bool rereading_ = false;
  std::map<domain::id_t, std::map<domain::id_t, std::string>> seen_;
  std::map<std::pair<domain::id_t, std::string>, std::int64_t> pending_minutes_;
  std::int64_t pending_checkins_ = 0;
  std::function<void(std::uint64_t)> ask_reread_;
  // Boards waiting for a full re-read that began after they came, numbered in join order.
  std::vector<std::pair<std::uint64_t, std::shared_ptr<board_subscriber>>> joining_;
  std::uint64_t joins_ = 0;
  std::string snapshot_from_;  // the window's first minute when the cached snapshot was built
  std::unordered_set<std::shared_ptr<board_subscriber>> sessions_;
  bool stopped_ = false;
  std::atomic<std::size_t> live_{0};
};

}  // namespace qiandao::transport
