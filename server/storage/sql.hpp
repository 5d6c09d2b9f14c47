#pragma once
// The SQL each engine runs, behind one small interface: a connection, its prepared
// statements, a transaction and a savepoint. The queries in storage/store_*.cpp are written
// once against it; storage/sqlite/ and storage/postgres/ implement it. Nothing above storage/
// sees this header: the domain talks to domain::store.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include "domain/result.hpp"

namespace qiandao::storage {

enum class dialect { sqlite, postgresql };

// Thrown for failures that are not a rule of the domain: I/O errors, a full disk, a lost
// server, a corrupt file. The writer turns it into a 503 for every request in its batch.
struct db_error : domain::storage_error {
  enum class kind {
    constraint,  // a unique or foreign key refused the row (SQLITE_CONSTRAINT, SQLSTATE 23xxx)
    retry,       // deadlock or serialization failure: run the whole transaction again
    connection,  // the server went away: reconnect, then retry
    other,
  };
  db_error(kind k, std::string c, std::string const& what) : domain::storage_error(what, std::move(c)), why(k) {}
  kind why;
  [[nodiscard]] bool is_constraint() const { return why == kind::constraint; }
};

class statement {
 public:
  virtual ~statement() = default;
  statement() = default;
  statement(statement const&) = delete;
  statement& operator=(statement const&) = delete;

  // Binds are 1-based, matching ?1, ?2 in the SQL.
  statement& bind(int index, std::int64_t value) { bind_int(index, value); return *this; }
  statement& bind(int index, int value) { return bind(index, std::int64_t{value}); }
  statement& bind(int index, bool value) { return bind(index, std::int64_t{value ? 1 : 0}); }
  statement& bind(int index, std::string_view value) { bind_text(index, value); return *this; }
  statement& bind(int index, std::string const& value) { return bind(index, std::string_view(value)); }
  statement& bind(int index, char const* value) { return bind(index, std::string_view(value)); }
  statement& bind(int index, std::nullopt_t) { bind_null(index); return *this; }
  template <class T>
  statement& bind(int index, std::optional<T> const& value) {
    return value ? bind(index, *value) : bind(index, std::nullopt);
  }

  // Advances to the next row; false when done. Resets itself when done.
  [[nodiscard]] virtual bool step() = 0;
  // Runs a statement that returns no rows (or whose rows are ignored); returns how many rows
  // it inserted, updated or deleted. An INSERT … ON CONFLICT DO NOTHING that returns 1 took
  // its row: the same answer as RETURNING without the result set (SQLite builds an ephemeral
  // table for RETURNING on every run).
  std::int64_t run() {
    while (step()) {
    }
    return changed();
  }
  // The rows the last completed run of a write changed (triggers' rows not counted).
  [[nodiscard]] virtual std::int64_t changed() const = 0;
  virtual void reset() = 0;

  [[nodiscard]] virtual std::int64_t get_int(int column) const = 0;
  [[nodiscard]] virtual std::string get_text(int column) const = 0;
  [[nodiscard]] virtual bool is_null(int column) const = 0;
  [[nodiscard]] std::optional<std::string> get_optional_text(int column) const {
    if (is_null(column)) return std::nullopt;
    return get_text(column);
  }
  [[nodiscard]] std::optional<std::int64_t> get_optional_int(int column) const {
    if (is_null(column)) return std::nullopt;
    return get_int(column);
  }

 protected:
  virtual void bind_int(int index, std::int64_t value) = 0;
  virtual void bind_text(int index, std::string_view value) = 0;
  virtual void bind_null(int index) = 0;
};

// A connection's prepared statements by their SQL text, looked up by string_view so the hot
// path allocates nothing.
class statement_cache {
 public:
  template <class Make>
  statement& get(std::string_view sql, Make&& make) {
    auto it = map_.find(sql);
    if (it == map_.end()) it = map_.emplace(std::string(sql), make()).first;
    return *it->second;
  }
  void reset_all() {
    for (auto& [sql, s] : map_) s->reset();
  }
  void clear() { map_.clear(); }

 private:
  struct text_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::unique_ptr<statement>, text_hash, std::equal_to<>> map_;
};

class connection {
 public:
  enum class mode { read_write, read_only };
  virtual ~connection() = default;
  connection() = default;
  connection(connection const&) = delete;
  connection& operator=(connection const&) = delete;

  [[nodiscard]] virtual dialect kind() const = 0;
  virtual void exec(std::string_view sql) = 0;  // DDL and transaction control: no binds
  // Prepared once per connection and reused; the SQL text is the key.
  virtual statement& prepare(std::string_view sql) = 0;
  [[nodiscard]] virtual bool in_transaction() const = 0;
  // Resets every statement so no forgotten one pins an old read snapshot.
  virtual void reset_all() = 0;
  // A write transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: READ COMMITTED).
  virtual void begin_write() = 0;
  // One consistent read snapshot over several statements (a report).
  virtual void begin_snapshot() = 0;
  // The schema version (SQLite: PRAGMA user_version; PostgreSQL: a table of its own).
  virtual int schema_version() = 0;
  virtual void set_schema_version(int v) = 0;
  // Serialises migrations of several instances starting at once (PostgreSQL); held until
  // the transaction ends.
  virtual void lock_for_migration() {}
  // Whether the connection is usable; a lost PostgreSQL connection is reopened by its owner.
  [[nodiscard]] virtual bool healthy() const { return true; }
  // The rowid of the last row this connection inserted (SQLite; PostgreSQL has none and
  // its callers use RETURNING).
  [[nodiscard]] virtual std::optional<std::int64_t> last_insert_rowid() const { return std::nullopt; }
  // Group commit with the flush split off (SQLite in WAL mode): COMMIT stops waiting for
  // the disk, and after each COMMIT the owner takes `flush_after_commit()` and runs it (on
  // any thread, while this connection goes on) before it tells anyone the commit happened.
  // Returns false, and changes nothing, when the engine has no such split (PostgreSQL's
  // COMMIT is durable when it returns; so is SQLite's when not in WAL mode).
  virtual bool split_flush() { return false; }
  // After a COMMIT, on the connection's thread: a call that makes every commit so far
  // durable and says whether it could. Empty when split_flush() was not taken.
  [[nodiscard]] virtual std::function<bool()> flush_after_commit() { return {}; }
};

// BEGIN … COMMIT; rolls back in its destructor unless committed.
class transaction {
 public:
  enum class kind { write, snapshot };
  explicit transaction(connection& c, kind k = kind::write);
  ~transaction();
  transaction(transaction const&) = delete;
  transaction& operator=(transaction const&) = delete;
  void commit();

 private:
  connection& c_;
  bool done_ = false;
};

// SAVEPOINT inside a transaction; rolls back to itself unless released.
class savepoint {
 public:
  explicit savepoint(connection& c);
  ~savepoint();
  savepoint(savepoint const&) = delete;
  savepoint& operator=(savepoint const&) = delete;
  void release();

 private:
  connection& c_;
  bool done_ = false;
};

// "postgresql://…" or "postgres://…" (or a libpq "host=… dbname=…" string) is PostgreSQL;
// anything else is a SQLite file.
[[nodiscard]] bool is_postgres_target(std::string_view target);
// Opens a connection to the target's engine. Throws db_error when it cannot.
std::unique_ptr<connection> open_connection(std::string const& target, connection::mode m);

// A deferred read transaction, so every query sees the same commit while the writer goes
// on; ended in the destructor, as a reader has nothing to keep. Inside a transaction that
// is open already (the writer's), that one is the snapshot.
class read_snapshot {
 public:
  explicit read_snapshot(connection& c) : c_(c), owned_(!c.in_transaction()) {
    if (owned_) c_.begin_snapshot();
  }
  ~read_snapshot() {
    if (!owned_) return;
    try {
      c_.exec("COMMIT");
    } catch (db_error const&) {
      // Nothing was written; end the transaction however it can be, so the pooled
      // connection does not keep pinning this snapshot.
      try {
        c_.exec("ROLLBACK");
      } catch (db_error const&) {
      }
    }
  }
  read_snapshot(read_snapshot const&) = delete;
  read_snapshot& operator=(read_snapshot const&) = delete;

 private:
  connection& c_;
  bool owned_;
};

}  // namespace qiandao::storage
