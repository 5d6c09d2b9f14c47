#pragma once
// How the layers above reach storage: one writer that commits queued rules in batches, and
// stores lent for reads. storage/ implements it for each engine; main wires one in.
#include <functional>
#include <memory>

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
  // On the writer thread: committed, or the batch failed and nothing of it was written.
  virtual void complete(bool committed) = 0;
};

class database {
 public:
  using board_listener = std::function<void(board_delta)>;
  // A store lent for reads; given back when the lease goes.
  using lease = std::unique_ptr<store, std::function<void(store*)>>;

  virtual ~database() = default;
  // Thread-safe. A job refused (queue full, stopping, database unreachable) completes with
  // false at once.
  virtual void submit(std::unique_ptr<write_job> j) = 0;
  virtual lease read() = 0;
  // Called on the writer thread after each COMMIT that changed what the board shows, before
  // any job of that batch completes.
  virtual void on_board_change(board_listener l) = 0;
  // Commits what is queued, then stops the writer.
  virtual void stop() = 0;
  // True when a read may wait on a server across a network (PostgreSQL): callers then run
  // reads off their I/O threads.
  [[nodiscard]] virtual bool reads_block() const = 0;
};

}  // namespace qiandao::domain
