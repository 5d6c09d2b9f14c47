#pragma once
// The engine a test process runs on. CTest runs every test twice: once on SQLite files, and
// once (label `postgresql`, prefix `pg.`) on a PostgreSQL server that the `pg` fixture
// starts for the run, named by QIANDAO_TEST_PG_URL_FILE. Each test gets a new database.
#include <memory>
#include <string>

#include "storage/sql.hpp"
#include "storage/store.hpp"
#include "support/temp_dir.hpp"

namespace qiandao::test {

// True when this process's tests run on PostgreSQL (the fixture's URL file is set). A set
// variable naming a missing or empty file is an error, never a quiet fall back to SQLite.
bool on_postgres();
// A new, empty database for one test: a SQLite file in `dir`, or a new PostgreSQL database
// on the fixture's server. Its --db target.
std::string fresh_database(temp_dir const& dir, std::string const& file = "qiandao.db");
// A read-write store on the target, migrated to the latest schema (for seeding before a
// server starts; pair with storage::transaction on its db()).
std::unique_ptr<storage::sql_store> migrated_store(std::string const& target);
// SQLite's integrity_check on a file; PostgreSQL guards its own pages (checksums, WAL), so
// there it only checks the connection answers.
bool integrity_ok(storage::connection& db);
std::unique_ptr<storage::connection> open_db(std::string const& target,
                                             storage::connection::mode m = storage::connection::mode::read_only);

}  // namespace qiandao::test
