#pragma once
// How the layers above reach storage: one writer that commits queued rules in batches, and
// stores lent for reads. storage/ implements it for each engine; main wires one in.
#include <cstdint>
#include <functional>
#include <memory>
#include <set>

#include "domain/model.hpp"
#include "domain/store.hpp"

namespace qiandao::domain {

// A unit of work for the writer.
class write_job {
 public:
  virtual ~write_job() = default;
  // Runs on the writer thread inside the batch's transaction and its own savepoint; returns
  // whether to keep its writes. May run again when the batch is retried (a deadlock between
  // instances), so it keeps nothing from an earlier run.
  virtual bool run(store& s) = 0;
  // On the writer's thread or its flush thread (SQLite): committed and durable, or not
  // acknowledged (the batch failed and nothing of it was written, or its fsync failed).
  virtual void complete(bool committed) = 0;
};

// Several instances on one database: which events changed, this instance's after each
// COMMIT and the others' when their doorbell rings. The board re-reads them from the store.
struct board_ring {
  std::set<id_t> events;
  bool all = false;     // re-read everything (the programme changed, a long list, the safety net)
  bool resync = false;  // the doorbell was deaf for a while (it just (re)connected): rebuild
                        // and give every board a fresh snapshot
  std::int64_t at_us = 0;  // Unix µs when the oldest change rung was committed (or heard)
  std::uint64_t joins = 0;  // boards that joined up to this number wait for this re-read
};

class database {
 public:
  using board_listener = std::function<void(board_delta)>;
  using ring_listener = std::function<void(board_ring)>;
  // A store lent for reads; given back when the lease goes.
  using lease = std::unique_ptr<store, std::function<void(store*)>>;

  virtual ~database() = default;
  // Thread-safe. A job refused (queue full, stopping, database unreachable) completes with
  // false at once.
  virtual void submit(std::unique_ptr<write_job> j) = 0;
  virtual lease read() = 0;
  // Called on the writer's thread or its flush thread after each COMMIT that changed what
  // the board shows, once the COMMIT is durable (or its fsync failed), before
  // any job of that batch completes.
  virtual void on_board_change(board_listener l) = 0;
  // True when other instances may write the same database (PostgreSQL): then the board
  // follows on_board_ring, and on_board_change is never called.
  [[nodiscard]] virtual bool shared() const = 0;
  // Called on any thread; see board_ring. Only when shared().
  virtual void on_board_ring(ring_listener l) = 0;
  // Whether this instance hears the others now (shared() only; else true).
  [[nodiscard]] virtual bool hears_peers() const = 0;
  // Commits what is queued, then stops the writer.
  virtual void stop() = 0;
  // True when a read may wait on a server across a network (PostgreSQL): callers then run
  // reads off their I/O threads.
  [[nodiscard]] virtual bool reads_block() const = 0;
};

}  // namespace qiandao::domain
