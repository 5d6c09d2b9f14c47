/* The storage reference: what SQLite itself does on this disk, in the server's mode (WAL,
 * synchronous=FULL), inserting check-in-shaped rows at 1, 8, 64 and 512 rows per
 * transaction. No server, no HTTP: the ceiling the writer thread works under.
 *   sqlite_baseline DIR [seconds-per-batch-size=2]
 * Prints a line per batch size and "RESULT sqlite_b<N>_rows_per_s value" for bench/run.sh.
 * Each batch size runs for the given seconds or 2,000,000 rows, whichever comes first. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void check(sqlite3 *db, int rc, const char *what) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return;
  fprintf(stderr, "sqlite_baseline: %s: %s\n", what, sqlite3_errmsg(db));
  exit(1);
}

static void exec(sqlite3 *db, const char *sql) { check(db, sqlite3_exec(db, sql, NULL, NULL, NULL), sql); }

/* A row like the server's nonce record: a unique text key, an id, a timestamp. */
static const char *schema =
    "CREATE TABLE rows ("
    "  id INTEGER PRIMARY KEY,"
    "  nonce TEXT NOT NULL UNIQUE,"
    "  registration_id INTEGER NOT NULL,"
    "  at TEXT NOT NULL"
    ") STRICT";

static double run(sqlite3 *db, sqlite3_stmt *insert, int batch, double seconds, long *next_id) {
  const long max_rows = 2000000;
  long rows = 0;
  double t0 = now_s(), elapsed = 0;
  char nonce[48];
  while (rows < max_rows && (elapsed = now_s() - t0) < seconds) {
    exec(db, "BEGIN IMMEDIATE");
    for (int i = 0; i < batch; ++i, ++rows) {
      long id = (*next_id)++;
      snprintf(nonce, sizeof nonce, "baseline-%ld", id);
      sqlite3_bind_text(insert, 1, nonce, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(insert, 2, id);
      sqlite3_bind_text(insert, 3, "2024-08-19T09:30:00+08:00", -1, SQLITE_STATIC);
      check(db, sqlite3_step(insert), "insert");
      sqlite3_reset(insert);
    }
    exec(db, "COMMIT");
  }
  elapsed = now_s() - t0;
  return elapsed > 0 ? (double)rows / elapsed : 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: sqlite_baseline DIR [seconds-per-batch-size]\n");
    return 2;
  }
  double seconds = argc > 2 ? atof(argv[2]) : 2.0;
  char path[4096];
  snprintf(path, sizeof path, "%s/sqlite-baseline.db", argv[1]);
  unlink(path);
  sqlite3 *db = NULL;
  if (sqlite3_open(path, &db) != SQLITE_OK) {
    fprintf(stderr, "sqlite_baseline: cannot open %s\n", path);
    return 1;
  }
  exec(db, "PRAGMA journal_mode=WAL");
  exec(db, "PRAGMA synchronous=FULL");
  exec(db, schema);
  sqlite3_stmt *insert = NULL;
  check(db, sqlite3_prepare_v2(db, "INSERT INTO rows (nonce, registration_id, at) VALUES (?1, ?2, ?3)", -1,
                               &insert, NULL),
        "prepare");
  static const int batches[] = {1, 8, 64, 512};
  long next_id = 1;
  for (size_t i = 0; i < sizeof batches / sizeof batches[0]; ++i) {
    double rate = run(db, insert, batches[i], seconds, &next_id);
    printf("sqlite   %4d rows/commit  %9.0f rows/s  (%.2f ms a commit)\n", batches[i], rate,
           rate > 0 ? 1000.0 * batches[i] / rate : 0.0);
    printf("RESULT sqlite_b%d_rows_per_s %.6g\n", batches[i], rate);
    fflush(stdout);
  }
  sqlite3_finalize(insert);
  sqlite3_close(db);
  unlink(path);
  return 0;
}
