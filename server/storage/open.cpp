// Chooses the engine from the --db target.
#include "storage/postgres/pg_db.hpp"
#include "storage/sql.hpp"
#include "storage/sqlite/sqlite_db.hpp"

namespace qiandao::storage {

bool is_postgres_target(std::string_view t) {
  return t.starts_with("postgresql://") || t.starts_with("postgres://") ||
         (t.find("dbname=") != std::string_view::npos && t.find('=') < t.find('/'));
}

std::unique_ptr<connection> open_connection(std::string const& target, connection::mode m) {
  if (is_postgres_target(target)) return std::make_unique<postgres::pg_connection>(target, m);
  return std::make_unique<sqlite::sqlite_connection>(target, m);
}

}  // namespace qiandao::storage
