#include "http_load.hpp"

#include <unistd.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <chrono>
#include <memory>
#include <thread>

#include "harness.hpp"

namespace qiandao::bench {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using steady = std::chrono::steady_clock;

namespace {

// What one client thread gathers; only that thread touches it.
struct shard {
  std::vector<double> latency_ms;
  long ok = 0, errors = 0, live = 0;
  std::map<unsigned, long> other_status;
  std::string first_error;
  steady::time_point last_answer{};
};

class conn : public std::enable_shared_from_this<conn> {
 public:
  conn(net::io_context& ioc, load_options const& o, std::size_t index, shard& out, steady::time_point start)
      : stream_(ioc), timer_(ioc), o_(o), index_(index), out_(out), start_(start),
        deadline_(start + std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(o.seconds))) {}

  void start() {
    ++out_.live;
    stream_.expires_after(std::chrono::seconds(10));
    net::ip::tcp::endpoint ep(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(o_.port));
    stream_.async_connect(ep, beast::bind_front_handler(&conn::on_connect, shared_from_this()));
  }

 private:
  void on_connect(beast::error_code ec) {
    if (ec) return fail(ec, "connect");
    stream_.socket().set_option(net::ip::tcp::no_delay(true));
    next();
  }

  // Paced runs send request k of connection i at start + (k·C + i) / rate.
  void next() {
    if (steady::now() >= deadline_ || !o_.next(index_, req_)) return done();
    if (o_.rate > 0) {
      double at = (static_cast<double>(sent_) * o_.connections + static_cast<double>(index_)) / o_.rate;
      auto due = start_ + std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(at));
      if (due > steady::now()) {
        timer_.expires_at(due);
        timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
          if (!ec) self->send();
        });
        return;
      }
    }
    send();
  }

  void send() {
    ++sent_;
    if (o_.stamp) o_.stamp(req_);
    sent_at_ = steady::now();
    stream_.expires_after(std::chrono::seconds(10));
    http::async_write(stream_, req_, beast::bind_front_handler(&conn::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return fail(ec, "write");
    res_ = {};
    http::async_read(stream_, buffer_, res_, beast::bind_front_handler(&conn::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return fail(ec, "read");
    auto now = steady::now();
    out_.last_answer = std::max(out_.last_answer, now);
    out_.latency_ms.push_back(std::chrono::duration<double, std::milli>(now - sent_at_).count());
    if (res_.result_int() == o_.expect_status) ++out_.ok;
    else ++out_.other_status[res_.result_int()];
    if (o_.answered) o_.answered(index_, res_.result_int());
    if (!res_.keep_alive()) return fail(beast::error_code{}, "server closed the connection");
    next();
  }

  void fail(beast::error_code ec, char const* what) {
    ++out_.errors;
    if (out_.first_error.empty()) out_.first_error = std::string(what) + (ec ? ": " + ec.message() : "");
    done();
  }

  void done() {
    --out_.live;
    beast::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  }

  beast::tcp_stream stream_;
  net::steady_timer timer_;
  load_options const& o_;
  std::size_t index_;
  shard& out_;
  steady::time_point start_, deadline_, sent_at_{};
  long sent_ = 0;
  beast::flat_buffer buffer_;
  request req_;
  http::response<http::string_body> res_;
};

}  // namespace

load_result run_load(load_options const& o) {
  int threads = std::max(1, o.threads);
  std::vector<std::unique_ptr<net::io_context>> iocs;
  std::vector<shard> shards(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t) iocs.push_back(std::make_unique<net::io_context>(1));
  auto cpu0 = process_ticks(getpid());
  auto start = steady::now();
  for (int i = 0; i < o.connections; ++i) {
    auto t = static_cast<std::size_t>(i % threads);
    std::make_shared<conn>(*iocs[t], o, static_cast<std::size_t>(i), shards[t], start)->start();
  }
  auto cutoff = std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(o.seconds + 15));
  std::vector<std::thread> pool;
  for (auto& ioc : iocs) pool.emplace_back([&ioc, cutoff] { ioc->run_for(cutoff); });
  for (auto& th : pool) th.join();
  auto end = steady::now();
  load_result r;
  steady::time_point last = start;
  for (auto& s : shards) {
    r.latency_ms.insert(r.latency_ms.end(), s.latency_ms.begin(), s.latency_ms.end());
    r.ok += s.ok;
    r.errors += s.errors;
    r.unfinished += s.live;
    for (auto [k, v] : s.other_status) r.other_status[k] += v;
    if (r.first_error.empty()) r.first_error = s.first_error;
    last = std::max(last, s.last_answer);
  }
  std::sort(r.latency_ms.begin(), r.latency_ms.end());
  r.elapsed_s = std::chrono::duration<double>(last - start).count();
  r.client_cpu_percent = ticks_to_percent(process_ticks(getpid()) - cpu0,
                                          std::chrono::duration<double>(end - start).count());
  return r;
}

request checkin_request(std::string const& code, std::string const& nonce, std::string const& token) {
  request req{http::verb::post, "/api/v1/checkins", 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::authorization, "Bearer " + token);
  req.set(http::field::content_type, "application/json");
  req.body() = R"({"code":")" + code + R"(","nonce":")" + nonce + "\"}";
  req.prepare_payload();
  return req;
}

request fire_request() {
  request req{http::verb::post, "/fire", 11};
  req.set(http::field::host, "127.0.0.1");
  req.prepare_payload();
  return req;
}

void stamp_fire(request& req) { req.target("/fire?t=" + std::to_string(unix_now_us())); }

std::string describe_statuses(load_result const& r) {
  std::string out;
  for (auto [k, v] : r.other_status) {
    if (!out.empty()) out += ' ';
    out += std::to_string(k);
    out += ':';
    out += std::to_string(v);
  }
  return out.empty() ? "none" : out;
}

}  // namespace qiandao::bench
