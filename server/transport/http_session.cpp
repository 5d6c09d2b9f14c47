#include "transport/http_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <algorithm>
#include <array>
#include <type_traits>
#include <boost/beast/websocket.hpp>

#include "transport/board_hub.hpp"
#include "transport/websocket_session.hpp"

namespace qiandao::transport {

namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

constexpr auto tuple_awaitable = net::as_tuple(net::use_awaitable);

response refuse(unsigned version, http::status s, char const* code, char const* message) {
  request dummy{http::verb::get, "/", version};
  auto res = json_response(dummy, s, error_body(domain::make_error(domain::error_kind::malformed, code, message)));
  res.keep_alive(false);
  return res;
}

bool origin_allowed(app const& a, request const& req) {
  auto origin = req.find(http::field::origin);
  if (origin == req.end()) return true;  // not a browser: no cross-site risk to guard
  std::string_view o = origin->value();
  auto host = req.find(http::field::host);
  if (host != req.end() && (o == "http://" + std::string(host->value()) || o == "https://" + std::string(host->value())))
    return true;
  for (auto const& allowed : a.cfg.allowed_origins)
    if (o == allowed) return true;
  return false;
}

bool board_token_ok(app const& a, request const& req) {
  if (!a.cfg.board_token) return true;
  auto q = parse_query(req.target());
  auto it = q.find("token");
  return it != q.end() && it->second == *a.cfg.board_token;
}

template <class Stream>
std::string remote_of(Stream& s) {
  beast::error_code ec;
  auto ep = beast::get_lowest_layer(s).socket().remote_endpoint(ec);
  return ec ? "unknown" : ep.address().to_string();
}

// Closing a socket with unread bytes makes the kernel send RST, which can destroy an early
// answer (a 413 for a body still arriving) before the client reads it: the client sees
// EPIPE or ECONNRESET instead. So, like nginx's lingering close, stop writing, then read and
// discard what still comes, for a bounded time and amount, before closing.
template <class Stream>
net::awaitable<void> linger(Stream& stream) {
  if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
    beast::error_code ignored;
    stream.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  }
  // Over TLS the close_notify follows in the caller; until then the peer's records are read
  // (and dropped) through the TLS layer.
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
  std::array<char, 16 * 1024> scratch{};
  for (std::size_t total = 0; total < 4 * 1024 * 1024;) {
    auto [ec, n] = co_await stream.async_read_some(net::buffer(scratch), tuple_awaitable);
    if (ec) break;  // end of stream, the deadline, a reset: each ends the wait
    total += n;
  }
}

// An answer's status line and fields, as Beast's serializer writes them. The answer then goes
// out as this and the body in one gathered write: on the check-in path the serializer's walk
// over its buffer sequence cost more CPU than the send itself.
std::string head_of(response const& res) {
  std::string h;
  h.reserve(320);
  h += res.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  h += std::to_string(res.result_int());
  h += ' ';
  h += res.reason();
  h += "\r\n";
  for (auto const& f : res) {
    h += f.name_string();
    h += ": ";
    h += f.value();
    h += "\r\n";
  }
  h += "\r\n";
  return h;
}

}  // namespace

namespace {

// A plain board moves to the hub's own thread: its fan-out never runs on the I/O threads
// that answer kiosks and staff. (Not a coroutine: GCC 12 mishandles init-captures in them.)
void to_board_thread(beast::tcp_stream& stream, app& a, http::request<http::string_body> req) {
  beast::error_code ec;
  auto protocol = stream.socket().local_endpoint(ec).protocol();
  if (ec) return;
  auto fd = stream.socket().release(ec);
  if (ec) return;
  board_socket moved(a.hub->executor());
  moved.assign(protocol, fd, ec);
  if (ec) return;
  moved.set_option(net::socket_base::send_buffer_size(websocket_session<board_socket>::send_buffer_bytes), ec);
  auto session = std::make_shared<websocket_session<board_socket>>(std::move(moved), a.hub, true);
  net::post(a.hub->executor(), [session, req = std::move(req)]() mutable { session->run(std::move(req)); });
}

}  // namespace

template <class Stream>
net::awaitable<void> run_http_session(Stream stream, app& a, router& r) {
  auto& tcp = beast::get_lowest_layer(stream);
  beast::flat_buffer buffer;
  std::string remote = remote_of(stream);
  bool unread = false;  // answered before the whole request was read: more may be on its way
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    // Beast checks Content-Length against the limit as the header ends, so the header is read
    // under the largest limit and the route's own limit is applied just after.
    parser.body_limit(std::max(a.cfg.max_body_bytes, a.cfg.max_import_bytes));
    // One deadline for the whole request: a slow sender (slowloris) is cut off.
    tcp.expires_after(std::chrono::seconds(a.cfg.header_timeout_seconds));
    auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, tuple_awaitable);
    if (!ec && !parser.is_done()) {
      // Each route carries its own limit: spreadsheet imports may be larger than any other body.
      std::size_t limit = r.body_limit(parser.get().method(), parser.get().target());
      if (limit > a.cfg.max_body_bytes) tcp.expires_after(std::chrono::seconds(a.cfg.header_timeout_seconds * 6));
      if (parser.content_length() && *parser.content_length() > limit) ec = http::error::body_limit;
      else {
        parser.body_limit(limit);
        std::tie(ec, n) = co_await http::async_read(stream, buffer, parser, tuple_awaitable);
      }
    }
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset || ec == net::error::eof)
      break;
    if (ec) {
      auto res = ec == http::error::body_limit || ec == http::error::header_limit
                     ? refuse(11, http::status::payload_too_large, "too_large", "请求过大 / request too large")
                     : refuse(11, http::status::bad_request, "malformed", "无法解析的请求 / malformed request");
      a.counters.request("invalid", res.result_int());
      tcp.expires_after(std::chrono::seconds(5));
      auto [wec, wn] = co_await http::async_write(stream, res, tuple_awaitable);
      unread = !wec;
      break;
    }
    request req = parser.release();
    if (req.find(http::field::transfer_encoding) != req.end() || req.find(http::field::trailer) != req.end()) {
      auto res = refuse(req.version(), http::status::bad_request, "malformed",
                        "不支持分块传输，请使用 Content-Length / send Content-Length, not Transfer-Encoding");
      tcp.expires_after(std::chrono::seconds(5));
      auto [wec, wn] = co_await http::async_write(stream, res, tuple_awaitable);
      unread = !wec;
      break;
    }
    std::string_view target = req.target();
    if (websocket::is_upgrade(req) && target.substr(0, target.find('?')) == "/api/v1/board/ws") {
      if (!origin_allowed(a, req) || !board_token_ok(a, req)) {
        auto res = refuse(req.version(), http::status::forbidden, "forbidden", "来源不被允许 / origin not allowed");
        a.counters.request("/api/v1/board/ws", 403);
        co_await http::async_write(stream, res, tuple_awaitable);
        break;
      }
      a.counters.request("/api/v1/board/ws", 101);
      tcp.expires_never();
      if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
        to_board_thread(stream, a, std::move(req));
      } else {
        // TLS state stays with the I/O thread that holds it; the hub posts its frames there.
        std::make_shared<websocket_session<Stream>>(std::move(stream), a.hub, false)->run(std::move(req));
      }
      co_return;
    }
    // The writer may take a moment under load; the answer is still owed.
    tcp.expires_never();
    ++a.in_flight;
    response res = co_await r.handle(req, remote);
    res.keep_alive(req.keep_alive() && !a.stopping.load());
    tcp.expires_after(std::chrono::seconds(30));
    std::string const head = head_of(res);
    std::array<net::const_buffer, 2> const bytes{net::buffer(head), net::buffer(res.body())};
    auto [wec, wn] = co_await net::async_write(stream, bytes, tuple_awaitable);
    --a.in_flight;  // shutdown waits for every owed answer to be written
    if (wec || !res.keep_alive()) break;
  }
  if (unread) co_await linger(stream);
  if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
    beast::error_code ignored;
    stream.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  } else {
    tcp.expires_after(std::chrono::seconds(3));
    co_await stream.async_shutdown(tuple_awaitable);  // a peer that vanished is not an error
  }
}

template net::awaitable<void> run_http_session(beast::tcp_stream, app&, router&);
template net::awaitable<void> run_http_session(beast::ssl_stream<beast::tcp_stream>, app&, router&);

}  // namespace qiandao::transport
