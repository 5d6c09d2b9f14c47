// Early answers reach the client: a body refused from its Content-Length is still read and
// thrown away while the client sends it, so the client finishes writing and reads the 413
// instead of meeting a reset (a socket closed with unread bytes sends RST).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "support/expect.hpp"
#include "support/hostile.hpp"
#include "support/raw_socket.hpp"
#include "support/test_server.hpp"

using namespace qiandao::test;
using namespace std::chrono_literals;

namespace {

// Writes all of `bytes` in 64 KiB pieces; 0, or the errno that stopped it (EPIPE, ECONNRESET…).
int send_in_chunks(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    auto n = ::send(fd, bytes.data(), std::min<std::size_t>(bytes.size(), 64 * 1024), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

// One response from raw bytes: the status, the headers, and what follows the head.
std::optional<http_response> parse_response(std::string const& raw) {
  auto head_end = raw.find("\r\n\r\n");
  if (!raw.starts_with("HTTP/1.1 ") || head_end == std::string::npos) return std::nullopt;
  http_response r;
  r.status = std::stoi(raw.substr(9, 3));
  for (auto at = raw.find("\r\n") + 2; at < head_end;) {
    auto eol = raw.find("\r\n", at);
    auto line = raw.substr(at, eol - at);
    if (auto colon = line.find(':'); colon != std::string::npos)
      r.headers.emplace_back(line.substr(0, colon), line.substr(line.find_first_not_of(' ', colon + 1)));
    at = eol + 2;
  }
  r.body = raw.substr(head_end + 4);
  return r;
}

}  // namespace

TEST_CASE("a 2 MiB body sent whole to a 1 MiB route is read to its end and answered 413 without a reset",
          "[hostile]") {
  test_server srv;
  auto before = data_fingerprint(srv.db_path());
  std::string const body(2u << 20, 'x');
  std::string const head = "POST /api/v1/events/1/registrations HTTP/1.1\r\nHost: 127.0.0.1:" +
                           std::to_string(srv.port()) + "\r\nContent-Type: application/json\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n";
  for (int round = 0; round < 20; ++round) {
    INFO("round " << round);
    raw_socket s(srv.port());
    REQUIRE(send_in_chunks(s.fd(), head) == 0);
    int err = send_in_chunks(s.fd(), body);
    INFO("send: " << (err ? std::strerror(err) : "complete"));
    REQUIRE(err == 0);
    auto raw = s.read_for(5s);
    auto r = parse_response(raw);
    INFO("received: " << raw.substr(0, 300));
    REQUIRE(r);
    require_error(*r, 413, "too_large");
    CHECK(r->body.size() == std::stoul(r->header("Content-Length").value_or("0")));
    CHECK(s.closed_within(3s));  // and then the server closes
  }
  require_alive(srv);
  CHECK(data_fingerprint(srv.db_path()) == before);
}
