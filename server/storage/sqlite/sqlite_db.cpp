#include "storage/sqlite/sqlite_db.hpp"

#include <malloc.h>
#include <pthread.h>
#include <sqlite3.h>

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

namespace qiandao::storage::sqlite {

namespace {

db_error::kind kind_of(int rc) {
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT: return db_error::kind::constraint;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return db_error::kind::retry;
    default: return db_error::kind::other;
  }
}

[[noreturn]] void throw_code(int rc, std::string const& msg) {
  throw db_error(kind_of(rc), std::to_string(rc), msg);
}

[[noreturn]] void throw_db(sqlite3* db, int rc, std::string_view context) {
  std::string msg(context);
  msg += ": ";
  msg += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw_code(rc, msg);
}

class sqlite_statement final : public statement {
 public:
  sqlite_statement(sqlite3* db, std::string_view sql) : db_(db) {
    int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
    if (rc != SQLITE_OK) throw_db(db, rc, "prepare");
  }
  ~sqlite_statement() override { sqlite3_finalize(stmt_); }

  bool step() override {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) {
      changed_ = sqlite3_changes64(db_);
      reset();
      return false;
    }
    // Keep the error text before reset() clears it.
    std::string msg = sqlite3_errmsg(db_);
    int ext = sqlite3_extended_errcode(db_);
    reset();
    throw_code(ext ? ext : rc, "step: " + msg);
  }

  void reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  std::int64_t changed() const override { return changed_; }

  std::int64_t get_int(int column) const override { return sqlite3_column_int64(stmt_, column); }

  std::string get_text(int column) const override {
    auto p = sqlite3_column_text(stmt_, column);
    int n = sqlite3_column_bytes(stmt_, column);
    return p ? std::string(reinterpret_cast<char const*>(p), static_cast<std::size_t>(n)) : std::string();
  }

  bool is_null(int column) const override { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

 protected:
  void bind_int(int index, std::int64_t value) override {
    if (int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK) throw_db(db_, rc, "bind");
  }
  void bind_text(int index, std::string_view value) override {
    int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK) throw_db(db_, rc, "bind");
  }
  void bind_null(int index) override {
    if (int rc = sqlite3_bind_null(stmt_, index); rc != SQLITE_OK) throw_db(db_, rc, "bind");
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::int64_t changed_ = 0;
};

// Before SQLite initialises: its memory statistics take a global mutex on every
// allocation, which we never read.
void configure_sqlite_once() {
  static bool const done = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    // Each job's savepoint gives SQLite a statement journal whose 64 KiB chunk is freed at
    // RELEASE; glibc then trims the writer's arena (madvise, a TLB shoot-down on every CPU)
    // and the next job faults the pages back in: ~40% of the writer's time in a profile.
    // Keep freed memory in the arenas instead.
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    return true;
  }();
  (void)done;
}

}  // namespace

// WAL checkpoints off the writer's critical path. The writer's connection has no automatic
// checkpoint; its WAL hook (after each COMMIT) wakes this thread, which runs a PASSIVE
// checkpoint on a connection of its own: the copy into the database file and its fsyncs
// no longer sit between a batch's COMMIT and the next. A PASSIVE checkpoint that runs while
// the writer commits again leaves the newest frames behind, so the WAL would not restart;
// past `hard_limit` frames the writer checkpoints itself after its COMMIT (only those few
// frames are left to copy), which bounds the WAL.
class checkpointer {
 public:
  static constexpr int soft_limit = 1000;  // SQLite's own autocheckpoint default
  static constexpr int hard_limit = 4000;

  explicit checkpointer(std::string path) : path_(std::move(path)) {}
  ~checkpointer() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
  }

  // SQLite's WAL hook, on the writer's thread, after a COMMIT.
  static int on_commit(void* self, sqlite3* db, char const* schema, int frames) {
    auto* c = static_cast<checkpointer*>(self);
    if (frames >= hard_limit) sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    else if (frames >= soft_limit) c->request();
    return SQLITE_OK;
  }

 private:
  void request() {
    {
      std::lock_guard lock(mutex_);
      if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
      wanted_ = true;
    }
    wake_.notify_one();
  }

  void loop() {
    pthread_setname_np(pthread_self(), "qiandao-ckpt");  // bench/harness counts it apart
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
      std::fprintf(stderr, "qiandao: checkpointer cannot open %s: %s\n", path_.c_str(), sqlite3_errmsg(db));
      sqlite3_close(db);
      return;  // the writer's hard limit still checkpoints
    }
    sqlite3_exec(db, "PRAGMA synchronous = FULL", nullptr, nullptr, nullptr);
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return stopping_ || wanted_; });
      if (stopping_) break;
      wanted_ = false;
      lock.unlock();
      int rc = sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
      if (rc != SQLITE_OK && rc != SQLITE_BUSY)
        std::fprintf(stderr, "qiandao: checkpoint failed: %s\n", sqlite3_errmsg(db));
      lock.lock();
    }
    lock.unlock();
    sqlite3_close(db);
  }

  std::string path_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool wanted_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

sqlite_connection::sqlite_connection(std::string const& path, mode m) {
  configure_sqlite_once();
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE |
              (m == mode::read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw_code(rc, "open " + path + ": " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  // Readers and the writer meet on WAL; a short wait covers a checkpoint in progress.
  sqlite3_busy_timeout(db_, 5000);
  exec("PRAGMA foreign_keys = ON");
  // Pages are read through a shared mapping of the file rather than a read() each (pages
  // still in the WAL are read from it). Writes still go to the WAL.
  exec("PRAGMA mmap_size = 1073741824");
  if (m == mode::read_write) {
    // Each job runs in a savepoint whose journal of original pages would otherwise spill to
    // a temporary file past 64 KiB (a create, writes and an unlink on the writer's path).
    exec("PRAGMA temp_store = MEMORY");
    exec("PRAGMA journal_mode = WAL");
    exec("PRAGMA synchronous = FULL");
    checkpointer_ = std::make_unique<checkpointer>(path);
    sqlite3_wal_hook(db_, &checkpointer::on_commit, checkpointer_.get());  // replaces autocheckpoint
  }
}

sqlite_connection::~sqlite_connection() {
  checkpointer_.reset();  // joins its thread before the handle closes
  cache_.clear();         // statements must be finalised before the handle closes
  sqlite3_close(db_);
}

void sqlite_connection::exec(std::string_view sql) {
  // Transaction control (SAVEPOINT, RELEASE, BEGIN, COMMIT: several per job) runs as a
  // cached statement rather than being parsed again each time; scripts go to sqlite3_exec.
  if (sql.size() < 64 && sql.find(';') == std::string_view::npos) {
    prepare(sql).run();
    return;
  }
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw_code(sqlite3_extended_errcode(db_), "exec: " + msg);
  }
}

statement& sqlite_connection::prepare(std::string_view sql) {
  return cache_.get(sql, [&] { return std::make_unique<sqlite_statement>(db_, sql); });
}

void sqlite_connection::reset_all() {
  for (sqlite3_stmt* s = sqlite3_next_stmt(db_, nullptr); s; s = sqlite3_next_stmt(db_, s)) sqlite3_reset(s);
}

bool sqlite_connection::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

std::optional<std::int64_t> sqlite_connection::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

// In WAL mode with synchronous=NORMAL a COMMIT appends its frames to the WAL without an
// fsync; one fsync of the WAL (what synchronous=FULL does inside each COMMIT) then makes
// every commit before it durable. The WAL's file is the one SQLite itself syncs, reached
// through SQLITE_FCNTL_JOURNAL_POINTER; it stays open as long as this connection does. Its
// xSync reads only the descriptor and flags that are set when the file is opened, so it
// may run on another thread while this connection writes on; the first flush of a new WAL
// also syncs its directory, which is why the writer runs that one on its own thread.
bool sqlite_connection::split_flush() {
  if (split_) return true;
  auto& journal = prepare("PRAGMA journal_mode");
  bool wal = journal.step() && journal.get_text(0) == "wal";
  journal.reset();
  if (!wal) return false;  // a rollback journal: COMMIT syncs, as before
  exec("PRAGMA synchronous = NORMAL");
  split_ = true;
  return true;
}

std::function<bool()> sqlite_connection::flush_after_commit() {
  if (!split_) return {};
  sqlite3_file* wal = nullptr;
  if (sqlite3_file_control(db_, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal) != SQLITE_OK || !wal ||
      !wal->pMethods)
    return [] { return false; };  // no WAL open after a COMMIT: never acknowledge unflushed
  return [wal] { return wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL) == SQLITE_OK; };
}

int sqlite_connection::schema_version() {
  auto& s = prepare("PRAGMA user_version");
  int v = 0;
  if (s.step()) v = static_cast<int>(s.get_int(0));
  s.reset();
  return v;
}

void sqlite_connection::set_schema_version(int v) { exec("PRAGMA user_version = " + std::to_string(v)); }

void backup(std::string const& from_path, std::string const& to_path) {
  sqlite3* from = nullptr;
  sqlite3* to = nullptr;
  auto close_both = [&] {
    sqlite3_close(from);
    sqlite3_close(to);
  };
  if (int rc = sqlite3_open_v2(from_path.c_str(), &from, SQLITE_OPEN_READONLY, nullptr); rc != SQLITE_OK) {
    std::string msg = "backup: open " + from_path + ": " + sqlite3_errstr(rc);
    close_both();
    throw_code(rc, msg);
  }
  if (int rc = sqlite3_open_v2(to_path.c_str(), &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
      rc != SQLITE_OK) {
    std::string msg = "backup: open " + to_path + ": " + sqlite3_errstr(rc);
    close_both();
    throw_code(rc, msg);
  }
  sqlite3_backup* b = sqlite3_backup_init(to, "main", from, "main");
  if (!b) {
    std::string msg = std::string("backup: ") + sqlite3_errmsg(to);
    int rc = sqlite3_errcode(to);
    close_both();
    throw_code(rc, msg);
  }
  int rc;
  // Copy in steps so a busy writer is not locked out for the whole copy.
  do {
    rc = sqlite3_backup_step(b, 256);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(10);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(b);
  close_both();
  if (rc != SQLITE_DONE) throw_code(rc, std::string("backup: ") + sqlite3_errstr(rc));
}

}  // namespace qiandao::storage::sqlite
