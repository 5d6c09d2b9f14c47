// Commit-to-board latency and the memory of idle boards, against the real binary.
//
//   board_latency QIANDAO_BIN DB [--boards 100,1000,5000] [--rate 2000] [--kiosks 4]
//                 [--seconds 8] [--memory-boards 5000] [--client-threads 2]
//
// 1. Memory: server RSS (/proc/PID/status VmRSS) before and after opening --memory-boards
//    idle boards, divided by their number.
// 2. For each board count: open the boards, then drive check-ins at --rate from --kiosks
//    keep-alive connections (their own thread, bench/http_load) for --seconds while the
//    board client (one io_context on --client-threads threads) reads every board's frames. Per-connection latency = receive time (system
//    clock) − the frame's committed_at_us; last-board latency = per frame, the latest
//    receive time over all connections − committed_at_us.
// Prints lines for people and "RESULT board_…" lines for bench/run.sh. Never asserts on time.

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

struct args {
  std::string bin, db;
  std::vector<long> boards{100, 1000, 5000};
  double rate = 2000, seconds = 8;
  int kiosks = 16;
  long memory_boards = 5000;
  int client_threads = 2;
};

args parse(int argc, char** argv) {
  if (argc < 3) throw std::invalid_argument("QIANDAO_BIN DB [--boards 100,1000,5000] [--rate R] [--kiosks K] [--seconds S] [--memory-boards M] [--client-threads T]");
  args a{argv[1], argv[2]};
  for (int i = 3; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--boards") {
      a.boards.clear();
      std::istringstream in(v);
      for (std::string part; std::getline(in, part, ',');) a.boards.push_back(std::stol(part));
    } else if (k == "--rate") a.rate = std::stod(v);
    else if (k == "--kiosks") a.kiosks = std::stoi(v);
    else if (k == "--seconds") a.seconds = std::stod(v);
    else if (k == "--memory-boards") a.memory_boards = std::stol(v);
    else if (k == "--client-threads") a.client_threads = std::stoi(v);
    else throw std::invalid_argument("unknown flag " + k);
  }
  return a;
}

long server_boards(int port) { return static_cast<long>(metric(http_get(port, "/metrics"), "qiandao_board_connections")); }

// Closes our boards and waits (at most 30 s) until the server has let them all go.
void close_boards(board_set& boards, int port) {
  boards.close_all();
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (server_boards(port) > 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(100ms);
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

// Paced check-ins on their own thread and io_context.
std::thread start_kiosks(args const& a, server_process const& srv, fixture const& f,
                         std::atomic<std::size_t>& next_code, std::string prefix, kiosk_run& out) {
  load_options o;
  o.port = srv.port;
  o.connections = a.kiosks;
  o.seconds = a.seconds;
  o.rate = a.rate;
  o.expect_status = 201;
  o.next = [&f, &next_code, prefix](std::size_t, request& req) {
    auto i = next_code.fetch_add(1);
    if (i >= f.codes.size()) return false;
    req = checkin_request(f.codes[i], prefix + std::to_string(i), f.token);
    return true;
  };
  return std::thread([o, &out] {
    out.r = run_load(o);
    out.done = true;
  });
}

void report_latency(long n, board_set const& boards, kiosk_run const& k, server_cpu const& cpu,
                    double client_cpu, double client_wait, double frames_offered) {
  auto stats = boards.collect();
  auto const& conn = stats.latency_ms;
  std::vector<double> last;
  long partial = 0;
  for (auto const& [committed, f] : stats.frames) {
    last.push_back(static_cast<double>(f.latest_us - committed) / 1000.0);
    if (f.receivers < n) ++partial;
  }
  std::sort(last.begin(), last.end());
  double rate = k.r.elapsed_s > 0 ? static_cast<double>(k.r.ok) / k.r.elapsed_s : 0;
  std::printf("board    %5ld boards  check-ins %6.0f/s (kiosk p99 %.1f ms, errors %ld, other %s)\n", n, rate,
              percentile(k.r.latency_ms, 0.99), k.r.errors + k.r.unfinished, describe_statuses(k.r).c_str());
  std::printf("         per connection p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms  (%ld frames received of %.0f sent)\n",
              percentile(conn, 0.5), percentile(conn, 0.99), conn.empty() ? 0 : conn.back(), stats.updates,
              frames_offered);
  std::printf("         last board     p50 %7.1f ms  p99 %7.1f ms  over %zu frames (%ld not seen by every board)\n",
              percentile(last, 0.5), percentile(last, 0.99), last.size(), partial);
  std::printf("         resyncs %ld, boards closed by the server %ld; at most %.1f MB waited unread in this client's sockets\n",
              stats.resyncs, stats.closed, static_cast<double>(boards.max_unread()) / 1e6);
  std::printf("         server: %s; board client threads %.0f%% CPU (+%.0f%% waiting for a CPU)\n",
              describe(cpu).c_str(), client_cpu, client_wait);
  auto key = "board_n" + std::to_string(n) + "_";
  result(key + "conn_p50_ms", percentile(conn, 0.5));
  result(key + "conn_p99_ms", percentile(conn, 0.99));
  result(key + "last_p50_ms", percentile(last, 0.5));
  result(key + "last_p99_ms", percentile(last, 0.99));
  result(key + "checkins_per_s", rate);
  result(key + "resyncs", static_cast<double>(stats.resyncs));
  result(key + "client_cpu", client_cpu);
  result(key + "client_wait", client_wait);
  result(key + "client_unread_mb", static_cast<double>(boards.max_unread()) / 1e6);
  result(key + "io_cpu", cpu.io);
  result(key + "io_wait", cpu.io_wait);
}

void latency_phase(args const& a, server_process const& srv, fixture const& f, std::atomic<std::size_t>& next_code,
                   long n) {
  board_set boards(srv.port, a.client_threads);
  long ready = boards.open(n, 120s);
  if (ready < n)
    std::printf("board    only %ld of %ld boards connected (%ld failed: %s)\n", ready, n, boards.failed(),
                boards.first_error().c_str());
  auto frames0 = metric(http_get(srv.port, "/metrics"), "qiandao_board_frames_total");
  auto cpu0 = thread_times(srv.pid);
  auto client0 = boards.client_time();
  auto t0 = std::chrono::steady_clock::now();
  boards.record(true);
  kiosk_run k;
  auto kiosks = start_kiosks(a, srv, f, next_code, "board" + std::to_string(n) + "-", k);
  auto limit = std::chrono::milliseconds(static_cast<long>(a.seconds * 1000) + 20000);
  boards.run_until([&] { return k.done.load(); }, limit);
  boards.run_for(1000ms);  // the frames of the last commits
  boards.record(false);
  kiosks.join();
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto cpu1 = thread_times(srv.pid);
  auto client1 = boards.client_time();
  double client = static_cast<double>(client1.cpu_ns - client0.cpu_ns) / 1e7 / wall;
  double client_wait = static_cast<double>(client1.wait_ns - client0.wait_ns) / 1e7 / wall;
  auto frames1 = metric(http_get(srv.port, "/metrics"), "qiandao_board_frames_total");
  report_latency(ready, boards, k, server_threads(cpu0, cpu1, wall), client, client_wait, frames1 - frames0);
  close_boards(boards, srv.port);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    auto a = parse(argc, argv);
    raise_descriptor_limit();
    auto f = load_fixture(a.db);
    auto srv = start_server(a.bin, a.db);
    server_guard guard(srv);
    std::printf("board_latency: server pid %d on 127.0.0.1:%d, %zu tickets\n", srv.pid, srv.port, f.codes.size());
    if (a.memory_boards > 0) memory_phase(a, srv);
    std::atomic<std::size_t> next_code{0};
    for (long n : a.boards) latency_phase(a, srv, f, next_code, n);
    std::printf("  server: %s\n", stop_server(srv).c_str());
    report_server_log(srv);
  } catch (std::invalid_argument const& e) {
    std::cerr << "usage: board_latency " << e.what() << "\n";
    return 2;
  } catch (std::exception const& e) {
    std::cerr << "board_latency: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
