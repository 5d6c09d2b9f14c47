#pragma once
// SQLite behind storage::connection. Only sqlite_db.cpp sees <sqlite3.h>.
#include <memory>
#include <string>

#include "storage/sql.hpp"

struct sqlite3;

namespace qiandao::storage::sqlite {

class checkpointer;

class sqlite_connection final : public connection {
 public:
  sqlite_connection(std::string const& path, mode m);
  ~sqlite_connection() override;

  [[nodiscard]] dialect kind() const override { return dialect::sqlite; }
  void exec(std::string_view sql) override;
  statement& prepare(std::string_view sql) override;
  [[nodiscard]] bool in_transaction() const override;
  [[nodiscard]] std::optional<std::int64_t> last_insert_rowid() const override;
  void reset_all() override;
  void begin_write() override { exec("BEGIN IMMEDIATE"); }
  // WAL gives each read transaction its own snapshot.
  void begin_snapshot() override { exec("BEGIN"); }
  int schema_version() override;
  void set_schema_version(int v) override;
  bool split_flush() override;
  [[nodiscard]] std::function<bool()> flush_after_commit() override;

 private:
  sqlite3* db_ = nullptr;
  statement_cache cache_;
  std::unique_ptr<checkpointer> checkpointer_;  // read_write: WAL checkpoints off this thread
  bool split_ = false;                           // synchronous=NORMAL; the owner flushes the WAL
};

// Online backup of a live database into a new file (sqlite3_backup_*).
void backup(std::string const& from_path, std::string const& to_path);

}  // namespace qiandao::storage::sqlite
