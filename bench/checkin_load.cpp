// Request rates with one client (bench/http_load): keep-alive connections, one request in
// flight on each, all on one client thread.
//
//   checkin_load fixed PORT [--levels 64,256] [--seconds 5] [--tag nginx] [--pids P,Q]
//                [--path /] [--rate R] [--threads N] [--accept-encoding "gzip, deflate, br"]
//       GET PATH (default /) against a fixed-answer server (the nginx reference; bench/scale.sh
//       also points it at the public board through nginx's micro-cache); with --pids (its
//       worker processes), also the server's CPU per answered request; with --rate, paced to
//       R requests a second over all connections (as fast as answers come when it cannot).
//   checkin_load checkins QIANDAO_BIN DB [--levels 1,8,64,256] [--seconds 5] [--tag checkin]
//                [--max-batch N] [--threads N] [--fixture PREFIX] [--cluster-pid PID]
//       Starts `qiandao serve` on DB (a copy of a bench_fixture database) and drives
//       POST /api/v1/checkins, each with an unused ticket code and a unique nonce, level after
//       level on the same server; rows per commit per level come from /metrics.
//       DB may be a PostgreSQL URL: then --fixture names the OUT that bench_fixture wrote
//       (PREFIX.codes, PREFIX.token; the server's stderr goes to PREFIX.server.log), and
//       --cluster-pid (the postmaster) adds the cluster's CPU per check-in.
//   checkin_load remote PORT --fixture PREFIX [--levels 64] [--seconds 5] [--tag T]
//                [--metrics-ports P1,P2,P3] [--pids P,Q] [--cluster-pid PID]
//       The same check-ins against a server already running on PORT (bench/scale.sh: nginx in
//       front of three instances), with PREFIX.codes and PREFIX.token; rows per commit summed
//       over the /metrics of --metrics-ports (the instances), CPU per check-in of --pids (the
//       instances and nginx's workers) and of the cluster.
//
// Prints a line per level and "RESULT <tag>_c<N>_<figure> value" lines for bench/run.sh.
// Never asserts on time.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "harness.hpp"
#include "http_load.hpp"

using namespace qiandao::bench;
namespace http = boost::beast::http;

namespace {

struct args {
  std::vector<std::string> positional;
  std::vector<int> levels{1, 8, 64, 256};
  double seconds = 5;
  std::string tag;
  std::string max_batch;
  int threads = 1;
  std::vector<int> server_pids;  // fixed mode: the server's processes, for its CPU per request
  std::string fixture;           // checkins mode: where the codes and token are, if not beside DB
  int cluster_pid = 0;           // checkins mode: a PostgreSQL postmaster, for its CPU per request
  std::string path = "/";        // fixed mode: what to GET
  std::string accept_encoding;   // fixed mode: sent as Accept-Encoding when set (what browsers send)
  double rate = 0;               // fixed mode: paced requests a second (0: as fast as answers come)
  std::vector<int> metrics_ports;  // remote mode: the instances behind PORT
};

std::vector<int> parse_levels(std::string const& s) {
  std::vector<int> out;
  std::istringstream in(s);
  for (std::string part; std::getline(in, part, ',');) out.push_back(std::stoi(part));
  return out;
}

args parse(int argc, char** argv) {
  args a;
  for (int i = 2; i < argc; ++i) {
    std::string k = argv[i];
    auto value = [&] { return i + 1 < argc ? std::string(argv[++i]) : throw std::invalid_argument(k + " needs a value"); };
    if (k == "--levels") a.levels = parse_levels(value());
    else if (k == "--seconds") a.seconds = std::stod(value());
    else if (k == "--tag") a.tag = value();
    else if (k == "--max-batch") a.max_batch = value();
    else if (k == "--threads") a.threads = std::stoi(value());
    else if (k == "--pids") a.server_pids = parse_levels(value());
    else if (k == "--fixture") a.fixture = value();
    else if (k == "--cluster-pid") a.cluster_pid = std::stoi(value());
    else if (k == "--path") a.path = value();
    else if (k == "--accept-encoding") a.accept_encoding = value();
    else if (k == "--rate") a.rate = std::stod(value());
    else if (k == "--metrics-ports") a.metrics_ports = parse_levels(value());
    else a.positional.push_back(k);
  }
  return a;
}

void print_level(std::string const& tag, int conns, load_result const& r, char const* unit) {
  double rate = r.elapsed_s > 0 ? static_cast<double>(r.ok) / r.elapsed_s : 0;
  double p50 = percentile(r.latency_ms, 0.50), p99 = percentile(r.latency_ms, 0.99);
  std::printf("%-8s %4d conns  %9.0f %s  p50 %7.2f ms  p99 %7.2f ms  ok %ld  other statuses %s  errors %ld  stalled %ld  client CPU %.0f%%\n",
              tag.c_str(), conns, rate, unit, p50, p99, r.ok, describe_statuses(r).c_str(), r.errors,
              r.unfinished, r.client_cpu_percent);
  if (!r.first_error.empty()) std::printf("  first error: %s\n", r.first_error.c_str());
  auto key = tag + "_c" + std::to_string(conns) + "_";
  result(key + "rps", rate);
  result(key + "p50_ms", p50);
  result(key + "p99_ms", p99);
  result(key + "failed", static_cast<double>(r.errors + r.unfinished + static_cast<long>(r.latency_ms.size()) - r.ok));
  result(key + "client_cpu", r.client_cpu_percent);
}

int fixed(args const& a) {
  if (a.positional.size() != 1) throw std::invalid_argument("fixed PORT");
  std::string tag = a.tag.empty() ? "nginx" : a.tag;
  for (int conns : a.levels) {
    load_options o;
    o.port = std::stoi(a.positional[0]);
    o.connections = conns;
    o.threads = a.threads;
    o.seconds = a.seconds;
    o.rate = a.rate;
    o.next = [&a](std::size_t, request& req) {
      req = request{http::verb::get, a.path, 11};
      req.set(http::field::host, "127.0.0.1");
      if (!a.accept_encoding.empty()) req.set(http::field::accept_encoding, a.accept_encoding);
      return true;
    };
    long ticks0 = 0, ticks1 = 0;
    for (int pid : a.server_pids) ticks0 += process_ticks(pid);
    auto r = run_load(o);
    for (int pid : a.server_pids) ticks1 += process_ticks(pid);
    print_level(tag, conns, r, "req/s      ");
    if (!a.server_pids.empty() && !r.latency_ms.empty()) {
      double us = ticks_to_percent(ticks1 - ticks0, r.elapsed_s) * r.elapsed_s * 1e4 / static_cast<double>(r.latency_ms.size());
      std::printf("  server CPU per request: %.1f µs\n", us);
      result(tag + "_c" + std::to_string(conns) + "_server_us_per_req", us);
    }
  }
  return 0;
}

// One level of check-ins: CONNS kiosk connections to PORT, each request an unused ticket (from
// NEXT_CODE on) with a fresh nonce, counted on 201.
load_options checkin_level(args const& a, int port, int conns, std::string const& tag, fixture const& f,
                           std::atomic<std::size_t>& next_code) {
  load_options o;
  o.port = port;
  o.connections = conns;
  o.threads = a.threads;
  o.seconds = a.seconds;
  o.expect_status = 201;
  std::string nonce_prefix = tag + "-" + std::to_string(conns) + "-";
  o.next = [&f, &next_code, nonce_prefix](std::size_t, request& req) {
    auto i = next_code.fetch_add(1);
    if (i >= f.codes.size()) return false;  // out of tickets: the level ends early
    req = checkin_request(f.codes[i], nonce_prefix + std::to_string(i), f.token);
    return true;
  };
  return o;
}

struct batches {
  double sum = 0, count = 0;
};

batches read_batches(int port) {
  auto m = http_get(port, "/metrics");
  return {metric(m, "qiandao_commit_batch_size_sum"), metric(m, "qiandao_commit_batch_size_count")};
}

// The writer's share: a commit's wall time against its CPU time says how much of it is
// waiting for the disk (fsync) when the writer is never idle.
void report_commits(std::string const& key, double rows, double commits, server_cpu const& cpu, double seconds,
                    long answered) {
  double per_commit = rows > 0 ? rows / commits : 0;
  double wall_ms = commits > 0 ? 1000.0 * seconds / commits : 0;
  double cpu_ms = wall_ms * cpu.writer / 100.0;
  std::printf("  rows per commit %.1f over %.0f commits (%.2f ms apart, %.2f ms of writer CPU each); %s\n", per_commit,
              commits, wall_ms, cpu_ms, describe(cpu).c_str());
  result(key + "rows_per_commit", per_commit);
  result(key + "ms_per_commit", wall_ms);
  result(key + "writer_cpu_ms_per_commit", cpu_ms);
  // CPU per answered request: what each thread spends on one check-in.
  double io_us = answered > 0 ? cpu.io * seconds * 1e4 / static_cast<double>(answered) : 0;
  double writer_us = answered > 0 ? cpu.writer * seconds * 1e4 / static_cast<double>(answered) : 0;
  double flush_us = answered > 0 ? cpu.flush * seconds * 1e4 / static_cast<double>(answered) : 0;
  std::printf("  CPU per check-in: I/O thread %.1f µs, writer %.1f µs, WAL flush %.1f µs\n", io_us, writer_us, flush_us);
  result(key + "flush_us_per_req", flush_us);
  result(key + "io_cpu", cpu.io);
  result(key + "io_wait", cpu.io_wait);
  result(key + "writer_cpu", cpu.writer);
  result(key + "flush_cpu", cpu.flush);
  result(key + "writer_wait", cpu.writer_wait);
  result(key + "io_us_per_req", io_us);
  result(key + "writer_us_per_req", writer_us);
  // The other threads: on PostgreSQL every request runs on the database pool (auth read,
  // answer) while the I/O thread only does HTTP.
  double others_us = answered > 0 ? cpu.others * seconds * 1e4 / static_cast<double>(answered) : 0;
  result(key + "others_cpu", cpu.others);
  result(key + "others_us_per_req", others_us);
}

int checkins(args const& a) {
  if (a.positional.size() != 2) throw std::invalid_argument("checkins QIANDAO_BIN DB");
  std::string tag = a.tag.empty() ? "checkin" : a.tag;
  auto f = load_fixture(a.fixture.empty() ? a.positional[1] : a.fixture);
  std::vector<std::string> extra;
  if (!a.max_batch.empty()) extra = {"--max-batch", a.max_batch};
  auto srv = start_server(a.positional[0], a.positional[1], extra,
                          a.fixture.empty() ? std::string() : a.fixture + ".server.log");
  server_guard guard(srv);
  std::printf("%s: server pid %d on 127.0.0.1:%d%s, %zu tickets\n", tag.c_str(), srv.pid, srv.port,
              a.max_batch.empty() ? "" : (" with --max-batch " + a.max_batch).c_str(), f.codes.size());
  std::atomic<std::size_t> next_code{0};
  for (int conns : a.levels) {
    auto o = checkin_level(a, srv.port, conns, tag, f, next_code);
    auto b0 = read_batches(srv.port);
    auto cpu0 = thread_times(srv.pid);
    long db0 = a.cluster_pid > 0 ? process_tree_ticks(a.cluster_pid) : 0;
    auto r = run_load(o);
    long db1 = a.cluster_pid > 0 ? process_tree_ticks(a.cluster_pid) : 0;
    auto cpu1 = thread_times(srv.pid);
    auto b1 = read_batches(srv.port);
    print_level(tag, conns, r, "check-ins/s");
    auto key = tag + "_c" + std::to_string(conns) + "_";
    report_commits(key, b1.sum - b0.sum, b1.count - b0.count, server_threads(cpu0, cpu1, r.elapsed_s), r.elapsed_s,
                   static_cast<long>(r.latency_ms.size()));
    if (a.cluster_pid > 0 && !r.latency_ms.empty()) {
      double pct = ticks_to_percent(db1 - db0, r.elapsed_s);
      double us = pct * r.elapsed_s * 1e4 / static_cast<double>(r.latency_ms.size());
      std::printf("  PostgreSQL (all its processes): %.0f%% CPU, %.1f µs per check-in\n", pct, us);
      result(key + "db_cpu", pct);
      result(key + "db_us_per_req", us);
    }
    if (next_code.load() >= f.codes.size()) std::printf("  (ran out of tickets)\n");
  }
  std::printf("  server: %s\n", stop_server(srv).c_str());
  report_server_log(srv);
  return 0;
}

// Check-ins against a server someone else started (nginx in front of several instances).
int remote(args const& a) {
  if (a.positional.size() != 1 || a.fixture.empty()) throw std::invalid_argument("remote PORT --fixture PREFIX");
  std::string tag = a.tag.empty() ? "remote" : a.tag;
  int port = std::stoi(a.positional[0]);
  auto f = load_fixture(a.fixture);
  std::printf("%s: 127.0.0.1:%d, %zu tickets, metrics from %zu instances\n", tag.c_str(), port, f.codes.size(),
              a.metrics_ports.size());
  auto sum_batches = [&] {
    batches b;
    for (int p : a.metrics_ports) {
      auto one = read_batches(p);
      b.sum += one.sum;
      b.count += one.count;
    }
    return b;
  };
  std::atomic<std::size_t> next_code{0};
  for (int conns : a.levels) {
    auto o = checkin_level(a, port, conns, tag, f, next_code);
    auto b0 = sum_batches();
    long ticks0 = 0, ticks1 = 0;
    for (int pid : a.server_pids) ticks0 += process_ticks(pid);
    long db0 = a.cluster_pid > 0 ? process_tree_ticks(a.cluster_pid) : 0;
    auto r = run_load(o);
    long db1 = a.cluster_pid > 0 ? process_tree_ticks(a.cluster_pid) : 0;
    for (int pid : a.server_pids) ticks1 += process_ticks(pid);
    auto b1 = sum_batches();
    print_level(tag, conns, r, "check-ins/s");
    auto key = tag + "_c" + std::to_string(conns) + "_";
    double commits = b1.count - b0.count, rows = b1.sum - b0.sum;
    double per_commit = commits > 0 ? rows / commits : 0;
    std::printf("  rows per commit %.1f over %.0f commits (all instances)\n", per_commit, commits);
    result(key + "rows_per_commit", per_commit);
    auto answered = static_cast<double>(r.latency_ms.size());
    if (!a.server_pids.empty() && answered > 0) {
      double pct = ticks_to_percent(ticks1 - ticks0, r.elapsed_s);
      double us = pct * r.elapsed_s * 1e4 / answered;
      std::printf("  instances and nginx: %.0f%% CPU, %.1f µs per check-in\n", pct, us);
      result(key + "server_cpu", pct);
      result(key + "server_us_per_req", us);
    }
    if (a.cluster_pid > 0 && answered > 0) {
      double pct = ticks_to_percent(db1 - db0, r.elapsed_s);
      std::printf("  PostgreSQL (all its processes): %.0f%% CPU, %.1f µs per check-in\n", pct,
                  pct * r.elapsed_s * 1e4 / answered);
      result(key + "db_cpu", pct);
    }
    if (next_code.load() >= f.codes.size()) std::printf("  (ran out of tickets)\n");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc < 2) throw std::invalid_argument("fixed PORT … | checkins QIANDAO_BIN DB … | remote PORT --fixture PREFIX …");
    std::string mode = argv[1];
    auto a = parse(argc, argv);
    if (mode == "fixed") return fixed(a);
    if (mode == "checkins") return checkins(a);
    if (mode == "remote") return remote(a);
    throw std::invalid_argument("unknown mode " + mode);
  } catch (std::invalid_argument const& e) {
    std::cerr << "usage: checkin_load " << e.what() << "\n";
    return 2;
  } catch (std::exception const& e) {
    std::cerr << "checkin_load: " << e.what() << "\n";
    return 1;
  }
}
