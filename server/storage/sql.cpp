#include "storage/sql.hpp"

namespace qiandao::storage {

transaction::transaction(connection& c, kind k) : c_(c) {
  if (k == kind::write) c_.begin_write();
  else c_.begin_snapshot();
}

transaction::~transaction() {
  if (!done_) {
    try {
      c_.exec("ROLLBACK");
    } catch (db_error const&) {
      // Rollback fails only when the engine already rolled back on its own (a full disk,
      // a lost server): nothing is left to undo.
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
      c_.exec("ROLLBACK TO SAVEPOINT job");
      c_.exec("RELEASE SAVEPOINT job");
    } catch (db_error const&) {
      // The enclosing transaction is gone already; the writer fails the whole batch.
    }
  }
}

void savepoint::release() {
  c_.exec("RELEASE SAVEPOINT job");
  done_ = true;
}

}  // namespace qiandao::storage
