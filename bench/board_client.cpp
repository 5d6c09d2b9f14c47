#include "board_client.hpp"

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <atomic>
#include <charconv>
#include <string_view>
#include <thread>

#include "harness.hpp"

namespace qiandao::bench {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

// A tiny scanner for the frames' JSON: enough to skip any value and read the few fields the
// accounting needs, without building a document (5,000 boards × frames a second).
struct scanner {
  char const* p;
  char const* end;

  void ws() {
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) ++p;
  }
  bool eat(char c) {
    ws();
    if (p < end && *p == c) {
      ++p;
      return true;
    }
    return false;
  }
  // At an opening quote: the string's raw text (escapes left as they are).
  bool string(std::string_view& out) {
    if (p >= end || *p != '"') return false;
    char const* start = ++p;
    while (p < end) {
      if (*p == '\\') p += 2;
      else if (*p == '"') break;
      else ++p;
    }
    if (p >= end) return false;
    out = std::string_view(start, static_cast<std::size_t>(p - start));
    ++p;
    return true;
  }
  bool skip() {
    ws();
    if (p >= end) return false;
    if (*p == '"') {
      std::string_view ignored;
      return string(ignored);
    }
    if (*p == '{' || *p == '[') {
      int depth = 0;
      while (p < end) {
        char c = *p;
        if (c == '"') {
          std::string_view ignored;
          if (!string(ignored)) return false;
          continue;
        }
        if (c == '{' || c == '[') ++depth;
        else if ((c == '}' || c == ']') && --depth == 0) {
          ++p;
          return true;
        }
        ++p;
      }
      return false;
    }
    while (p < end && *p != ',' && *p != '}' && *p != ']') ++p;
    return true;
  }
  bool integer(std::int64_t& v) {
    ws();
    auto r = std::from_chars(p, end, v);
    if (r.ec != std::errc{}) return skip();
    p = r.ptr;
    return true;
  }
  // Calls f(key) at each key of the object here, positioned at its value; f must consume it.
  template <class F>
  bool object(F&& f) {
    if (!eat('{')) return false;
    if (eat('}')) return true;
    do {
      ws();
      std::string_view key;
      if (!string(key) || !eat(':')) return false;
      ws();
      if (!f(key)) return false;
    } while (eat(','));
    return eat('}');
  }
  // The number of elements of the array here; -1 (the value skipped) when it is not one.
  long array_length() {
    ws();
    if (p >= end || *p != '[') {
      skip();
      return -1;
    }
    ++p;
    long n = 0;
    if (eat(']')) return 0;
    do {
      if (!skip()) return -1;
      ++n;
    } while (eat(','));
    return eat(']') ? n : -1;
  }
};

}  // namespace

bool parse_frame(std::string_view text, frame_info& out) {
  scanner s{text.data(), text.data() + text.size()};
  return s.object([&](std::string_view key) {
    if (key == "type") {
      std::string_view t;
      if (!s.string(t)) return s.skip();
      out.snapshot = t == "snapshot";
      out.update = t == "update";
      return true;
    }
    if (key == "committed_at_us") {
      out.has_committed = true;
      return s.integer(out.committed_us);
    }
    if (key == "recent") {
      out.recent = s.array_length();
      return s.p <= s.end;
    }
    if (key == "checkins") {  // a frame with more than 20 check-ins lists the last 20 and counts all
      std::int64_t v = 0;
      if (!s.integer(v)) return false;
      out.checkins = static_cast<long>(v);
      return true;
    }
    if (key == "totals") {
      return s.object([&](std::string_view k) {
        if (k != "checked_in") return s.skip();
        std::int64_t v = 0;
        if (!s.integer(v)) return false;
        out.checked_in = static_cast<long>(v);
        return true;
      });
    }
    return s.skip();
  });
}

// One board. Its operations form a single chain (connect, handshake, read, read, …), so
// its handlers never run at once even with several client threads: no lock needed here.
class board_conn : public std::enable_shared_from_this<board_conn> {
 public:
  board_conn(net::io_context& ioc, board_set& set, std::size_t place)
      : port_index(place), ws_(ioc), set_(set) {}

  void start(int port) {
    port_ = port;
    net::ip::tcp::endpoint ep(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
    ws_.next_layer().async_connect(ep, beast::bind_front_handler(&board_conn::on_connect, shared_from_this()));
  }

  std::size_t unread() {
    beast::error_code ec;
    return ws_.next_layer().available(ec);
  }

  void close() {
    closing_ = true;
    beast::error_code ignored;
    ws_.next_layer().close(ignored);
  }

  std::size_t const port_index;
  // (committed_at_us, receive time) of every update read while recording.
  std::vector<std::pair<std::int64_t, std::int64_t>> seen;
  // (receive time, totals.checked_in) of every frame that raised it, while recording.
  std::vector<std::pair<std::int64_t, long>> raised;
  long resyncs = 0;
  bool closed_by_server = false;
  // Check-ins this board knows of: totals.checked_in of its last snapshot plus the "recent"
  // entries of every update since (read from other threads by all_counted()).
  std::atomic<long> counted{0};
  long base = 0;          // counted at mark()
  std::atomic<long> last_total{-1};  // totals.checked_in of the last frame that had one
  long long bytes = 0;
  long frames = 0;
  long long single_bytes = 0;
  long single_frames = 0;
  long bad_frames = 0;

 private:
  void on_connect(beast::error_code ec) {
    if (ec) return fail(ec, "connect");
    // The server pings; the stream answers while a read is pending. No idle timer of our own
    // (a plain socket, not beast::tcp_stream, and no idle timeout): nothing re-armed per frame,
    // the client's cost per frame stays small. The handshake is bounded.
    websocket::stream_base::timeout t{};
    t.handshake_timeout = std::chrono::seconds(30);
    t.idle_timeout = websocket::stream_base::none();
    t.keep_alive_pings = false;
    ws_.set_option(t);
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
    frame_info f;
    if (!parse_frame(body, f)) ++bad_frames;
    bytes += static_cast<long long>(body.size());
    ++frames;
    if (f.checked_in >= 0) {
      if (set_.recording() && f.checked_in > last_total.load(std::memory_order_relaxed))
        raised.emplace_back(received, f.checked_in);
      last_total.store(f.checked_in, std::memory_order_relaxed);
    }
    if (f.snapshot) {
      counted.store(f.checked_in >= 0 ? f.checked_in : counted.load(std::memory_order_relaxed),
                    std::memory_order_relaxed);
      if (!got_snapshot_) {
        got_snapshot_ = true;
        set_.on_ready();
      } else {
        ++resyncs;
      }
    } else if (f.update) {
      long n = f.checkins >= 0 ? f.checkins : f.recent;
      if (n > 0) counted.fetch_add(n, std::memory_order_relaxed);
      if (n == 1) {
        single_bytes += static_cast<long long>(body.size());
        ++single_frames;
      }
      if (f.has_committed && set_.recording()) seen.emplace_back(f.committed_us, received);
    }
    buffer_.consume(buffer_.size());
    read();
  }

  void fail(beast::error_code ec, char const* what) {
    if (closing_) return;  // we closed it
    if (!got_snapshot_) return set_.on_failed(std::string(what) + ": " + ec.message());
    closed_by_server = true;
  }

  websocket::stream<net::ip::tcp::socket> ws_;
  board_set& set_;
  beast::flat_buffer buffer_;
  int port_ = 0;
  bool got_snapshot_ = false;
  bool closing_ = false;
};

board_set::board_set(int port, int threads) : board_set(std::vector<int>{port}, threads) {}

board_set::board_set(std::vector<int> ports, int threads)
    : ports_(std::move(ports)), threads_(std::max(1, threads)) {
  for (int i = 0; i < threads_; ++i) {
    iocs_.push_back(std::make_unique<net::io_context>(1));
    guards_.push_back(net::make_work_guard(*iocs_.back()));
  }
}

board_set::~board_set() { close_all(); }

void board_set::start_more() {
  while (to_start_ > 0 && in_handshake_ < 128) {
    --to_start_;
    ++in_handshake_;
    auto place = conns_.size() % ports_.size();
    auto c = std::make_shared<board_conn>(*iocs_[next_ioc_++ % iocs_.size()], *this, place);
    conns_.push_back(c);
    c->start(ports_[place]);
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
    helpers.emplace_back([this, &stop, &ioc = *iocs_[static_cast<std::size_t>(i)]] {
      auto t0 = this_thread_time();
      while (!stop) ioc.run_one_for(std::chrono::milliseconds(50));
      add_time(t0);
    });
  auto t0 = this_thread_time();
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    iocs_[0]->run_one_for(std::chrono::milliseconds(50));
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

void board_set::mark() {
  std::lock_guard lock(mutex_);
  for (auto const& c : conns_) {
    c->seen.clear();
    c->raised.clear();
    c->resyncs = 0;
    c->base = c->counted.load();
    c->bytes = c->frames = c->single_bytes = c->single_frames = 0;
  }
  max_unread_ = 0;
}

bool board_set::all_counted(long made) const {
  std::lock_guard lock(mutex_);
  for (auto const& c : conns_)
    if (c->counted.load(std::memory_order_relaxed) - c->base < made) return false;
  return true;
}

std::chrono::milliseconds board_set::run_until_every(std::chrono::milliseconds every, std::function<bool()> const& done,
                                                     std::chrono::milliseconds limit) {
  auto t0 = std::chrono::steady_clock::now();
  auto next_check = t0;
  run_until(
      [&] {
        auto now = std::chrono::steady_clock::now();
        if (now < next_check) return false;
        next_check = now + every;
        return done();
      },
      limit);
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
}

std::chrono::milliseconds board_set::drain(long made, std::chrono::milliseconds limit) {
  return run_until_every(std::chrono::milliseconds(50), [&] { return all_counted(made); }, limit);
}

board_stats board_set::collect(long made) const {
  std::lock_guard lock(mutex_);
  board_stats s;
  long long single_bytes = 0;
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
    long got = c->counted.load() - c->base;
    ++s.boards;
    s.delivered += std::min(got, made);
    if (got < made) ++s.short_boards;
    if (got > made) ++s.over_boards;
    if (c->last_total >= 0 && c->last_total != c->counted.load()) ++s.totals_disagree;
    s.bad_frames += c->bad_frames;
    s.bytes += c->bytes;
    s.all_frames += c->frames;
    single_bytes += c->single_bytes;
    s.single_frames += c->single_frames;
  }
  s.single_frame_bytes = s.single_frames > 0 ? static_cast<double>(single_bytes) / static_cast<double>(s.single_frames) : 0;
  std::sort(s.latency_ms.begin(), s.latency_ms.end());
  return s;
}

std::pair<long, long> board_set::total_range() const {
  std::lock_guard lock(mutex_);
  long lo = -1, hi = -1;
  for (auto const& c : conns_) {
    long t = c->last_total.load(std::memory_order_relaxed);
    lo = lo < 0 ? t : std::min(lo, t);
    hi = std::max(hi, t);
  }
  return {lo, hi};
}

std::chrono::milliseconds board_set::drain_to_total(long total, std::chrono::milliseconds limit) {
  return run_until_every(std::chrono::milliseconds(20), [&] { return total_range().first >= total; }, limit);
}

std::vector<board_trace> board_set::traces() const {
  std::lock_guard lock(mutex_);
  std::vector<board_trace> out;
  out.reserve(conns_.size());
  for (auto const& c : conns_) out.push_back({c->port_index, c->last_total.load(), c->raised});
  return out;
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
  for (auto& ioc : iocs_) ioc->poll();  // let the aborted reads finish so the connections are freed
}

}  // namespace qiandao::bench
