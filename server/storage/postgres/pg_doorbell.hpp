#pragma once
// Several instances on one PostgreSQL database: each rings the others after its commits and
// hears them ring. Never a NOTIFY inside a request's transaction (pg_notify takes a
// cluster-wide lock at commit and holds it through the WAL flush); instead a notifier of
// its own, on a connection of its own, rings after the writer's commits: at once when it
// has been quiet, then at most once per `min_gap`, naming the events changed meanwhile
// ("*" past the payload limit). One LISTEN connection per instance, straight to the
// database (never through a transaction-pooling proxy): every NOTIFY wakes every listener.
//
// Payload: "<instance> <id>,<id>,…" or "<instance> *". An instance ignores its own rings
// (it learnt of its commits first-hand). The listener reconnects with backoff; on every
// (re)connection it asks for a resync (it may have missed anything meanwhile), and once a
// second it asks for a full re-read regardless, as a safety net.
//
// Blocking libpq calls on two threads of their own: no I/O thread ever waits on them.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "domain/database.hpp"
#include "metrics.hpp"

namespace qiandao::storage::postgres {

class pg_doorbell {
 public:
  static constexpr char const* channel = "qiandao_board";
  static constexpr std::chrono::milliseconds min_gap{50};
  static constexpr std::chrono::seconds safety_every{1};
  static constexpr std::size_t max_payload = 7900;  // PostgreSQL refuses 8,000 bytes or more

  pg_doorbell(std::string target, metrics& m);
  ~pg_doorbell();
  pg_doorbell(pg_doorbell const&) = delete;
  pg_doorbell& operator=(pg_doorbell const&) = delete;

  // Starts both threads; `heard` is called on the listener's thread.
  void start(domain::database::ring_listener heard);
  // After a COMMIT (any thread; never waits on the database).
  void ring(std::set<domain::id_t> const& events, bool all);
  [[nodiscard]] bool listening() const { return listening_.load(); }
  void stop();

  // "<instance> 1,2,3" / "<instance> *" (exposed for the unit test).
  static std::string payload(std::string const& instance, std::set<domain::id_t> const& events, bool all);
  // What a payload names; false when it is not ours or is malformed.
  static bool parse(std::string_view payload, std::string& instance, domain::board_ring& out);

 private:
  void notify_loop();
  void listen_loop();
  bool sleep_for(std::chrono::milliseconds d);  // false when stopping

  std::string target_;
  metrics& metrics_;
  std::string instance_;
  domain::database::ring_listener heard_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::set<domain::id_t> pending_;
  bool pending_all_ = false;
  bool has_pending_ = false;
  bool stopping_ = false;
  std::atomic<bool> listening_{false};
  int stop_fd_ = -1;  // an eventfd that wakes the listener's poll() to stop
  std::thread notifier_, listener_;
};

}  // namespace qiandao::storage::postgres
