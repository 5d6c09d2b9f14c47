#pragma once
// `qiandao serve` as a child process, for tests that kill, signal or restart the real
// binary. Killed (SIGKILL) when the object goes, if it is still running.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace qiandao::test {

class child_server {
 public:
  // Starts `QIANDAO_BIN serve --db DB --listen 127.0.0.1:0 --threads 2 [extra…]`, stderr
  // appended to `log`, and waits (at most 15 s) for the line that names the port.
  child_server(std::string const& db, std::string const& log, std::vector<std::string> const& extra = {});
  ~child_server();
  child_server(child_server const&) = delete;
  child_server& operator=(child_server const&) = delete;

  [[nodiscard]] unsigned short port() const { return port_; }
  [[nodiscard]] bool running() const { return pid_ > 0; }

  void kill_now();  // SIGKILL and reap
  // SIGTERM, then waits up to `timeout` for the exit. The exit code, or nothing when the
  // process did not exit in time (then it is killed) or died from a signal.
  std::optional<int> terminate(std::chrono::milliseconds timeout);

 private:
  unsigned short read_port();
  void close_output();

  pid_t pid_ = -1;
  int out_ = -1;
  unsigned short port_ = 0;
};

// Runs `QIANDAO_BIN args…` to the end (stdout and stderr appended to `log`); its exit code,
// or nothing when it died from a signal or ran past `timeout` (then it is killed).
// With `input_file`, standard input comes from that file (e.g. a password for `user passwd`).
std::optional<int> run_qiandao(std::vector<std::string> const& args, std::string const& log,
                               std::chrono::milliseconds timeout,
                               std::optional<std::string> const& input_file = std::nullopt);

}  // namespace qiandao::test
