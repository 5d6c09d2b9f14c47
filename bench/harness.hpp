#pragma once
// What every benchmark program shares: the fixture files bench_fixture writes, starting and
// stopping the real binary, reading /metrics and /proc, and printing figures.
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace qiandao::bench {

// bench_fixture writes DB, DB.codes (one ticket code a line) and DB.token (a kiosk token).
struct fixture {
  std::vector<std::string> codes;
  std::string token;
};
fixture load_fixture(std::string const& db);

struct server_process {
  pid_t pid = -1;
  int port = 0;
  int stdout_fd = -1;
  double startup_ms = 0;  // fork until the "listening" line
  std::string log_path;   // the server's stderr
};

// Starts `BIN serve --db DB --listen 127.0.0.1:0 EXTRA…`, its stderr to LOG (default
// DB.server.log; give one when DB is a PostgreSQL URL). Throws if no "listening" line comes
// within 60 s.
server_process start_server(std::string const& bin, std::string const& db,
                            std::vector<std::string> const& extra = {}, std::string const& log = {});
// Any other server that prints "listening on http://HOST:PORT" on stdout when ready (the
// reference board broadcaster): ARGV[0] is the program (looked up in PATH), its stderr to LOG.
server_process start_command(std::vector<std::string> const& argv, std::string const& log);
// SIGTERM, then SIGKILL if it has not exited within 20 s. Returns the exit status text.
std::string stop_server(server_process& p);
// Stops the server on every way out of a scope, exceptions included.
class server_guard {
 public:
  explicit server_guard(server_process& p) : p_(p) {}
  ~server_guard() {
    if (p_.pid > 0) stop_server(p_);
  }
  server_guard(server_guard const&) = delete;
  server_guard& operator=(server_guard const&) = delete;

 private:
  server_process& p_;
};

// Prints how many lines the server wrote to stderr, and the first few.
void report_server_log(server_process const& p);

// GET over loopback with a 10 s deadline; throws on failure.
std::string http_get(int port, std::string const& target);
// The value of an unlabelled sample in Prometheus text; 0 when absent.
double metric(std::string const& text, std::string const& name);

long rss_kib(pid_t pid);
// Per thread of a process, from /proc/PID/task/TID/schedstat: nanoseconds on a CPU and
// nanoseconds runnable but waiting for one (the machine is busy elsewhere).
struct thread_time {
  long long cpu_ns = 0, wait_ns = 0;
  bool side = false;   // a helper thread named qiandao-* (the WAL checkpointer): counted in others
  bool flush = false;  // qiandao-flush: the WAL's fsync after each COMMIT, split off the writer
};
std::map<int, thread_time> thread_times(pid_t pid);
thread_time this_thread_time();
long process_ticks(pid_t pid);
// CPU ticks of PID and every process whose parent is PID (a PostgreSQL postmaster and its
// backends, walwriter, checkpointer…), read from /proc at that moment.
long process_tree_ticks(pid_t pid);
// CPU use of the server's threads between two readings, as % of one core. Threads are told
// apart by creation order: main, then the writer (app's constructor), then two hashing
// threads, then the I/O thread(s) that server::start() creates last.
// The "wait" is schedstat's run-queue delay. On this project's VMs a thread blocked in
// fsync/fdatasync is counted there too (a fdatasync loop shows ~90%), so for the writer it
// means "in fsync or waiting for a CPU"; the I/O thread never fsyncs.
struct server_cpu {
  double io = 0, writer = 0, others = 0;
  double flush = 0;  // the writer's flush thread (SQLite): part of the cost of a commit
  double io_wait = 0, writer_wait = 0;  // % of the time
};
server_cpu server_threads(std::map<int, thread_time> const& before, std::map<int, thread_time> const& after,
                          double seconds);
std::string describe(server_cpu const& c);
double ticks_to_percent(long ticks, double seconds);

// p in [0, 1] over an ascending vector; 0 for an empty one.
double percentile(std::vector<double> const& sorted, double p);

void raise_descriptor_limit();
std::int64_t unix_now_us();

// One figure for bench/run.sh to collect: "RESULT key value".
void result(std::string const& key, double value);

}  // namespace qiandao::bench
