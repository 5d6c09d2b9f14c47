// The live board at the limit, against the real binary and a reference broadcaster, with the
// same board client (bench/board_client: one io_context on --client-threads threads).
//
//   board_latency QIANDAO_BIN DB [--boards 100,1000,5000] [--rates 10,200] [--seconds 8,4]
//                 [--kiosks 16] [--memory-boards 5000] [--client-threads 2]
//                 [--kiosk-conns 64] [--kiosk-seconds 5] [--kiosk-boards 5000]
//                 [--reference bench/ws_reference.mjs] [--node node]
//
// 1. Memory: server RSS (/proc/PID/status VmRSS) before and after opening --memory-boards
//    idle boards, divided by their number.
// 2. Kiosks vs boards: --kiosk-conns keep-alive kiosk connections check in as fast as
//    answers come (durable, counted on 201) for --kiosk-seconds, with no board open, and
//    later with --kiosk-boards boards open and reading every frame (client threads of their
//    own).
// 3. Board latency: boards are opened once per count (100, then 900 more, …) and kept across
//    the rates; at each rate, paced check-ins from --kiosks connections (their own thread,
//    bench/http_load) for that rate's seconds, then up to 5 s (30 s for the reference) for the
//    last frames. Per-connection latency = receive time (system clock) − the frame's
//    committed_at_us; last board = per frame (matched by committed_at_us), the latest receive
//    time over all connections − committed_at_us. Every delivery is accounted for: each board
//    counts the check-ins it received (the "recent" entries of its updates; after a snapshot,
//    re-based on totals.checked_in) and must reach exactly the number made.
// 4. With --reference: the same board rows against `node bench/ws_reference.mjs BYTES`, which
//    pushes one frame of BYTES (the mean single-check-in update frame measured on Qiandao in
//    this run) to every board on each `POST /fire?t=US`, sent by the same paced driver, US
//    being the driver's clock just before it writes the request.
// Prints lines for people and "RESULT …" lines for bench/run.sh. Never asserts on time.

#include <algorithm>
#include <atomic>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

#include "board_client.hpp"
#include "harness.hpp"
#include "http_load.hpp"

using namespace qiandao::bench;
namespace http = boost::beast::http;
using namespace std::chrono_literals;

namespace {

std::vector<long> parse_list(std::string const& v) {
  std::vector<long> out;
  std::istringstream in(v);
  for (std::string part; std::getline(in, part, ',');) out.push_back(std::stol(part));
  return out;
}

struct args {
  std::string bin, db;
  std::vector<long> boards{100, 1000, 5000};
  std::vector<long> rates{10, 200};
  std::vector<double> seconds{8, 4};  // per rate; the last one repeats
  int kiosks = 16;
  long memory_boards = 5000;
  int client_threads = 2;
  int kiosk_conns = 64;
  double kiosk_seconds = 5;
  long kiosk_boards = 5000;  // 0: no kiosks-vs-boards row
  std::string reference, node = "node";

  [[nodiscard]] double seconds_at(std::size_t i) const { return seconds[std::min(i, seconds.size() - 1)]; }
};

args parse(int argc, char** argv) {
  if (argc < 3)
    throw std::invalid_argument(
        "QIANDAO_BIN DB [--boards 100,1000,5000] [--rates 10,200] [--seconds 8,4] [--kiosks K] [--memory-boards M] "
        "[--client-threads T] [--kiosk-conns 64] [--kiosk-seconds 5] [--kiosk-boards 5000] [--reference FILE.mjs] "
        "[--node node]");
  args a;
  a.bin = argv[1];
  a.db = argv[2];
  for (int i = 3; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--boards") a.boards = parse_list(v);
    else if (k == "--rates") a.rates = parse_list(v);
    else if (k == "--seconds") {
      a.seconds.clear();
      std::istringstream in(v);
      for (std::string part; std::getline(in, part, ',');) a.seconds.push_back(std::stod(part));
    } else if (k == "--kiosks") a.kiosks = std::stoi(v);
    else if (k == "--memory-boards") a.memory_boards = std::stol(v);
    else if (k == "--client-threads") a.client_threads = std::stoi(v);
    else if (k == "--kiosk-conns") a.kiosk_conns = std::stoi(v);
    else if (k == "--kiosk-seconds") a.kiosk_seconds = std::stod(v);
    else if (k == "--kiosk-boards") a.kiosk_boards = std::stol(v);
    else if (k == "--reference") a.reference = v;
    else if (k == "--node") a.node = v;
    else throw std::invalid_argument("unknown flag " + k);
  }
  if (a.seconds.empty() || a.rates.empty()) throw std::invalid_argument("--rates and --seconds need a value");
  return a;
}

long server_boards(int port) { return static_cast<long>(metric(http_get(port, "/metrics"), "qiandao_board_connections")); }

// Closes our boards and waits (at most 30 s) until the server has let them all go.
void close_boards(board_set& boards, int port) {
  boards.close_all();
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (server_boards(port) > 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(100ms);
}

// Opens boards until N are ready (the ones open already count).
void open_to(board_set& boards, long n, char const* who) {
  auto t0 = std::chrono::steady_clock::now();
  long have = boards.ready();
  if (have < n) boards.open(n - have, 120s);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%-8s %ld boards open (%ld more in %.1f s)%s%s\n", who, boards.ready(), boards.ready() - have, secs,
              boards.failed() ? "; failed: " : "", boards.first_error().c_str());
}

void memory_phase(args const& a, server_process const& srv) {
  board_set boards(srv.port, a.client_threads);
  boards.open(1, 30s);  // the first board builds the hub's snapshot: not a per-connection cost
  boards.run_for(1000ms);
  long before = rss_kib(srv.pid);
  long ready = boards.open(a.memory_boards, 120s) - 1;
  boards.run_for(2000ms);  // idle: let the server settle
  long after = rss_kib(srv.pid);
  long seen = server_boards(srv.port);
  double per = ready > 0 ? static_cast<double>(after - before) / static_cast<double>(ready) : 0;
  std::printf("memory   %ld idle boards (server counts %ld): RSS %ld → %ld KiB, %.2f KiB a board%s%s\n", ready,
              seen, before, after, per, boards.failed() ? ", failed: " : "", boards.first_error().c_str());
  result("board_mem_kib_per_conn", per);
  result("board_mem_boards", static_cast<double>(ready));
  close_boards(boards, srv.port);
}

struct kiosk_run {
  load_result r;
  std::atomic<bool> done{false};
};

// What triggers a board frame: a durable check-in on Qiandao, a fire on the reference.
struct target {
  std::string who;  // "qd" or "ref"
  server_process const& srv;
  fixture const* f = nullptr;  // Qiandao only
  std::atomic<std::size_t>* next_code = nullptr;
  [[nodiscard]] bool qiandao() const { return f != nullptr; }
};

// Paced (rate > 0) or as fast as answers come, on its own thread and io_context.
std::thread start_kiosks(target const& t, int conns, double rate, double seconds, std::string prefix, kiosk_run& out) {
  load_options o;
  o.port = t.srv.port;
  o.connections = conns;
  o.seconds = seconds;
  o.rate = rate;
  o.expect_status = 201;
  if (t.qiandao()) {
    o.next = [f = t.f, next_code = t.next_code, prefix](std::size_t, request& req) {
      auto i = next_code->fetch_add(1);
      if (i >= f->codes.size()) return false;
      req = checkin_request(f->codes[i], prefix + std::to_string(i), f->token);
      return true;
    };
  } else {
    o.next = [](std::size_t, request& req) {
      req = fire_request();
      return true;
    };
    o.stamp = stamp_fire;
  }
  return std::thread([o, &out] {
    out.r = run_load(o);
    out.done = true;
  });
}

struct measured {
  double wall = 0;
  double client_cpu = 0, client_wait = 0;  // % of one core, the board client threads together
  long long server_ticks = 0;
  double server_wait = 0;  // % of the time the server's threads together waited for a CPU
  server_cpu cpu;  // Qiandao's threads
  long made = 0;
  std::chrono::milliseconds drain{};
};

// Runs kiosks (paced or not) while the boards read, then lets the boards catch up.
measured drive(target const& t, board_set* boards, int conns, double rate, double seconds, std::string const& prefix,
               kiosk_run& k) {
  measured m;
  if (boards) boards->mark();
  auto cpu0 = thread_times(t.srv.pid);
  long ticks0 = process_ticks(t.srv.pid);
  auto client0 = boards ? boards->client_time() : thread_time{};
  auto t0 = std::chrono::steady_clock::now();
  if (boards) boards->record(true);
  auto kiosks = start_kiosks(t, conns, rate, seconds, prefix, k);
  if (boards) {
    auto limit = std::chrono::milliseconds(static_cast<long>(seconds * 1000) + 20000);
    boards->run_until([&] { return k.done.load(); }, limit);
  }
  kiosks.join();
  m.made = k.r.ok;
  if (boards) {
    m.drain = boards->drain(m.made, t.qiandao() ? 5000ms : 30000ms);
    boards->record(false);
  }
  m.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto cpu1 = thread_times(t.srv.pid);
  m.server_ticks = process_ticks(t.srv.pid) - ticks0;
  m.cpu = server_threads(cpu0, cpu1, m.wall);
  for (auto const& [tid, t1] : cpu1) {
    auto it = cpu0.find(tid);
    m.server_wait += static_cast<double>(t1.wait_ns - (it == cpu0.end() ? 0 : it->second.wait_ns)) / 1e7 / m.wall;
  }
  if (boards) {
    auto client1 = boards->client_time();
    m.client_cpu = static_cast<double>(client1.cpu_ns - client0.cpu_ns) / 1e7 / m.wall;
    m.client_wait = static_cast<double>(client1.wait_ns - client0.wait_ns) / 1e7 / m.wall;
  }
  return m;
}

// Deliveries, resyncs and what the client itself looked like, for a row's key.
void report_boards(std::string const& key, board_set const& boards, board_stats const& s, measured const& m,
                   int client_threads, char const* unit) {
  long long expected = static_cast<long long>(s.boards) * m.made;
  std::printf("         deliveries: %lld of %lld accounted for, %ld boards short%s (%ld %s × %ld boards; drained in %.1f s)\n",
              s.delivered, expected, s.short_boards,
              s.over_boards ? (", " + std::to_string(s.over_boards) + " boards over").c_str() : "", m.made, unit,
              s.boards, static_cast<double>(m.drain.count()) / 1000.0);
  double busy = (m.client_cpu + m.client_wait) / client_threads;
  double unread_mb = static_cast<double>(boards.max_unread()) / 1e6;
  bool client_bound = busy >= 90 || unread_mb >= 1;
  std::printf("         resyncs %ld, boards closed by the server %ld, totals ≠ count on %ld boards, unreadable frames %ld\n",
              s.resyncs, s.closed, s.totals_disagree, s.bad_frames);
  double us_per_frame = s.all_frames > 0 ? m.client_cpu * m.wall * 1e4 / static_cast<double>(s.all_frames) : 0;
  std::printf("         board client: %.0f%% CPU (+%.0f%% waiting for a CPU) on %d threads, %.1f MB/s, %.1f us CPU a frame, at most %.1f MB unread%s\n",
              m.client_cpu, m.client_wait, client_threads, static_cast<double>(s.bytes) / 1e6 / m.wall, us_per_frame, unread_mb,
              client_bound ? "  << the client was (partly) the bottleneck" : "");
  result(key + "made", static_cast<double>(m.made));
  result(key + "delivered", static_cast<double>(s.delivered));
  result(key + "expected", static_cast<double>(expected));
  result(key + "short_boards", static_cast<double>(s.short_boards));
  result(key + "over_boards", static_cast<double>(s.over_boards));
  result(key + "resyncs", static_cast<double>(s.resyncs));
  result(key + "closed", static_cast<double>(s.closed));
  result(key + "client_cpu", m.client_cpu);
  result(key + "client_wait", m.client_wait);
  result(key + "client_unread_mb", unread_mb);
  result(key + "client_us_per_frame", us_per_frame);
  result(key + "client_bound", client_bound ? 1 : 0);
}

// One board row: N boards, paced triggers at RATE for SECONDS.
double latency_row(args const& a, target const& t, board_set& boards, long rate, double seconds) {
  long n = boards.ready();
  kiosk_run k;
  double frames0 = t.qiandao() ? metric(http_get(t.srv.port, "/metrics"), "qiandao_board_frames_total") : 0;
  auto m = drive(t, &boards, a.kiosks, static_cast<double>(rate), seconds,
                 t.who + std::to_string(n) + "-" + std::to_string(rate) + "-", k);
  double frames1 = t.qiandao() ? metric(http_get(t.srv.port, "/metrics"), "qiandao_board_frames_total") : 0;
  auto s = boards.collect(m.made);
  std::vector<double> last;
  long partial = 0;
  for (auto const& [committed, f] : s.frames) {
    last.push_back(static_cast<double>(f.latest_us - committed) / 1000.0);
    if (f.receivers < n) ++partial;
  }
  std::sort(last.begin(), last.end());
  auto const& conn = s.latency_ms;
  double achieved = k.r.elapsed_s > 0 ? static_cast<double>(k.r.ok) / k.r.elapsed_s : 0;
  char const* what = t.qiandao() ? "check-ins" : "fires";
  std::printf("%-8s %5ld boards at %ld/s: %s %.0f/s (trigger p99 %.1f ms, errors %ld, other %s)\n",
              t.qiandao() ? "qiandao" : "refer.", n, rate, what, achieved, percentile(k.r.latency_ms, 0.99),
              k.r.errors + k.r.unfinished, describe_statuses(k.r).c_str());
  std::printf("         per connection p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms  (%ld updates timed)\n",
              percentile(conn, 0.5), percentile(conn, 0.99), conn.empty() ? 0 : conn.back(), s.updates);
  std::printf("         last board     p50 %7.1f ms  p99 %7.1f ms  over %zu frames (%ld not seen by every board)%s\n",
              percentile(last, 0.5), percentile(last, 0.99), last.size(), partial,
              t.qiandao() ? (", the hub sent " + std::to_string(static_cast<long>(frames1 - frames0)) + " frames").c_str() : "");
  if (t.qiandao())
    std::printf("         server: %s\n", describe(m.cpu).c_str());
  else
    std::printf("         reference: %.0f%% CPU (+%.0f%% waiting for a CPU; Node, one event-loop thread)\n",
                ticks_to_percent(static_cast<long>(m.server_ticks), m.wall), m.server_wait);
  auto key = "board_" + t.who + "_r" + std::to_string(rate) + "_n" + std::to_string(n) + "_";
  report_boards(key, boards, s, m, a.client_threads, what);
  result(key + "conn_p50_ms", percentile(conn, 0.5));
  result(key + "conn_p99_ms", percentile(conn, 0.99));
  result(key + "last_p50_ms", percentile(last, 0.5));
  result(key + "last_p99_ms", percentile(last, 0.99));
  result(key + "frames", static_cast<double>(last.size()));
  result(key + "partial_frames", static_cast<double>(partial));
  result(key + "rate", achieved);
  result(key + "server_cpu", ticks_to_percent(static_cast<long>(m.server_ticks), m.wall));
  result(key + "server_wait", m.server_wait);
  if (t.qiandao()) {
    result(key + "io_cpu", m.cpu.io);
    result(key + "io_wait", m.cpu.io_wait);
  }
  return s.single_frames > 0 ? s.single_frame_bytes : 0;
}

// 64 kiosks as fast as answers come, with the boards given (or none) reading.
void kiosk_row(args const& a, target const& t, board_set* boards) {
  long n = boards ? boards->ready() : 0;
  kiosk_run k;
  auto m = drive(t, boards, a.kiosk_conns, 0, a.kiosk_seconds, "kiosk" + std::to_string(n) + "-", k);
  double rate = k.r.elapsed_s > 0 ? static_cast<double>(k.r.ok) / k.r.elapsed_s : 0;
  std::printf("kiosks   %d conns, %ld boards: %.0f check-ins/s  p50 %.2f ms  p99 %.2f ms  (errors %ld, other %s)\n",
              a.kiosk_conns, n, rate, percentile(k.r.latency_ms, 0.5), percentile(k.r.latency_ms, 0.99),
              k.r.errors + k.r.unfinished, describe_statuses(k.r).c_str());
  std::printf("         server: %s\n", describe(m.cpu).c_str());
  if (t.next_code && t.next_code->load() >= t.f->codes.size()) std::printf("         (ran out of tickets: the row ended early)\n");
  auto key = "kiosk_b" + std::to_string(n) + "_";
  result(key + "rps", rate);
  result(key + "p50_ms", percentile(k.r.latency_ms, 0.5));
  result(key + "p99_ms", percentile(k.r.latency_ms, 0.99));
  result(key + "failed", static_cast<double>(k.r.errors + k.r.unfinished));
  result(key + "io_cpu", m.cpu.io);
  result(key + "writer_cpu", m.cpu.writer);
  if (boards) {
    auto s = boards->collect(m.made);
    report_boards(key, *boards, s, m, a.client_threads, "check-ins");
  }
}

// Every board row of one target, the boards opened once per count and kept across rates.
// Returns the mean size of single-check-in update frames seen (0 if none).
double board_rows(args const& a, target const& t, bool kiosks_too) {
  board_set boards(t.srv.port, a.client_threads);
  double single = 0;
  for (long n : a.boards) {
    open_to(boards, n, t.qiandao() ? "qiandao" : "refer.");
    for (std::size_t i = 0; i < a.rates.size(); ++i) {
      double b = latency_row(a, t, boards, a.rates[i], a.seconds_at(i));
      if (single == 0 && b > 0) single = b;
    }
    if (kiosks_too && n == a.kiosk_boards) kiosk_row(a, t, &boards);
  }
  if (t.qiandao()) close_boards(boards, t.srv.port);
  else boards.close_all();
  return single;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    auto a = parse(argc, argv);
    raise_descriptor_limit();
    auto f = load_fixture(a.db);
    double frame_bytes = 0;
    {
      auto srv = start_server(a.bin, a.db);
      server_guard guard(srv);
      std::printf("board_latency: server pid %d on 127.0.0.1:%d, %zu tickets\n", srv.pid, srv.port, f.codes.size());
      if (a.memory_boards > 0) memory_phase(a, srv);
      std::atomic<std::size_t> next_code{0};
      target t{"qd", srv, &f, &next_code};
      if (a.kiosk_boards > 0) kiosk_row(a, t, nullptr);
      frame_bytes = board_rows(a, t, a.kiosk_boards > 0);
      std::printf("  mean single-check-in update frame: %.0f bytes\n", frame_bytes);
      result("board_qd_single_frame_bytes", frame_bytes);
      std::printf("  server: %s\n", stop_server(srv).c_str());
      report_server_log(srv);
    }
    if (!a.reference.empty()) {
      long bytes = frame_bytes > 0 ? static_cast<long>(frame_bytes + 0.5) : 600;
      auto ref = start_command({a.node, a.reference, std::to_string(bytes)}, a.db + ".reference.log");
      server_guard guard(ref);
      std::printf("reference: node %s %ld (pid %d on 127.0.0.1:%d)%s\n", a.reference.c_str(), bytes, ref.pid, ref.port,
                  frame_bytes > 0 ? "" : " — no single-check-in frame was measured, 600 bytes assumed");
      result("board_ref_frame_bytes", static_cast<double>(bytes));
      target t{"ref", ref, nullptr, nullptr};
      board_rows(a, t, false);
      std::printf("  reference: %s\n", stop_server(ref).c_str());
      report_server_log(ref);
    }
  } catch (std::invalid_argument const& e) {
    std::cerr << "usage: board_latency " << e.what() << "\n";
    return 2;
  } catch (std::exception const& e) {
    std::cerr << "board_latency: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
