#include "board_client.hpp"

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <charconv>
#include <string_view>
#include <thread>

#include "harness.hpp"

namespace qiandao::bench {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

bool committed_at(std::string_view frame, std::int64_t& us) {
  // The hub's keys are sorted, so the field sits right after the seq prefix.
  constexpr std::string_view key = "\"committed_at_us\":";
  auto at = frame.substr(0, 64).find(key);
  if (at == std::string_view::npos) return false;
  auto start = frame.data() + at + key.size();
  return std::from_chars(start, frame.data() + frame.size(), us).ec == std::errc{};
}

// One board. Its operations form a single chain (connect, handshake, read, read, …), so
// its handlers never run at once even with several client threads: no lock needed here.
class board_conn : public std::enable_shared_from_this<board_conn> {
 public:
  board_conn(net::io_context& ioc, board_set& set) : ws_(ioc), set_(set) {}

  void start(int port) {
    port_ = port;
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(30));
    net::ip::tcp::endpoint ep(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
    beast::get_lowest_layer(ws_).async_connect(ep, beast::bind_front_handler(&board_conn::on_connect, shared_from_this()));
  }

  std::size_t unread() {
    beast::error_code ec;
    return beast::get_lowest_layer(ws_).socket().available(ec);
  }

  void close() {
    closing_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  // (committed_at_us, receive time) of every update read while recording.
  std::vector<std::pair<std::int64_t, std::int64_t>> seen;
  long resyncs = 0;
  bool closed_by_server = false;

 private:
  void on_connect(beast::error_code ec) {
    if (ec) return fail(ec, "connect");
    beast::get_lowest_layer(ws_).expires_never();
    // The server pings; the stream answers while a read is pending.
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    ws_.async_handshake("127.0.0.1:" + std::to_string(port_), "/api/v1/board/ws",
                        beast::bind_front_handler(&board_conn::on_handshake, shared_from_this()));
  }

  void on_handshake(beast::error_code ec) {
    if (ec) return fail(ec, "handshake");
    read();
  }

  void read() { ws_.async_read(buffer_, beast::bind_front_handler(&board_conn::on_read, shared_from_this())); }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return fail(ec, "read");
    std::int64_t received = unix_now_us();
    std::string_view body(static_cast<char const*>(buffer_.data().data()), buffer_.size());
    std::int64_t committed = 0;
    if (committed_at(body, committed)) {
      if (set_.recording()) seen.emplace_back(committed, received);
    } else if (!got_snapshot_) {
      got_snapshot_ = true;
      set_.on_ready();
    } else if (set_.recording()) {
      ++resyncs;
    }
    buffer_.consume(buffer_.size());
    read();
  }

  void fail(beast::error_code ec, char const* what) {
    if (closing_) return;  // we closed it
    if (!got_snapshot_) return set_.on_failed(std::string(what) + ": " + ec.message());
    closed_by_server = true;
  }

  websocket::stream<beast::tcp_stream> ws_;
  board_set& set_;
  beast::flat_buffer buffer_;
  int port_ = 0;
  bool got_snapshot_ = false;
  bool closing_ = false;
};

board_set::board_set(int port, int threads)
    : ioc_(threads), guard_(ioc_.get_executor()), port_(port), threads_(std::max(1, threads)) {}

board_set::~board_set() { close_all(); }

void board_set::start_more() {
  while (to_start_ > 0 && in_handshake_ < 128) {
    --to_start_;
    ++in_handshake_;
    auto c = std::make_shared<board_conn>(ioc_, *this);
    conns_.push_back(c);
    c->start(port_);
  }
}

void board_set::on_ready() {
  std::lock_guard lock(mutex_);
  ++ready_;
  --in_handshake_;
  start_more();
}

void board_set::on_failed(std::string const& what) {
  std::lock_guard lock(mutex_);
  ++failed_;
  --in_handshake_;
  if (first_error_.empty()) first_error_ = what;
  start_more();
}

std::string board_set::first_error() const {
  std::lock_guard lock(mutex_);
  return first_error_;
}

long board_set::open(long n, std::chrono::seconds limit) {
  long target = ready_ + failed_ + n;
  {
    std::lock_guard lock(mutex_);
    to_start_ += n;
    start_more();
  }
  run_until([&] { return ready_ + failed_ >= target; }, limit);
  return ready_;
}

void board_set::run_until(std::function<bool()> const& done, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  std::atomic<bool> stop{false};
  std::vector<std::thread> helpers;
  for (int i = 1; i < threads_; ++i)
    helpers.emplace_back([this, &stop] {
      auto t0 = this_thread_time();
      while (!stop) ioc_.run_one_for(std::chrono::milliseconds(50));
      add_time(t0);
    });
  auto t0 = this_thread_time();
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    ioc_.run_one_for(std::chrono::milliseconds(50));
    if (recording()) sample_unread();
  }
  stop = true;
  add_time(t0);
  for (auto& t : helpers) t.join();
}

void board_set::add_time(thread_time const& before) {
  auto now = this_thread_time();
  client_cpu_ns_ += now.cpu_ns - before.cpu_ns;
  client_wait_ns_ += now.wait_ns - before.wait_ns;
}

void board_set::run_for(std::chrono::milliseconds d) {
  run_until([] { return false; }, d);
}

void board_set::sample_unread() {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  if (now - last_sample_ < std::chrono::milliseconds(250)) return;
  last_sample_ = now;
  long long sum = 0;
  for (auto const& c : conns_) sum += static_cast<long long>(c->unread());
  max_unread_ = std::max(max_unread_, sum);
}

board_stats board_set::collect() const {
  std::lock_guard lock(mutex_);
  board_stats s;
  for (auto const& c : conns_) {
    for (auto [committed, received] : c->seen) {
      s.latency_ms.push_back(static_cast<double>(received - committed) / 1000.0);
      auto& f = s.frames[committed];
      f.latest_us = std::max(f.latest_us, received);
      ++f.receivers;
    }
    s.updates += static_cast<long>(c->seen.size());
    s.resyncs += c->resyncs;
    s.closed += c->closed_by_server ? 1 : 0;
  }
  std::sort(s.latency_ms.begin(), s.latency_ms.end());
  return s;
}

void board_set::close_all() {
  {
    std::lock_guard lock(mutex_);
    for (auto& c : conns_) c->close();
    conns_.clear();
    to_start_ = 0;
    in_handshake_ = 0;
  }
  ready_ = 0;
  failed_ = 0;
  ioc_.poll();  // let the aborted reads finish so the connections are freed
}

}  // namespace qiandao::bench
