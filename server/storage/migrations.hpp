#pragma once
#include <span>

#include "embedded.hpp"
#include "storage/sqlite.hpp"

namespace qiandao::storage {

// Applies every numbered migration (NNN_name.sql) above PRAGMA user_version, each in its own
// transaction, in order. Throws when the file is newer than the binary. Returns the version.
int migrate(connection& db, std::span<embedded::file const> migrations);

// The newest version the given migrations reach.
int latest_version(std::span<embedded::file const> migrations);

}  // namespace qiandao::storage
