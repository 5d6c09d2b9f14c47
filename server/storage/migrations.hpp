#pragma once
#include <span>

#include "embedded.hpp"
#include "storage/sql.hpp"

namespace qiandao::storage {

// The migrations of the connection's engine (schema/sqlite/ or schema/postgresql/).
std::span<embedded::file const> migrations_for(dialect d);

// Applies every numbered migration (NNN_name.sql) above the database's schema version, each
// in its own transaction, in order; several instances starting at once take turns. Throws
// when the database is newer than the binary. Returns the version.
int migrate(connection& db, std::span<embedded::file const> migrations);
int migrate(connection& db);  // with the engine's own migrations

// The newest version the given migrations reach.
int latest_version(std::span<embedded::file const> migrations);

}  // namespace qiandao::storage
