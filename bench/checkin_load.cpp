// Durable check-ins per second against the real binary: prepares a database with tickets,
// starts `qiandao serve` on it, drives POST /api/v1/checkins from C kiosk connections for a
// few seconds, and prints throughput, latency percentiles and commit batch sizes.
//   checkin_load QIANDAO_BIN [concurrency=8] [seconds=5] [tickets=200000]
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "domain/auth.hpp"
#include "domain/events.hpp"
#include "domain/registrations.hpp"
#include "domain/validate.hpp"
#include "storage/store.hpp"
#include "transport/server.hpp"

namespace net = boost::asio;
namespace http = boost::beast::http;
using clock_type = std::chrono::steady_clock;
using namespace qiandao;

struct fixture {
  std::vector<std::string> codes;
  std::string token;
};

fixture prepare(std::string const& db, int tickets) {
  transport::prepare_database(db);
  storage::store s(db);
  storage::transaction tx(s.db());
  domain::actor admin{domain::role_kind::admin, 0, "bench", std::nullopt};
  domain::event_changes c;
  c.title = "压测活动 / load test";
  c.kind = "conference";
  c.starts_at = "2024-08-19T09:00:00+08:00";
  c.ends_at = "2024-08-19T18:00:00+08:00";
  auto e = domain::create_event(s, admin, c);
  fixture f;
  for (int i = 0; i < tickets; ++i) {
    char phone[16];
    std::snprintf(phone, sizeof phone, "154%08d", i);
    auto r = domain::register_participant(s, admin, e->id, {"压测" + std::to_string(i), phone, "单位", "guest", std::nullopt}, "import");
    f.codes.push_back(r->code);
  }
  f.token = domain::new_secret_token();
  s.insert_device("bench", domain::token_digest(f.token), std::nullopt, domain::now_text());
  tx.commit();
  return f;
}

pid_t start_server(std::string const& bin, std::string const& db, int& port) {
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe");
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    execl(bin.c_str(), bin.c_str(), "serve", "--db", db.c_str(), "--listen", "127.0.0.1:0", nullptr);
    _exit(127);
  }
  close(out[1]);
  std::string line;
  char ch;
  while (read(out[0], &ch, 1) == 1) {
    if (ch != '\n') { line += ch; continue; }
    std::smatch m;
    if (std::regex_search(line, m, std::regex(R"(listening on http://[^:]+:(\d+))"))) {
      port = std::stoi(m[1]);
      return pid;
    }
    line.clear();
  }
  throw std::runtime_error("server did not start");
}

std::string get_metrics(int port) {
  net::io_context ioc;
  net::ip::tcp::socket sock(ioc);
  sock.connect({net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  http::request<http::empty_body> req{http::verb::get, "/metrics", 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(sock, req);
  boost::beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(sock, buf, res);
  return res.body();
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: checkin_load QIANDAO_BIN [concurrency] [seconds] [tickets]\n";
    return 2;
  }
  std::string bin = argv[1];
  int conc = argc > 2 ? std::stoi(argv[2]) : 8;
  int seconds = argc > 3 ? std::stoi(argv[3]) : 5;
  int tickets = argc > 4 ? std::stoi(argv[4]) : 200000;
  domain::init_crypto();
  auto dir = std::filesystem::temp_directory_path() / ("qiandao-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string db = (dir / "bench.db").string();
  auto f = prepare(db, tickets);
  int port = 0;
  pid_t pid = start_server(bin, db, port);

  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex m;
  std::vector<double> latencies_ms;
  std::atomic<long> ok{0}, failed{0};
  auto worker = [&](int id) {
    net::io_context ioc;
    net::ip::tcp::socket sock(ioc);
    sock.connect({net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
    sock.set_option(net::ip::tcp::no_delay(true));
    boost::beast::flat_buffer buf;
    std::vector<double> mine;
    while (!stop.load()) {
      auto i = next.fetch_add(1);
      if (i >= f.codes.size()) break;
      http::request<http::string_body> req{http::verb::post, "/api/v1/checkins", 11};
      req.set(http::field::host, "127.0.0.1");
      req.set(http::field::authorization, "Bearer " + f.token);
      req.set(http::field::content_type, "application/json");
      req.body() = "{\"code\":\"" + f.codes[i] + "\",\"nonce\":\"bench-" + std::to_string(id) + "-" + std::to_string(i) + "\"}";
      req.prepare_payload();
      auto t0 = clock_type::now();
      http::write(sock, req);
      http::response<http::string_body> res;
      http::read(sock, buf, res);
      mine.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
      (res.result_int() == 201 ? ok : failed).fetch_add(1);
    }
    std::lock_guard lock(m);
    latencies_ms.insert(latencies_ms.end(), mine.begin(), mine.end());
  };
  auto t0 = clock_type::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < conc; ++i) threads.emplace_back(worker, i);
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(clock_type::now() - t0).count();
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto pct = [&](double p) { return latencies_ms.empty() ? 0.0 : latencies_ms[static_cast<std::size_t>(p * (latencies_ms.size() - 1))]; };
  std::string metrics = get_metrics(port);
  std::smatch sum, count;
  std::regex_search(metrics, sum, std::regex(R"(qiandao_commit_batch_size_sum (\d+))"));
  std::regex_search(metrics, count, std::regex(R"(qiandao_commit_batch_size_count (\d+))"));
  double mean_batch = count.empty() ? 0 : std::stod(sum[1]) / std::max(1.0, std::stod(count[1]));
  std::printf("concurrency %3d  check-ins/s %8.0f  p50 %6.2f ms  p99 %6.2f ms  ok %ld  failed %ld  mean rows/commit %.1f\n",
              conc, static_cast<double>(ok.load()) / elapsed, pct(0.5), pct(0.99), ok.load(), failed.load(), mean_batch);
  std::regex const bucket(R"re(qiandao_commit_batch_size_bucket\{le="([^"]+)"\} (\d+))re");
  for (std::sregex_iterator it(metrics.begin(), metrics.end(), bucket), end; it != end; ++it)
    std::printf("  batches with <= %-4s rows: %s\n", (*it)[1].str().c_str(), (*it)[2].str().c_str());
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  std::filesystem::remove_all(dir);
  return 0;
}
