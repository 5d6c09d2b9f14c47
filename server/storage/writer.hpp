#pragma once
// The one writer of an instance. Requests that change data queue here; the writer thread
// commits whatever has queued in one transaction, each job in its own savepoint so one
// failure does not sink the others, and completes each job only once its COMMIT is durable.
// On SQLite (WAL) the durable part is split off: the writer hands each committed batch to a
// flush thread and goes on to the next batch while the disk syncs; the flush thread runs
// one fsync of the WAL for every batch that has queued meanwhile, then tells the board and
// answers the jobs, in commit order. On PostgreSQL COMMIT is durable when it returns.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "domain/model.hpp"
#include "domain/database.hpp"
#include "metrics.hpp"

namespace qiandao::storage {

class sql_store;
class device_cache;

class writer {
 public:
  using job = domain::write_job;
  using board_listener = domain::database::board_listener;

  struct limits {
    std::size_t max_batch = 512;   // jobs per transaction (PostgreSQL: at most 64 savepoints)
    std::size_t max_queue = 8192;  // jobs waiting; past it a job is refused at once (503)
  };

  // Opens the target's engine (throws when it cannot, so start-up fails plainly).
  writer(std::string target, metrics& m, limits l);
  ~writer();
  writer(writer const&) = delete;
  writer& operator=(writer const&) = delete;

  void on_board_change(board_listener l) { listener_ = std::move(l); }
  // Instead of deltas: which events each COMMIT changed, read nothing back (several
  // instances: the board re-reads them, the doorbell tells the others).
  void on_board_ring(domain::database::ring_listener l) { ring_ = std::move(l); }
  // Cleared after each COMMIT that revoked a device (SQLite; see device_cache.hpp).
  void use_device_cache(device_cache* cache);
  // Thread-safe. A job refused (queue full, stopping) completes at once with false.
  void submit(std::unique_ptr<job> j);
  void stop();  // commits what is queued, then joins

 private:
  void loop();
  void run_batch(std::deque<std::unique_ptr<job>>& batch);
  bool try_batch(std::deque<std::unique_ptr<job>>& batch);
  bool ensure_open();
  // What a COMMIT changed on the board, read on the writer's connection right after it and
  // told once the commit is durable.
  struct publication {
    std::optional<domain::board_delta> delta;
    std::optional<domain::board_ring> ring;
  };
  struct committed_batch {
    std::deque<std::unique_ptr<job>> jobs;
    publication pub;
  };
  publication collect();
  void finish(committed_batch& b, bool durable);
  void flush_loop();
  void drain_flushes();  // waits until every handed-over batch is answered

  std::string target_;
  std::unique_ptr<sql_store> store_;
  metrics& metrics_;
  limits limits_;
  board_listener listener_;
  domain::database::ring_listener ring_;
  device_cache* devices_ = nullptr;
  std::chrono::milliseconds backoff_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<job>> queue_;
  bool stopping_ = false;
  std::thread thread_;

  // The flush thread (SQLite in WAL mode): started with the first split commit.
  bool split_ = false;           // this connection's COMMIT leaves the fsync to us
  std::function<bool()> flush_;  // the connection's WAL fsync, from its first COMMIT on
  std::mutex flush_mutex_;
  std::condition_variable flush_wake_, flush_idle_;
  std::deque<committed_batch> flush_queue_;
  bool flushing_ = false, flush_stopping_ = false;
  std::thread flush_thread_;
};

}  // namespace qiandao::storage
