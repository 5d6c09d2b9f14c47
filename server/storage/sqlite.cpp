#include "storage/sqlite.hpp"

#include <sqlite3.h>

namespace qiandao::storage {

bool db_error::is_constraint() const { return (code & 0xff) == SQLITE_CONSTRAINT; }

namespace {
[[noreturn]] void throw_db(sqlite3* db, int rc, std::string_view context) {
  std::string msg(context);
  msg += ": ";
  msg += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw db_error(rc, msg);
}
}  // namespace

statement::statement(sqlite3* db, std::string_view sql) : db_(db) {
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) throw_db(db, rc, "prepare");
}

statement::~statement() { sqlite3_finalize(stmt_); }

void statement::fail(int rc) const { throw_db(db_, rc, "statement"); }

statement& statement::bind(int index, std::int64_t value) {
  if (int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK) fail(rc);
  return *this;
}

statement& statement::bind(int index, std::string_view value) {
  int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                               SQLITE_UTF8);
  if (rc != SQLITE_OK) fail(rc);
  return *this;
}

statement& statement::bind(int index, std::nullopt_t) {
  if (int rc = sqlite3_bind_null(stmt_, index); rc != SQLITE_OK) fail(rc);
  return *this;
}

bool statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) {
    reset();
    return false;
  }
  // Keep the error text before reset() clears it.
  std::string msg = sqlite3_errmsg(db_);
  int ext = sqlite3_extended_errcode(db_);
  reset();
  throw db_error(ext ? ext : rc, "step: " + msg);
}

void statement::run() {
  while (step()) {
  }
}

void statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t statement::get_int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string statement::get_text(int column) const {
  auto p = sqlite3_column_text(stmt_, column);
  int n = sqlite3_column_bytes(stmt_, column);
  return p ? std::string(reinterpret_cast<char const*>(p), static_cast<std::size_t>(n))
           : std::string();
}

std::optional<std::string> statement::get_optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return get_text(column);
}

std::optional<std::int64_t> statement::get_optional_int(int column) const {
  if (is_null(column)) return std::nullopt;
  return get_int(column);
}

bool statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

namespace {
// Before SQLite initialises: its memory statistics take a global mutex on every
// allocation, which we never read.
void configure_sqlite_once() {
  static bool const done = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)done;
}
}  // namespace

connection::connection(std::string const& path, mode m) {
  configure_sqlite_once();
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE |
              (m == mode::read_only ? SQLITE_OPEN_READONLY
                                    : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw db_error(rc, "open " + path + ": " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  // Readers and the writer meet on WAL; a short wait covers a checkpoint in progress.
  sqlite3_busy_timeout(db_, 5000);
  exec("PRAGMA foreign_keys = ON");
  if (m == mode::read_write) {
    exec("PRAGMA journal_mode = WAL");
    exec("PRAGMA synchronous = FULL");
  }
}

connection::~connection() {
  cache_.clear();  // statements must be finalised before the handle closes
  sqlite3_close(db_);
}

void connection::exec(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw db_error(sqlite3_extended_errcode(db_), "exec: " + msg);
  }
}

statement& connection::prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    it = cache_.emplace(std::string(sql), std::make_unique<statement>(db_, sql)).first;
  }
  return *it->second;
}

std::int64_t connection::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
int connection::changes() const { return sqlite3_changes(db_); }
void connection::reset_all() {
  for (sqlite3_stmt* s = sqlite3_next_stmt(db_, nullptr); s; s = sqlite3_next_stmt(db_, s))
    sqlite3_reset(s);
}

bool connection::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

transaction::transaction(connection& c) : c_(c) { c_.exec("BEGIN IMMEDIATE"); }

transaction::~transaction() {
  if (!done_) {
    try {
      c_.exec("ROLLBACK");
    } catch (db_error const&) {
      // Rollback fails only when SQLite already rolled back on its own (e.g. SQLITE_FULL).
    }
  }
}

void transaction::commit() {
  c_.exec("COMMIT");
  done_ = true;
}

savepoint::savepoint(connection& c) : c_(c) { c_.exec("SAVEPOINT job"); }

savepoint::~savepoint() {
  if (!done_) {
    try {
      c_.exec("ROLLBACK TO job");
      c_.exec("RELEASE job");
    } catch (db_error const&) {
      // The enclosing transaction is gone already; the writer fails the whole batch.
    }
  }
}

void savepoint::release() {
  c_.exec("RELEASE job");
  done_ = true;
}

void backup(std::string const& from_path, std::string const& to_path) {
  connection from(from_path, connection::mode::read_only);
  connection to(to_path, connection::mode::read_write);
  sqlite3_backup* b = sqlite3_backup_init(to.raw(), "main", from.raw(), "main");
  if (!b) throw_db(to.raw(), sqlite3_errcode(to.raw()), "backup");
  int rc;
  // Copy in steps so a busy writer is not locked out for the whole copy.
  do {
    rc = sqlite3_backup_step(b, 256);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(10);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) throw_db(to.raw(), rc, "backup");
}

}  // namespace qiandao::storage
