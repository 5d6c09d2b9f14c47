#!/usr/bin/env bash
# Prints bench/run.sh's table from the "RESULT key value" lines of a log:
#     bash bench/table.sh build/bench/bench-last.log
# A figure that is missing (its step failed) shows as n/a and its target as "not measured".
set -euo pipefail
log=${1:-build/bench/bench-last.log}

prog='
END {
  levels[1] = 1; levels[2] = 8; levels[3] = 64; levels[4] = 256
  printf "Qiandao benchmarks: %d cores, load average %s before and %s after (other work on the machine is noise), %d s\n",
         v("cores"), R["load_before"], R["load_after"], v("elapsed_s")
  printf "Every HTTP row uses the same client (bench/checkin_load: Beast, keep-alive, one client thread).\n\n"
  printf "  %-48s %-52s %s\n", "ROW", "FIGURE", "RATIO / NOTE"

  only_pg = has("only_postgresql")  # BENCH_ONLY=postgresql: the other sections were not run
  only_board = has("only_board")  # BENCH_ONLY=board: only the board step was run
  if (only_pg) printf "  (BENCH_ONLY=postgresql: only the PostgreSQL section was run)\n"
  if (only_board) printf "  (BENCH_ONLY=board: only the board step was run)\n"
  if (!only_pg) {
  if (!only_board) {
  section("References")
  for (i = 1; i <= 4; i++) {
    c = levels[i]; k = "nginx_c" c "_"
    if (!has(k "rps")) { row("nginx fixed response, " c " conns", "n/a", ""); continue }
    row("nginx fixed response, " c " conns",
        sprintf("%s req/s  p50 %s  p99 %s ms", group(v(k "rps")), ms(v(k "p50_ms")), ms(v(k "p99_ms"))),
        sprintf("client CPU %.0f%%", v(k "client_cpu")) (has(k "server_us_per_req") ? sprintf("; nginx %.1f us CPU/req", v(k "server_us_per_req")) : ""))
  }
  split("1 8 64 512", batches, " ")
  for (i = 1; i <= 4; i++) {
    b = batches[i]; k = "sqlite_b" b "_rows_per_s"
    row("SQLite WAL+FULL, " b " rows/commit",
        has(k) ? sprintf("%s rows/s  (%s ms a commit)", group(v(k)), ms(v(k) > 0 ? 1000 * b / v(k) : 0)) : "n/a", "")
  }

  section("Qiandao")
  peak = 0; peak_c = 0
  for (i = 1; i <= 4; i++) {
    c = levels[i]; k = "checkin_c" c "_"
    if (!has(k "rps")) { row("durable check-ins, " c " kiosk conns", "n/a", ""); continue }
    if (v(k "rps") > peak) { peak = v(k "rps"); peak_c = c }
    ratio = has("nginx_c" c "_rps") && v("nginx_c" c "_rps") > 0 ? sprintf("%.2f x nginx; ", v(k "rps") / v("nginx_c" c "_rps")) : ""
    ratio = ratio sprintf("CPU/req: I/O %.0f + writer %.0f + flush %.0f us", v(k "io_us_per_req"), v(k "writer_us_per_req"),
                          v(k "flush_us_per_req"))
    row("durable check-ins, " c " kiosk conns",
        sprintf("%s/s  p50 %s  p99 %s ms  %.1f rows/commit", group(v(k "rps")), ms(v(k "p50_ms")), ms(v(k "p99_ms")),
                v(k "rows_per_commit")), ratio)
    if (v(k "failed") > 0) row("", sprintf("(%d requests failed or stalled)", v(k "failed")), "")
  }
  k = "onecommit_c64_"
  one = has(k "rps") ? v(k "rps") : 0
  row("check-ins, --max-batch 1, 64 conns",
      has(k "rps") ? sprintf("%s/s  p50 %s  p99 %s ms", group(one), ms(v(k "p50_ms")), ms(v(k "p99_ms"))) : "n/a",
      one > 0 && peak > 0 ? sprintf("peak is %.1f x this", peak / one) : "")
  k = "nosync_c64_"
  row("check-ins, fsyncs stubbed out, 64 conns",
      has(k "rps") ? sprintf("%s/s  p50 %s  p99 %s ms", group(v(k "rps")), ms(v(k "p50_ms")), ms(v(k "p99_ms"))) : "n/a",
      has(k "rps") ? sprintf("NOT durable, a ceiling (bench/nosync.c): %s; durable 64 conns is %.2f x this",
                             v("nginx_c64_rps") > 0 ? sprintf("%.2f x nginx", v(k "rps") / v("nginx_c64_rps")) : "no nginx figure",
                             v(k "rps") > 0 ? v("checkin_c64_rps") / v(k "rps") : 0) : "")
  k = "checkin_c256_"
  row("rows per commit at saturation (256 conns)",
      has(k "rows_per_commit") ? sprintf("%.1f  (a commit every %s ms, %s ms writer CPU)", v(k "rows_per_commit"),
                                         ms(v(k "ms_per_commit")), ms(v(k "writer_cpu_ms_per_commit"))) : "n/a",
      "from /metrics qiandao_commit_batch_size_sum/count")
  for (i = 3; i <= 4; i++) {
    c = levels[i]; k = "checkin_c" c "_"
    row("writer / I/O thread at " c " conns",
        has(k "writer_cpu") ? sprintf("writer busy %.0f%% (%.0f%% CPU, %.0f%% fsync or CPU wait); WAL flush thread %.0f%% CPU",
                                      v(k "writer_cpu") + v(k "writer_wait"), v(k "writer_cpu"), v(k "writer_wait"),
                                      v(k "flush_cpu")) : "n/a",
        has(k "io_cpu") ? sprintf("I/O thread %.0f%% CPU, +%.0f%% waiting for a CPU", v(k "io_cpu"), v(k "io_wait")) : "")
  }
  }
  section("Live board (bench/board_latency: one board client, 2 threads, epoll via Asio; the reference is Node ws, bench/ws_reference.mjs)")
  # Board rows: board_<qd|ref>_r<rate>_n<boards>_<figure>
  nr = 0; nb = 0
  for (key in R) if (key ~ /^board_(qd|ref)_r[0-9]+_n[0-9]+_last_p99_ms$/) {
    split(key, part, "_"); r = substr(part[3], 2) + 0; n = substr(part[4], 2) + 0
    if (!(r in seen_r)) { seen_r[r] = 1; rates[++nr] = r }
    if (!(n in seen_n)) { seen_n[n] = 1; boards[++nb] = n }
  }
  for (i = 1; i <= nr; i++) for (j = i + 1; j <= nr; j++) if (rates[j] < rates[i]) { t = rates[i]; rates[i] = rates[j]; rates[j] = t }
  for (i = 1; i <= nb; i++) for (j = i + 1; j <= nb; j++) if (boards[j] < boards[i]) { t = boards[i]; boards[i] = boards[j]; boards[j] = t }
  if (nb == 0) row("check-in -> board latency", "n/a", "the board step did not run or failed")
  for (ri = 1; ri <= nr; ri++) for (i = 1; i <= nb; i++) {
    r = rates[ri]; n = boards[i]
    for (w = 1; w <= 2; w++) {
      who = w == 1 ? "qd" : "ref"; k = "board_" who "_r" r "_n" n "_"
      name = (w == 1 ? "Qiandao" : "reference") ", " group(n) " boards, " r "/s"
      if (!has(k "last_p99_ms")) { row(name, "n/a", ""); continue }
      row(name, sprintf("conn p50 %s p99 %s; last board p50 %s p99 %s ms", ms(v(k "conn_p50_ms")), ms(v(k "conn_p99_ms")),
                        ms(v(k "last_p50_ms")), ms(v(k "last_p99_ms"))),
          sprintf("at %s/s%s; deliveries %s of %s (%d short); %d resyncs; client %.0f%%+%.0f%% CPU, unread <= %.1f MB%s",
                  group(v(k "rate")), v(k "rate") < 0.9 * r ? " (RATE NOT REACHED)" : "", group(v(k "delivered")), group(v(k "expected")), v(k "short_boards"), v(k "resyncs"),
                  v(k "client_cpu"), v(k "client_wait"), v(k "client_unread_mb"), v(k "client_bound") ? " CLIENT-BOUND" : ""))
    }
  }
  if (has("board_ref_frame_bytes"))
    row("reference frame", sprintf("%d bytes", v("board_ref_frame_bytes")),
        has("board_qd_single_frame_bytes") && v("board_qd_single_frame_bytes") > 0 ? "= the mean Qiandao single-check-in update, this run" : "assumed: no single-check-in frame measured")
  kb = 0
  for (key in R) if (key ~ /^kiosk_b[0-9]+_rps$/) { n = substr(key, 8); sub(/_.*/, "", n); if (n + 0 > kb) kb = n + 0 }
  for (i = 1; i <= 2; i++) {
    n = i == 1 ? 0 : kb; k = "kiosk_b" n "_"
    name = "64 kiosk conns, " (i == 1 ? "no boards" : group(n) " boards reading")
    if (!has(k "rps")) { row(name, "n/a", ""); continue }
    note = i == 1 ? "durable, counted on 201" : sprintf("%.2f x the rate, %.1f x the p99 of no boards; deliveries %s of %s; client unread <= %.1f MB%s",
                    v("kiosk_b0_rps") > 0 ? v(k "rps") / v("kiosk_b0_rps") : 0, v("kiosk_b0_p99_ms") > 0 ? v(k "p99_ms") / v("kiosk_b0_p99_ms") : 0,
                    group(v(k "delivered")), group(v(k "expected")), v(k "client_unread_mb"), v(k "client_bound") ? " CLIENT-BOUND" : "")
    row(name, sprintf("%s check-ins/s  p50 %s  p99 %s ms", group(v(k "rps")), ms(v(k "p50_ms")), ms(v(k "p99_ms"))), note)
  }
  row("memory per idle board (" group(v("board_mem_boards")) " boards)",
      has("board_mem_kib_per_conn") ? sprintf("%.2f KiB", v("board_mem_kib_per_conn")) : "n/a", "server VmRSS delta / boards")
  if (!only_board) {
  row("start-up, 100,000 registrations",
      has("startup_ms") ? sprintf("%s ms (median of 5, max %s)", ms(v("startup_ms")), ms(v("startup_max_ms"))) : "n/a",
      "process start to listening line")
  row("binary size",
      has("size_bytes") ? sprintf("%.1f MiB, %.1f MiB stripped", v("size_bytes") / 1048576, v("size_stripped_bytes") / 1048576) : "n/a", "")
  }
  }

  if (!only_board) {

  section("PostgreSQL 15 (own throwaway cluster, same run; fsync and synchronous_commit on)")
  # The reference: pgbench -M prepared running bench/pg_checkin.sql, the check-in SQL of Qiandao.
  split("single:1 single:8 single:64 batched:1 batched:4", runs, " ")
  best_b = 0; best_b_c = 0
  for (i = 1; i <= 5; i++) {
    split(runs[i], sc, ":"); shape = sc[1]; c = sc[2]; k = "pgbench_" shape "_c" c "_"
    name = "pgbench check-in SQL, " (shape == "single" ? "1 scan/tx, " : "64 scans/tx, ") c (c == 1 ? " client" : " clients")
    if (!has(k "rps")) { row(name, "n/a", ""); continue }
    if (shape == "batched" && v(k "rps") > best_b) { best_b = v(k "rps"); best_b_c = c }
    row(name, sprintf("%s rows/s  tx p50 %s  p99 %s ms", group(v(k "rps")), ms(v(k "p50_ms")), ms(v(k "p99_ms"))),
        sprintf("%.0f%% first check-ins; PG %.0f us CPU/row", v(k "first_pct"), v(k "db_us_per_row")) \
        (v(k "failed") > 0 ? sprintf("; %d failed tx", v(k "failed")) : ""))
  }
  pgpeak = 0; pgpeak_c = 0
  for (i = 1; i <= 4; i++) {
    c = levels[i]; k = "pgcheckin_c" c "_"
    if (!has(k "rps")) { row("Qiandao on PG, durable check-ins, " c " conns", "n/a", ""); continue }
    if (v(k "rps") > pgpeak) { pgpeak = v(k "rps"); pgpeak_c = c }
    ratio = best_b > 0 ? sprintf("%.2f x batched pgbench", v(k "rps") / best_b) : ""
    if (has("checkin_c" c "_rps") && v("checkin_c" c "_rps") > 0)
      ratio = ratio sprintf("; %.2f x SQLite", v(k "rps") / v("checkin_c" c "_rps"))
    ratio = ratio sprintf("; PG %.0f us CPU/req", v(k "db_us_per_req"))
    row("Qiandao on PG, durable check-ins, " c " conns",
        sprintf("%s/s  p50 %s  p99 %s ms  %.1f rows/commit", group(v(k "rps")), ms(v(k "p50_ms")), ms(v(k "p99_ms")),
                v(k "rows_per_commit")), ratio)
    if (v(k "failed") > 0) row("", sprintf("(%d requests failed or stalled)", v(k "failed")), "")
  }
  k = "pgcheckin_c256_"
  row("Qiandao on PG, threads at 256 conns",
      has(k "writer_cpu") ? sprintf("writer %.0f%% CPU +%.0f%% waiting (PG or a CPU)", v(k "writer_cpu"), v(k "writer_wait")) : "n/a",
      has(k "io_cpu") ? sprintf("I/O %.0f%% CPU; db pool %.0f%% CPU; PostgreSQL %.0f%% CPU", v(k "io_cpu"), v(k "others_cpu"),
                                v(k "db_cpu")) : "")

  }

  section("Targets")
  if (!only_pg && !only_board) {
  k = "checkin_c64_"; ck = v(k "rps"); ngx = v("nginx_c64_rps")
  target("check-ins/s >= 0.35 x nginx, 64 kiosk conns",
         sprintf("%s / %s = %.2f", group(ck), group(ngx), ngx > 0 ? ck / ngx : 0),
         ck > 0 && ngx > 0, ngx > 0 && ck >= 0.35 * ngx,
         sprintf("writer busy %.0f%%; CPU/req %.0f us (I/O + writer + flush) vs nginx %.1f us; peak %s/s at %d conns%s", v(k "writer_cpu") + v(k "writer_wait"),
                 v(k "io_us_per_req") + v(k "writer_us_per_req") + v(k "flush_us_per_req"), v("nginx_c64_server_us_per_req"), group(peak), peak_c,
                 has("nosync_c64_rps") && ngx > 0 ? sprintf("; no fsync at all %.2f x", v("nosync_c64_rps") / ngx) : ""))
  k = "checkin_c" peak_c "_"
  target("check-ins/s >= 5 x one commit per request",
         sprintf("%s / %s = %.1f", group(peak), group(one), one > 0 ? peak / one : 0),
         peak > 0 && one > 0, one > 0 && peak >= 5 * one, sprintf("%.1f rows/commit at %d conns", v(k "rows_per_commit"), peak_c))
  k = "checkin_c64_"
  target("check-in p99 <= 5 ms at 64 kiosk conns", sprintf("%s ms", ms(v(k "p99_ms"))),
         has(k "p99_ms"), v(k "p99_ms") <= 5,
         sprintf("64 conns / %s per s = %s ms mean (Little); fsync %s ms%s", group(v(k "rps")),
                 ms(v(k "rps") > 0 ? 64000 / v(k "rps") : 0), ms(v("sqlite_b1_rows_per_s") > 0 ? 1000 / v("sqlite_b1_rows_per_s") : 0),
                 has("nosync_c64_p99_ms") ? sprintf("; with no fsync at all p99 %s ms", ms(v("nosync_c64_p99_ms"))) : ""))
  }
  if (!only_pg) {
  # Last board p99 against the reference broadcaster at the same boards and rate, every
  # Qiandao delivery accounted for.
  for (ri = 1; ri <= nr; ri++) for (n = 1000; n <= 5000; n += 4000) {
    r = rates[ri]; q = "board_qd_r" r "_n" n "_"; f = "board_ref_r" r "_n" n "_"
    ok_q = has(q "last_p99_ms"); ok_f = has(f "last_p99_ms")
    target("last board p99 <= reference, " group(n) " boards, " r "/s",
           sprintf("%s vs %s ms", ok_q ? ms(v(q "last_p99_ms")) : "n/a", ok_f ? ms(v(f "last_p99_ms")) : "n/a"),
           ok_q && ok_f, v(q "last_p99_ms") <= v(f "last_p99_ms") && v(q "short_boards") == 0,
           sprintf("Qiandao %d boards short, %d resyncs; reference %d short, %.0f%% CPU +%.0f%% waiting%s%s", v(q "short_boards"), v(q "resyncs"),
                   v(f "short_boards"), v(f "server_cpu"), v(f "server_wait"),
                   v(q "rate") < 0.9 * r || v(f "rate") < 0.9 * r ? sprintf("; rate reached %s / %s", group(v(q "rate")), group(v(f "rate"))) : "",
                   v(q "client_bound") || v(f "client_bound") ? "; CLIENT-BOUND: read with care" : ""))
  }
  if (nr == 0) target("last board p99 <= reference", "n/a", 0, 0, "")
  k = "kiosk_b" kb "_"; k0 = "kiosk_b0_"
  target("kiosks with " group(kb) " boards >= 0.8 x no boards",
         sprintf("%s / %s = %.2f", group(v(k "rps")), group(v(k0 "rps")), v(k0 "rps") > 0 ? v(k "rps") / v(k0 "rps") : 0),
         kb > 0 && has(k "rps") && has(k0 "rps"), v(k "rps") >= 0.8 * v(k0 "rps"),
         sprintf("64 kiosk conns; board client %.0f%% CPU", v(k "client_cpu")))
  target("kiosk p99 with " group(kb) " boards <= 2 x no boards",
         sprintf("%s / %s ms = %.1f", ms(v(k "p99_ms")), ms(v(k0 "p99_ms")), v(k0 "p99_ms") > 0 ? v(k "p99_ms") / v(k0 "p99_ms") : 0),
         kb > 0 && has(k "p99_ms") && has(k0 "p99_ms"), v(k "p99_ms") <= 2 * v(k0 "p99_ms"), "")
  target("<= 4 KiB per idle board connection", sprintf("%.2f KiB", v("board_mem_kib_per_conn")),
         has("board_mem_kib_per_conn"), v("board_mem_kib_per_conn") <= 4, "")
  }
  if (!only_board) {
  k = "pgcheckin_c" pgpeak_c "_"
  target("Qiandao on PG >= 0.5 x batched pgbench",
         sprintf("%s / %s = %.2f", group(pgpeak), group(best_b), best_b > 0 ? pgpeak / best_b : 0),
         pgpeak > 0 && best_b > 0, best_b > 0 && pgpeak >= 0.5 * best_b,
         sprintf("peaks: Qiandao at %d conns (%.1f rows/commit), pgbench 64 scans/tx at %d client%s", pgpeak_c,
                 v(k "rows_per_commit"), best_b_c, best_b_c == 1 ? "" : "s"))
  }
}'
grep '^RESULT ' "$log" | awk -v W1=48 -v W2=52 -f "$(dirname "${BASH_SOURCE[0]}")/table_common.awk" -f <(printf '%s\n' "$prog")
