#pragma once
// A bare TCP connection to the server for clients no HTTP library would be: one that
// dribbles bytes, sends garbage, or just holds a connection open. Helpers throw
// std::runtime_error, never use Catch macros, so worker threads may use them too.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace qiandao::test {

class raw_socket {
 public:
  // Connects to 127.0.0.1:port; `receive_buffer` (SO_RCVBUF) is set before connecting.
  explicit raw_socket(unsigned short port, int receive_buffer = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    if (receive_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      throw std::runtime_error("connect failed: errno " + std::to_string(errno));
    }
  }
  ~raw_socket() { close(); }
  raw_socket(raw_socket&& o) noexcept : fd_(std::exchange(o.fd_, -1)), closed_by_peer_(o.closed_by_peer_) {}
  raw_socket& operator=(raw_socket&&) = delete;
  raw_socket(raw_socket const&) = delete;
  raw_socket& operator=(raw_socket const&) = delete;

  // False when the peer has gone (reset, broken pipe); never raises SIGPIPE.
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        closed_by_peer_ = true;
        return false;
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // What arrives within `timeout` (returns early once the peer closes or something came
  // and then nothing more for 50 ms).
  std::string read_for(std::chrono::milliseconds timeout) {
    std::string got;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!closed_by_peer_) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      int wait = got.empty() ? static_cast<int>(left.count()) : std::min<int>(50, static_cast<int>(left.count()));
      int r = ::poll(&p, 1, wait);
      if (r < 0 && errno == EINTR) continue;
      if (r == 0) {
        if (!got.empty()) break;
        continue;
      }
      char buf[4096];
      auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_by_peer_ = true;  // end of stream or reset
        break;
      }
      got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
  }

  // True once the peer has closed the connection (end of stream or reset) within `timeout`;
  // whatever it sent before is discarded.
  bool closed_within(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!closed_by_peer_ && std::chrono::steady_clock::now() < deadline)
      (void)read_for(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
    return closed_by_peer_;
  }

  [[nodiscard]] bool closed_by_peer() const { return closed_by_peer_; }
  [[nodiscard]] int fd() const { return fd_; }

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  bool closed_by_peer_ = false;
};

}  // namespace qiandao::test
