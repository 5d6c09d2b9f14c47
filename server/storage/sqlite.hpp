#pragma once
// RAII over SQLite: a connection, a prepared statement and a transaction. The only header
// that sees <sqlite3.h> types is sqlite.cpp; callers get plain C++ values.
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace qiandao::storage {

// Thrown for failures that are not a rule of the domain: I/O errors, a full disk, a
// corrupt file. The writer turns it into a 503 for every request in the batch.
struct db_error : std::runtime_error {
  db_error(int rc, std::string const& what) : std::runtime_error(what), code(rc) {}
  int code;
  [[nodiscard]] bool is_constraint() const;
};

class statement {
 public:
  statement(sqlite3* db, std::string_view sql);
  ~statement();
  statement(statement const&) = delete;
  statement& operator=(statement const&) = delete;

  // Binds are 1-based, matching ?1, ?2 in the SQL.
  statement& bind(int index, std::int64_t value);
  statement& bind(int index, int value) { return bind(index, std::int64_t{value}); }
  statement& bind(int index, bool value) { return bind(index, std::int64_t{value ? 1 : 0}); }
  statement& bind(int index, std::string_view value);
  statement& bind(int index, char const* value) { return bind(index, std::string_view(value)); }
  statement& bind(int index, std::nullopt_t);
  template <class T>
  statement& bind(int index, std::optional<T> const& value) {
    return value ? bind(index, *value) : bind(index, std::nullopt);
  }

  // Advances to the next row; false when done. Resets itself when done.
  [[nodiscard]] bool step();
  // Runs a statement that returns no rows (or whose rows are ignored).
  void run();
  void reset();

  [[nodiscard]] std::int64_t get_int(int column) const;
  [[nodiscard]] std::string get_text(int column) const;
  [[nodiscard]] std::optional<std::string> get_optional_text(int column) const;
  [[nodiscard]] std::optional<std::int64_t> get_optional_int(int column) const;
  [[nodiscard]] bool is_null(int column) const;

 private:
  [[noreturn]] void fail(int rc) const;
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class connection {
 public:
  enum class mode { read_write, read_only };
  connection(std::string const& path, mode m);
  ~connection();
  connection(connection const&) = delete;
  connection& operator=(connection const&) = delete;

  void exec(std::string_view sql);  // for DDL and pragmas only: no binds
  // Prepared once per connection and reused; the SQL text is the key.
  statement& prepare(std::string_view sql);
  [[nodiscard]] std::int64_t last_insert_id() const;
  [[nodiscard]] int changes() const;
  [[nodiscard]] bool in_transaction() const;
  // Resets every statement so no forgotten one pins an old read snapshot.
  void reset_all();
  [[nodiscard]] sqlite3* raw() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  struct text_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Looked up by string_view: no allocation per prepare() on the hot path.
  std::unordered_map<std::string, std::unique_ptr<statement>, text_hash, std::equal_to<>> cache_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back in its destructor unless committed.
class transaction {
 public:
  explicit transaction(connection& c);
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

// Online backup of a live database into a new file (sqlite3_backup_*).
void backup(std::string const& from_path, std::string const& to_path);

}  // namespace qiandao::storage
