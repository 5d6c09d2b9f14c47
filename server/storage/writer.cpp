#include "storage/writer.hpp"

#include <pthread.h>

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
  split_ = store_->db().split_flush();  // SQLite in WAL mode: synchronous=NORMAL, we fsync
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
  {
    std::lock_guard lock(flush_mutex_);  // the writer has handed over its last batch
    flush_stopping_ = true;
  }
  flush_wake_.notify_one();
  if (flush_thread_.joinable()) flush_thread_.join();
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
  drain_flushes();  // a flush in flight uses the old connection's WAL
  {
    std::lock_guard lock(flush_mutex_);
    flush_ = nullptr;
  }
  split_ = false;
  store_.reset();
  if (backoff_.count() > 0) std::this_thread::sleep_for(backoff_);
  try {
    store_ = std::make_unique<sql_store>(target_);
    store_->use_device_cache(devices_);
    split_ = store_->db().split_flush();
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
  if (!committed) {
    for (auto& j : batch) j->complete(false);
    return;
  }
  metrics_.batch(batch.size());
  committed_batch done{std::move(batch), collect()};
  batch.clear();
  if (!split_) return finish(done, true);  // COMMIT was durable
  // Only this thread sets flush_, so it may read it without the lock.
  bool first = !flush_;
  if (first) {
    auto flush = store_->db().flush_after_commit();  // the connection's WAL, open after a COMMIT
    std::lock_guard lock(flush_mutex_);
    flush_ = std::move(flush);
  }
  if (first || limits_.max_batch == 1) {
    // A new WAL's first fsync also syncs its directory and clears a flag SQLite keeps on
    // the file; run it here so the flush thread's fsyncs only ever read that state. With
    // --max-batch 1 (the baseline without group commit) every fsync runs here, one per
    // request, as synchronous=FULL would.
    bool ok = flush_ && flush_();
    if (ok) metrics_.wal_flush();
    return finish(done, ok);
  }
  {
    std::lock_guard lock(flush_mutex_);
    flush_queue_.push_back(std::move(done));
    if (!flush_thread_.joinable()) flush_thread_ = std::thread([this] { flush_loop(); });
  }
  flush_wake_.notify_one();
}

void writer::finish(committed_batch& b, bool durable) {
  if (!durable) {
    // Committed but not known to be on disk: the answer is "not saved" (503) and the
    // client retries; the board still follows what readers now see.
    metrics_.storage_failure();
    std::fprintf(stderr, "qiandao: fsync of the WAL failed; batch of %zu answered as not committed\n",
                 b.jobs.size());
  }
  if (b.pub.ring && ring_) ring_(std::move(*b.pub.ring));
  if (b.pub.delta && listener_) listener_(std::move(*b.pub.delta));
  for (auto& j : b.jobs) j->complete(durable);
}

void writer::flush_loop() {
  pthread_setname_np(pthread_self(), "qiandao-flush");  // bench/harness counts it apart
  std::unique_lock lock(flush_mutex_);
  for (;;) {
    flush_wake_.wait(lock, [&] { return flush_stopping_ || !flush_queue_.empty(); });
    if (flush_queue_.empty()) return;  // stopping, and every batch has been answered
    auto work = std::move(flush_queue_);
    flush_queue_.clear();
    auto flush = flush_;
    flushing_ = true;
    lock.unlock();
    // One fsync covers every batch committed before it started: they all queued first.
    bool ok = flush && flush();
    if (ok) metrics_.wal_flush();
    for (auto& b : work) finish(b, ok);
    lock.lock();
    flushing_ = false;
    flush_idle_.notify_all();
  }
}

void writer::drain_flushes() {
  std::unique_lock lock(flush_mutex_);
  flush_idle_.wait(lock, [&] { return flush_queue_.empty() && !flushing_; });
}

writer::publication writer::collect() {
  publication out;
  auto changes = store_->take_changes();
  if (changes.empty()) return out;
  if (ring_) {
    domain::board_ring r{std::move(changes.events), changes.programme, false,
                         std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count()};
    for (auto const& c : changes.recent) r.events.insert(c.event_id);
    for (auto const& c : changes.undone) r.events.insert(c.event_id);
    out.ring = std::move(r);
    return out;
  }
  if (!listener_) return out;
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
  out.delta = std::move(d);
  return out;
}

}  // namespace qiandao::storage
