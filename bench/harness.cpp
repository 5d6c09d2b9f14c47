#include "harness.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace qiandao::bench {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using steady = std::chrono::steady_clock;

fixture load_fixture(std::string const& db) {
  fixture f;
  std::ifstream codes(db + ".codes");
  for (std::string line; std::getline(codes, line);)
    if (!line.empty()) f.codes.push_back(line);
  std::ifstream token(db + ".token");
  std::getline(token, f.token);
  if (f.codes.empty() || f.token.empty())
    throw std::runtime_error("no fixture next to " + db + " (run bench_fixture first)");
  return f;
}

namespace {

[[noreturn]] void exec_server(std::string const& bin, std::vector<std::string> const& args, int out_fd,
                              std::string const& log) {
  dup2(out_fd, STDOUT_FILENO);
  int err = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (err >= 0) dup2(err, STDERR_FILENO);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(bin.c_str()));
  for (auto const& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execvp(bin.c_str(), argv.data());
  _exit(127);
}

// Reads lines from FD until one matches, for at most the deadline.
int wait_for_port(int fd, steady::time_point deadline) {
  static std::regex const listening(R"(listening on http://[^:]+:(\d+))");
  std::string line;
  while (steady::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now());
    if (poll(&p, 1, static_cast<int>(std::max<long>(1, left.count()))) <= 0) continue;
    char ch = 0;
    if (read(fd, &ch, 1) != 1) return 0;  // the server exited
    if (ch != '\n') {
      line += ch;
      continue;
    }
    std::smatch m;
    if (std::regex_search(line, m, listening)) return std::stoi(m[1]);
    line.clear();
  }
  return 0;
}

}  // namespace

server_process start_server(std::string const& bin, std::string const& db,
                            std::vector<std::string> const& extra, std::string const& log) {
  std::vector<std::string> argv{bin, "serve", "--db", db, "--listen", "127.0.0.1:0"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return start_command(argv, log.empty() ? db + ".server.log" : log);
}

server_process start_command(std::vector<std::string> const& argv, std::string const& log) {
  std::vector<std::string> args(argv.begin() + 1, argv.end());
  server_process p;
  p.log_path = log;
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe");
  auto t0 = steady::now();
  p.pid = fork();
  if (p.pid == 0) {
    close(out[0]);
    exec_server(argv[0], args, out[1], p.log_path);
  }
  close(out[1]);
  p.stdout_fd = out[0];
  p.port = wait_for_port(p.stdout_fd, t0 + std::chrono::seconds(60));
  p.startup_ms = std::chrono::duration<double, std::milli>(steady::now() - t0).count();
  if (p.port == 0) {
    stop_server(p);
    throw std::runtime_error(argv[0] + " did not print its listening line within 60 s (see " + p.log_path + ")");
  }
  return p;
}

std::string stop_server(server_process& p) {
  if (p.pid <= 0) return "not running";
  kill(p.pid, SIGTERM);
  int status = 0;
  auto deadline = steady::now() + std::chrono::seconds(20);
  pid_t done = 0;
  while ((done = waitpid(p.pid, &status, WNOHANG)) == 0 && steady::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::string how;
  if (done == 0) {
    kill(p.pid, SIGKILL);
    waitpid(p.pid, &status, 0);
    how = "did not exit within 20 s of SIGTERM; killed";
  } else if (WIFEXITED(status)) {
    how = "exit " + std::to_string(WEXITSTATUS(status));
  } else {
    how = "signal " + std::to_string(WTERMSIG(status));
  }
  if (p.stdout_fd >= 0) close(p.stdout_fd);
  p.stdout_fd = -1;
  p.pid = -1;
  return how;
}

void report_server_log(server_process const& p) {
  std::ifstream in(p.log_path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  std::printf("  server stderr: %zu lines%s\n", lines.size(), lines.empty() ? "" : ", first ones:");
  for (std::size_t i = 0; i < lines.size() && i < 5; ++i) std::printf("    %s\n", lines[i].c_str());
}

std::string http_get(int port, std::string const& target) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(std::chrono::seconds(10));
  stream.connect({net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.keep_alive(false);
  http::write(stream, req);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(stream, buf, res);
  return res.body();
}

double metric(std::string const& text, std::string const& name) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.size() > name.size() && line.compare(0, name.size(), name) == 0 && line[name.size()] == ' ')
      return std::stod(line.substr(name.size() + 1));
  return 0;
}

long rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

namespace {

// utime + stime from a /proc/…/stat line; the command name may hold spaces, so count
// fields from the closing parenthesis.
long stat_ticks(std::string const& path) {
  std::ifstream in(path);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = s.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream f(s.substr(close + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; f >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) {
      stime = std::stol(field);
      break;
    }
  }
  return utime + stime;
}

}  // namespace

std::map<int, thread_time> thread_times(pid_t pid) {
  std::map<int, thread_time> out;
  std::error_code ec;
  auto dir = "/proc/" + std::to_string(pid) + "/task";
  for (auto const& e : std::filesystem::directory_iterator(dir, ec)) {
    std::ifstream in(e.path().string() + "/schedstat");
    thread_time t;
    std::string comm;
    std::getline(std::ifstream(e.path().string() + "/comm"), comm);
    t.side = comm.starts_with("qiandao-");
    t.flush = comm == "qiandao-flush";
    if (in >> t.cpu_ns >> t.wait_ns) out[std::stoi(e.path().filename().string())] = t;
  }
  return out;
}

thread_time this_thread_time() {
  std::ifstream in("/proc/self/task/" + std::to_string(gettid()) + "/schedstat");
  thread_time t;
  in >> t.cpu_ns >> t.wait_ns;
  return t;
}

long process_ticks(pid_t pid) { return stat_ticks("/proc/" + std::to_string(pid) + "/stat"); }

long process_tree_ticks(pid_t pid) {
  // PID's own time and that of its children it has already reaped (cutime + cstime), so a
  // backend that exits between two readings still counts; then every child alive now.
  long ticks = 0;
  {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto close = s.rfind(')');
    if (close != std::string::npos) {
      std::istringstream f(s.substr(close + 2));
      std::string field;
      for (int i = 3; f >> field && i <= 17; ++i)
        if (i >= 14) ticks += std::stol(field);
    }
  }
  std::error_code ec;
  for (auto const& e : std::filesystem::directory_iterator("/proc", ec)) {
    auto name = e.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path().string() + "/stat");
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto close = s.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream f(s.substr(close + 2));
    std::string state;
    long ppid = 0;
    if (f >> state >> ppid && ppid == pid) ticks += stat_ticks(e.path().string() + "/stat");
  }
  return ticks;
}

double ticks_to_percent(long ticks, double seconds) {
  return seconds <= 0 ? 0 : 100.0 * static_cast<double>(ticks) / static_cast<double>(sysconf(_SC_CLK_TCK)) / seconds;
}

server_cpu server_threads(std::map<int, thread_time> const& before, std::map<int, thread_time> const& after,
                          double seconds) {
  server_cpu out;
  std::size_t i = 0, n = 0;
  for (auto const& [tid, t] : after) n += t.side ? 0 : 1;
  auto pct = [seconds](long long ns) { return seconds > 0 ? static_cast<double>(ns) / 1e7 / seconds : 0; };
  for (auto const& [tid, t] : after) {  // ascending tid: creation order
    auto it = before.find(tid);
    thread_time b = it == before.end() ? thread_time{} : it->second;
    double cpu = pct(t.cpu_ns - b.cpu_ns), wait = pct(t.wait_ns - b.wait_ns);
    if (t.flush) {
      out.flush += cpu;
      continue;
    }
    if (t.side) {
      out.others += cpu;
      continue;
    }
    if (i == 1) {
      out.writer = cpu;
      out.writer_wait = wait;
    } else if (i + 1 == n) {
      out.io = cpu;
      out.io_wait = wait;
    } else {
      out.others += cpu;
    }
    ++i;
  }
  return out;
}

std::string describe(server_cpu const& c) {
  char buf[200];
  std::snprintf(buf, sizeof buf,
                "I/O thread %.0f%% CPU (+%.0f%% waiting for a CPU), writer %.0f%% CPU (+%.0f%% in fsync or waiting), "
                "WAL flush %.0f%% CPU, others %.0f%%",
                c.io, c.io_wait, c.writer, c.writer_wait, c.flush, c.others);
  return buf;
}

double percentile(std::vector<double> const& sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5)];
}

void raise_descriptor_limit() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
}

std::int64_t unix_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void result(std::string const& key, double value) {
  std::printf("RESULT %s %.6g\n", key.c_str(), value);
  std::fflush(stdout);
}

}  // namespace qiandao::bench
