#include "storage/writer.hpp"

#include <chrono>
#include <cstdio>
#include <exception>
#include <vector>

#include "domain/board.hpp"
#include "storage/store.hpp"

namespace qiandao::storage {

namespace {
// PostgreSQL caches 64 subtransactions per backend and slows sharply past them.
constexpr std::size_t postgres_max_batch = 64;
constexpr int retries = 3;
}  // namespace

writer::writer(std::string target, metrics& m, limits l)
    : target_(std::move(target)), store_(std::make_unique<sql_store>(target_)), metrics_(m), limits_(l) {
  if (store_->db().kind() == dialect::postgresql && limits_.max_batch > postgres_max_batch)
    limits_.max_batch = postgres_max_batch;
  thread_ = std::thread([this] { loop(); });
}

writer::~writer() { stop(); }

void writer::use_device_cache(device_cache* cache) {
  devices_ = cache;
  store_->use_device_cache(cache);  // a revocation clears it as it runs, too
}

void writer::submit(std::unique_ptr<job> j) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ && queue_.size() < limits_.max_queue) {
      queue_.push_back(std::move(j));
      j = nullptr;
    }
  }
  if (j) {
    j->complete(false);  // full or shutting down: refuse rather than wait or drop silently
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
      if (queue_.empty()) return;  // stopping, and every queued job has been answered
      while (!queue_.empty() && batch.size() < limits_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    run_batch(batch);
  }
}

// A lost server is reopened here, with a growing pause between tries; the jobs that arrive
// meanwhile are refused at once (503) rather than left waiting.
bool writer::ensure_open() {
  if (store_ && store_->db().healthy()) return true;
  store_.reset();
  if (backoff_.count() > 0) std::this_thread::sleep_for(backoff_);
  try {
    store_ = std::make_unique<sql_store>(target_);
    store_->use_device_cache(devices_);
    backoff_ = std::chrono::milliseconds(0);
    std::fprintf(stderr, "qiandao: writer reconnected\n");
    return true;
  } catch (std::exception const& e) {
    backoff_ = std::min(std::chrono::milliseconds(2000), std::max(std::chrono::milliseconds(50), backoff_ * 2));
    std::fprintf(stderr, "qiandao: writer cannot reach the database: %s\n", e.what());
    return false;
  }
}

bool writer::try_batch(std::deque<std::unique_ptr<job>>& batch) {
  auto& db = store_->db();
  transaction tx(db);
  // On for this transaction only, and on SQLite only: there this writer is the only one, so
  // the rows it cached change only through it. Under READ COMMITTED another PostgreSQL
  // instance may change an event between two statements of the batch.
  struct event_cache_scope {
    sql_store& s;
    event_cache_scope(sql_store& st, bool on) : s(st) { s.cache_events(on); }
    ~event_cache_scope() { s.cache_events(false); }
  } cached(*store_, db.kind() == dialect::sqlite);
  for (auto& j : batch) {
    auto mark = store_->changes().recent.size();
    auto undone_mark = store_->changes().undone.size();
    bool kept = false;
    try {
      savepoint sp(db);
      kept = j->run(*store_);
      if (kept) sp.release();
    } catch (db_error const& e) {
      // One job's failure (a constraint) is rolled back to its savepoint; a deadlock or a
      // lost server fails the batch, and so does an error after which SQLite rolled the
      // whole transaction back (a full disk): the rest must not commit piecemeal.
      if (e.why == db_error::kind::retry || e.why == db_error::kind::connection || !db.in_transaction()) throw;
      std::fprintf(stderr, "qiandao: job failed: %s\n", e.what());
    } catch (std::exception const& e) {
      std::fprintf(stderr, "qiandao: job failed: %s\n", e.what());
      if (!db.in_transaction()) throw;
    }
    if (!kept) {
      store_->forget_cached_events();
      store_->changes().recent.resize(mark);
      store_->changes().undone.resize(undone_mark);
    }
  }
  tx.commit();
  return true;
}

void writer::run_batch(std::deque<std::unique_ptr<job>>& batch) {
  bool committed = false;
  for (int attempt = 0; attempt < retries && !committed; ++attempt) {
    if (!ensure_open()) break;
    try {
      committed = try_batch(batch);
    } catch (std::exception const& e) {
      store_->take_changes();
      auto const* db = dynamic_cast<db_error const*>(&e);
      bool again = db && db->why == db_error::kind::retry;
      std::fprintf(stderr, "qiandao: commit failed, batch of %zu %s: %s\n", batch.size(),
                   again ? "retried" : "refused", e.what());
      if (db) metrics_.database_error(db->code);
      if (!again) {
        metrics_.storage_failure();
        break;
      }
    }
  }
  if (store_ && store_->take_revoked() && devices_) devices_->invalidate();  // before any answer
  if (committed) {
    metrics_.batch(batch.size());
    publish();
  }
  for (auto& j : batch) j->complete(committed);
}

void writer::publish() {
  auto changes = store_->take_changes();
  if (changes.empty()) return;
  if (ring_) {
    domain::board_ring r{std::move(changes.events), changes.programme, false,
                         std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count()};
    for (auto const& c : changes.recent) r.events.insert(c.event_id);
    for (auto const& c : changes.undone) r.events.insert(c.event_id);
    return ring_(std::move(r));
  }
  if (!listener_) return;
  domain::board_delta d;
  d.committed_at_us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  try {
    d.events = domain::board_events(*store_, changes.events);
    d.programme_changed = changes.programme;
    if (changes.programme) d.prog = store_->get_programme();
  } catch (std::exception const& e) {
    std::fprintf(stderr, "qiandao: board refresh failed: %s\n", e.what());
  }
  d.recent = std::move(changes.recent);  // masked by the rule that noted them
  d.undone = std::move(changes.undone);
  listener_(std::move(d));
}

}  // namespace qiandao::storage
