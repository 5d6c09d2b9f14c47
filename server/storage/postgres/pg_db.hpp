#pragma once
// PostgreSQL behind storage::connection, through libpq's blocking calls. These connections
// live on the writer thread and the database pool's threads only: no I/O thread ever waits
// on one. Only pg_db.cpp sees <libpq-fe.h>.
#include <memory>
#include <string>

#include "storage/sql.hpp"

struct pg_conn;

namespace qiandao::storage::postgres {

class pg_connection final : public connection {
 public:
  pg_connection(std::string const& target, mode m);
  ~pg_connection() override;

  [[nodiscard]] dialect kind() const override { return dialect::postgresql; }
  void exec(std::string_view sql) override;
  statement& prepare(std::string_view sql) override;
  [[nodiscard]] bool in_transaction() const override;
  void reset_all() override;
  void begin_write() override;
  void begin_snapshot() override;
  int schema_version() override;
  void set_schema_version(int v) override;
  void lock_for_migration() override;
  [[nodiscard]] bool healthy() const override;

  pg_conn* raw() const { return conn_; }
  std::string next_name() { return "q" + std::to_string(++names_); }

 private:
  pg_conn* conn_ = nullptr;
  unsigned names_ = 0;
  statement_cache cache_;
};

// Rewrites SQLite-style ?N placeholders as PostgreSQL's $N (outside quoted text); `max_index`
// receives the highest N.
std::string to_dollar_params(std::string_view sql, int& max_index);

}  // namespace qiandao::storage::postgres
