#include "storage/writer.hpp"

#include <chrono>
#include <cstdio>
#include <exception>
#include <vector>

namespace qiandao::storage {

writer::writer(std::string const& path, metrics& m, std::size_t max_batch)
    : store_(path), metrics_(m), max_batch_(max_batch), thread_([this] { loop(); }) {}

writer::~writer() { stop(); }

void writer::submit(std::unique_ptr<job> j) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(std::move(j));
      j = nullptr;
    }
  }
  if (j) {
    j->complete(false);  // shutting down: refuse rather than drop silently
    return;
  }
  wake_.notify_one();
}

void writer::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void writer::loop() {
  for (;;) {
    std::deque<std::unique_ptr<job>> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and every queued job has been committed
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    run_batch(batch);
  }
}

void writer::run_batch(std::deque<std::unique_ptr<job>>& batch) {
  std::vector<bool> kept(batch.size(), false);
  bool committed = false;
  try {
    transaction tx(store_.db());
    for (std::size_t i = 0; i < batch.size(); ++i) {
      auto mark = store_.changes_mark();
      try {
        savepoint sp(store_.db());
        kept[i] = batch[i]->run(store_);
        if (kept[i]) sp.release();
      } catch (std::exception const& e) {
        // A job-level failure (constraint) leaves the transaction usable; an I/O error or a
        // full disk does not, and COMMIT below will then fail the whole batch.
        std::fprintf(stderr, "qiandao: job failed: %s\n", e.what());
        kept[i] = false;
        // SQLite rolled the whole transaction back (full disk, I/O error): running the rest
        // in autocommit would acknowledge nothing and commit piecemeal, so fail them all.
        if (!store_.db().in_transaction()) throw;
      }
      if (!kept[i]) store_.pending_changes().recent.resize(mark);
    }
    tx.commit();
    committed = true;
  } catch (std::exception const& e) {
    std::fprintf(stderr, "qiandao: commit failed, batch of %zu refused: %s\n", batch.size(),
                 e.what());
    metrics_.storage_failure();
    store_.take_changes();
  }
  if (committed) {
    metrics_.batch(batch.size());
    publish();
  }
  for (auto& j : batch) j->complete(committed);
}

void writer::publish() {
  auto changes = store_.take_changes();
  if (!listener_ || (changes.events.empty() && changes.recent.empty() && !changes.programme))
    return;
  domain::board_delta d;
  d.committed_at_us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  try {
    d.events = store_.board_events(changes.events);
    d.programme_changed = changes.programme;
    if (changes.programme) d.prog = store_.get_programme();
  } catch (std::exception const& e) {
    std::fprintf(stderr, "qiandao: board refresh failed: %s\n", e.what());
  }
  d.recent = std::move(changes.recent);
  listener_(std::move(d));
}

}  // namespace qiandao::storage
