#include "support/child_server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

#ifndef QIANDAO_BIN
#error "QIANDAO_BIN must name the qiandao binary"
#endif

namespace qiandao::test {

using namespace std::chrono_literals;

child_server::child_server(std::string const& db, std::string const& log, std::vector<std::string> const& extra) {
  std::vector<std::string> args = {QIANDAO_BIN, "serve", "--db", db, "--listen", "127.0.0.1:0", "--threads", "2"};
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  int err = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  pid_ = fork();
  if (pid_ == 0) {
    // Only async-signal-safe calls between fork and exec.
    dup2(fds[1], STDOUT_FILENO);
    if (err >= 0) dup2(err, STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  if (err >= 0) close(err);
  out_ = fds[0];
  if (pid_ < 0) throw std::runtime_error("fork failed");
  try {
    port_ = read_port();
  } catch (...) {
    kill_now();
    throw;
  }
}

child_server::~child_server() { kill_now(); }

void child_server::close_output() {
  if (out_ >= 0) {
    close(out_);
    out_ = -1;
  }
}

void child_server::kill_now() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  close_output();
}

std::optional<int> child_server::terminate(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  ::kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      close_output();
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      return std::nullopt;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      kill_now();
      return std::nullopt;
    }
    std::this_thread::sleep_for(10ms);
  }
}

// Reads stdout until "Qiandao listening on http://127.0.0.1:PORT/" (at most 15 s).
unsigned short child_server::read_port() {
  std::string seen;
  auto deadline = std::chrono::steady_clock::now() + 15s;
  std::string const marker = "Qiandao listening on http://127.0.0.1:";
  while (std::chrono::steady_clock::now() < deadline) {
    auto at = seen.find(marker);
    if (at != std::string::npos && seen.find('/', at + marker.size()) != std::string::npos)
      return static_cast<unsigned short>(std::stoi(seen.substr(at + marker.size())));
    pollfd p{out_, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    char buf[512];
    auto n = read(out_, buf, sizeof buf);
    if (n <= 0) break;
    seen.append(buf, static_cast<std::size_t>(n));
  }
  throw std::runtime_error("the server did not say it was listening; stdout: " + seen);
}

std::optional<int> run_qiandao(std::vector<std::string> const& args, std::string const& log,
                               std::chrono::milliseconds timeout, std::optional<std::string> const& input_file) {
  std::vector<std::string> all = {QIANDAO_BIN};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  int in = input_file ? open(input_file->c_str(), O_RDONLY | O_CLOEXEC) : -1;
  pid_t pid = fork();
  if (pid == 0) {
    if (in >= 0) dup2(in, STDIN_FILENO);
    if (out >= 0) {
      dup2(out, STDOUT_FILENO);
      dup2(out, STDERR_FILENO);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  if (out >= 0) close(out);
  if (in >= 0) close(in);
  if (pid < 0) throw std::runtime_error("fork failed");
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      return std::nullopt;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return std::nullopt;
    }
    std::this_thread::sleep_for(5ms);
  }
}

}  // namespace qiandao::test
