// Cross-instance board latency (issue 13, bench/scale.sh): boards spread over several
// instances of one PostgreSQL database, check-ins sent to one of them at a paced rate.
//
//   scale_boards P1,P2,P3 FIXTURE --kiosk-port P1 [--boards 1000,5000] [--rates 10,200]
//                [--seconds 8,4] [--kiosks 16] [--client-threads 2] [--pids A,B,C]
//                [--reference 1]
//
// --boards counts boards PER INSTANCE: 1000 means 1,000 on each of the instances (board i
// watches port i mod n, directly, not through nginx). Boards are opened once per count and
// kept across the rates. FIXTURE is the PREFIX bench_fixture wrote (PREFIX.codes, .token).
//
// Why not the frames' committed_at_us: on PostgreSQL an instance stamps a frame with the time
// it committed the change itself or HEARD of it (the doorbell), so on another instance it
// says nothing about the kiosk's commit. Instead, the clock starts at the kiosk's answer:
// each check-in answered 201 is timed on the client when its answer has been read (Unix µs,
// the same clock the boards read), and the answers, in the order they came, are numbered
// 1…M. Check-in k is on a board once that board's totals.checked_in reaches base + k (base:
// what every board showed before the row; every ticket is a first check-in, so the total
// rises by one per answer). Per check-in: the LAST board's time − the answer's; per board
// and check-in: that board's time − the answer's. With several kiosks in flight the k-th
// answer is not always the k-th commit; at these paced rates (one or a few requests in
// flight) the error is at most the gap between two close answers.
//
// --reference 1: the same rows against the reference broadcaster instead (bench/scale.sh
// starts three `node bench/ws_reference.mjs`, the first passing each fire on to the other
// two): the paced requests are `POST /fire?t=US` to P1 (FIXTURE is then "-"), each answer
// timed as a check-in's, and every board's totals.checked_in rises by one per fire as it does
// per check-in. Its rows are keyed "scale_ref_b<N>_r<R>_…" and have no frame counts (the
// reference keeps no /metrics).
//
// Prints lines for people and "RESULT scale_b<N>_r<R>_…" lines for bench/scale.sh. Never
// asserts on time.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

#include "board_client.hpp"
#include "harness.hpp"
#include "http_load.hpp"

using namespace qiandao::bench;
using namespace std::chrono_literals;

namespace {

template <class T>
std::vector<T> parse_list(std::string const& v) {
  std::vector<T> out;
  std::istringstream in(v);
  for (std::string part; std::getline(in, part, ',');) out.push_back(static_cast<T>(std::stod(part)));
  return out;
}

struct args {
  std::vector<int> ports;
  std::string fixture;
  int kiosk_port = 0;
  std::vector<long> boards{1000, 5000};
  std::vector<long> rates{10, 200};
  std::vector<double> seconds{8, 4};
  int kiosks = 16;
  int client_threads = 2;
  std::vector<int> pids;
  bool reference = false;

  // What the rows trigger and the prefix of their RESULT keys.
  [[nodiscard]] char const* trigger() const { return reference ? "fire" : "check-in"; }
  [[nodiscard]] std::string key_prefix() const { return reference ? "scale_ref_b" : "scale_b"; }
  [[nodiscard]] double seconds_at(std::size_t i) const { return seconds[std::min(i, seconds.size() - 1)]; }
};

args parse(int argc, char** argv) {
  if (argc < 3)
    throw std::invalid_argument(
        "P1,P2,P3 FIXTURE --kiosk-port P [--boards 1000,5000] [--rates 10,200] [--seconds 8,4] [--kiosks 16] "
        "[--client-threads 2] [--pids A,B,C]");
  args a;
  a.ports = parse_list<int>(argv[1]);
  a.fixture = argv[2];
  for (int i = 3; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--kiosk-port") a.kiosk_port = std::stoi(v);
    else if (k == "--boards") a.boards = parse_list<long>(v);
    else if (k == "--rates") a.rates = parse_list<long>(v);
    else if (k == "--seconds") a.seconds = parse_list<double>(v);
    else if (k == "--kiosks") a.kiosks = std::stoi(v);
    else if (k == "--client-threads") a.client_threads = std::stoi(v);
    else if (k == "--pids") a.pids = parse_list<int>(v);
    else if (k == "--reference") a.reference = v == "1";
    else throw std::invalid_argument("unknown flag " + k);
  }
  if (a.ports.empty() || a.kiosk_port == 0) throw std::invalid_argument("the ports and --kiosk-port are needed");
  if (a.seconds.empty() || a.rates.empty()) throw std::invalid_argument("--rates and --seconds need a value");
  return a;
}

double frames_sent(args const& a, int port) {
  return a.reference ? 0 : metric(http_get(port, "/metrics"), "qiandao_board_frames_total");
}

// Latencies in 0.1 ms steps up to 60 s, for percentiles over millions of (board, check-in)
// pairs without keeping them all.
class histogram {
 public:
  void add(double ms) {
    auto i = static_cast<std::size_t>(std::clamp(ms, 0.0, 59999.9) * 10);
    ++bins_[i];
    ++n_;
  }
  [[nodiscard]] double at(double p) const {
    if (n_ == 0) return 0;
    auto want = static_cast<long long>(p * static_cast<double>(n_ - 1)) + 1;
    long long seen = 0;
    for (std::size_t i = 0; i < bins_.size(); ++i)
      if ((seen += bins_[i]) >= want) return static_cast<double>(i) / 10.0;
    return 60000;
  }
  [[nodiscard]] long long count() const { return n_; }

 private:
  std::vector<long long> bins_ = std::vector<long long>(600000);
  long long n_ = 0;
};

// One row: paced check-ins to the kiosk port while every board reads.
void row(args const& a, fixture const& f, std::atomic<std::size_t>& next_code, board_set& boards, long per_place,
         long rate, double seconds) {
  // Every board on the same total first (the previous row's last frames), or the base is moot.
  boards.run_until([&] { auto [lo, hi] = boards.total_range(); return lo == hi && lo >= 0; }, 10000ms);
  auto [lo, hi] = boards.total_range();
  long const base = hi;
  if (lo != hi) std::printf("         (before the row the boards disagree: totals %ld … %ld; base %ld)\n", lo, hi, base);

  std::vector<double> frames0;
  for (int p : a.ports) frames0.push_back(frames_sent(a, p));
  long ticks0 = 0;
  for (int pid : a.pids) ticks0 += process_ticks(pid);
  auto client0 = boards.client_time();
  boards.mark();
  boards.record(true);

  std::mutex m;
  std::vector<std::int64_t> answers;
  load_options o;
  o.port = a.kiosk_port;
  o.connections = a.kiosks;
  o.seconds = seconds;
  o.rate = static_cast<double>(rate);
  o.expect_status = 201;
  std::string prefix = "scale-" + std::to_string(per_place) + "-" + std::to_string(rate) + "-";
  o.next = [&](std::size_t, request& req) {
    if (a.reference) {
      req = fire_request();
      return true;
    }
    auto i = next_code.fetch_add(1);
    if (i >= f.codes.size()) return false;
    req = checkin_request(f.codes[i], prefix + std::to_string(i), f.token);
    return true;
  };
  if (a.reference) o.stamp = stamp_fire;
  o.answered = [&](std::size_t, unsigned status) {
    if (status != 201) return;
    auto now = unix_now_us();
    std::lock_guard lock(m);
    answers.push_back(now);
  };
  load_result r;
  std::atomic<bool> done{false};
  auto t0 = std::chrono::steady_clock::now();
  std::thread kiosks([&] {
    r = run_load(o);
    done = true;
  });
  boards.run_until([&] { return done.load(); }, std::chrono::milliseconds(static_cast<long>(seconds * 1000) + 20000));
  kiosks.join();
  long const made = static_cast<long>(answers.size());
  auto drained = boards.drain_to_total(base + made, 10000ms);
  boards.record(false);
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto client1 = boards.client_time();
  long ticks1 = 0;
  for (int pid : a.pids) ticks1 += process_ticks(pid);
  std::vector<double> frames1;
  for (int p : a.ports) frames1.push_back(frames_sent(a, p));
  auto const st = boards.collect(made);  // resyncs, boards the servers closed, bytes read

  // Check-in k (1-based, in answer order) reached a board when its total became ≥ base + k.
  std::sort(answers.begin(), answers.end());
  auto traces = boards.traces();
  std::size_t const places = a.ports.size();
  std::vector<std::int64_t> last(static_cast<std::size_t>(made), 0);
  std::vector<std::vector<std::int64_t>> last_at(places, std::vector<std::int64_t>(static_cast<std::size_t>(made), 0));
  std::vector<long> unseen(static_cast<std::size_t>(made), 0);  // boards that never showed check-in k
  histogram local, remote;  // per (board, check-in): boards on the kiosks' instance, and the others
  for (auto const& t : traces) {
    long k = 1;
    for (auto [at, total] : t.raised) {
      for (; k <= made && base + k <= total; ++k) {
        auto i = static_cast<std::size_t>(k - 1);
        double ms = static_cast<double>(at - answers[i]) / 1000.0;
        (a.ports[t.port_index] == a.kiosk_port ? local : remote).add(ms);
        last[i] = std::max(last[i], at);
        last_at[t.port_index][i] = std::max(last_at[t.port_index][i], at);
      }
    }
    for (; k <= made; ++k) ++unseen[static_cast<std::size_t>(k - 1)];
  }
  std::vector<double> last_ms, local_last_ms, remote_last_ms;
  long partial = 0;
  for (std::size_t i = 0; i < static_cast<std::size_t>(made); ++i) {
    if (unseen[i] > 0) {
      ++partial;
      continue;  // not on every board within the drain: counted apart, not timed
    }
    last_ms.push_back(static_cast<double>(last[i] - answers[i]) / 1000.0);
    std::int64_t loc = 0, rem = 0;
    for (std::size_t p = 0; p < places; ++p) {
      auto& slot = a.ports[p] == a.kiosk_port ? loc : rem;
      slot = std::max(slot, last_at[p][i]);
    }
    local_last_ms.push_back(static_cast<double>(loc - answers[i]) / 1000.0);
    if (rem > 0) remote_last_ms.push_back(static_cast<double>(rem - answers[i]) / 1000.0);
  }
  for (auto* v : {&last_ms, &local_last_ms, &remote_last_ms}) std::sort(v->begin(), v->end());

  double achieved = r.elapsed_s > 0 ? static_cast<double>(r.ok) / r.elapsed_s : 0;
  long const n = static_cast<long>(traces.size());
  std::printf("%s %zu × %ld boards (%ld open) at %ld/s: %ss %.0f/s to one %s (answer p99 %.1f ms, errors %ld, other %s)%s\n",
              a.reference ? "refer.  " : "scale   ", places, per_place, n, rate, a.trigger(), achieved,
              a.reference ? "broadcaster" : "instance", percentile(r.latency_ms, 0.99), r.errors + r.unfinished,
              describe_statuses(r).c_str(), achieved < 0.9 * static_cast<double>(rate) ? "  RATE NOT REACHED" : "");
  std::printf("         %s → last board  p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms  over %zu %ss"
              " (%ld not on every board within %.1f s of the last answer)\n",
              a.trigger(), percentile(last_ms, 0.5), percentile(last_ms, 0.99), last_ms.empty() ? 0 : last_ms.back(), last_ms.size(),
              a.trigger(), partial, static_cast<double>(drained.count()) / 1000.0);
  std::printf("         last board on the kiosks' instance p99 %.1f ms, on the others p99 %.1f ms;"
              " per board and check-in: there p50 %.1f p99 %.1f ms, others p50 %.1f p99 %.1f ms\n",
              percentile(local_last_ms, 0.99), percentile(remote_last_ms, 0.99), local.at(0.5), local.at(0.99),
              remote.at(0.5), remote.at(0.99));
  std::string sent;
  double deliveries = 0;
  for (std::size_t p = 0; p < places; ++p) {
    sent += (p ? ", " : "") + std::to_string(static_cast<long>(frames1[p] - frames0[p]));
    deliveries += frames1[p] - frames0[p];
  }
  double client_cpu = static_cast<double>(client1.cpu_ns - client0.cpu_ns) / 1e7 / wall;
  double client_wait = static_cast<double>(client1.wait_ns - client0.wait_ns) / 1e7 / wall;
  double busy = (client_cpu + client_wait) / a.client_threads;
  double unread_mb = static_cast<double>(boards.max_unread()) / 1e6;
  bool client_bound = busy >= 90 || unread_mb >= 1;
  double server_cpu = ticks_to_percent(ticks1 - ticks0, wall);
  // The instances' whole CPU (check-ins, re-reads, fan-out) per board frame they sent: what a
  // frame to N boards costs them, for extrapolating to counts this machine cannot read.
  double us_per_delivery = deliveries > 0 ? server_cpu * wall * 1e4 / deliveries : 0;
  double frame_bytes = st.all_frames > 0 ? static_cast<double>(st.bytes) / static_cast<double>(st.all_frames) : 0;
  if (a.reference)
    std::printf("         broadcasters %.0f%% CPU together; frames read %ld, %.0f bytes each; resyncs %ld, boards closed %ld\n",
                server_cpu, st.all_frames, frame_bytes, st.resyncs, st.closed);
  else
    std::printf("         board frames sent by each instance (one per board): %s; instances %.0f%% CPU together, %.1f µs"
                " a board frame; frames read %ld, %.0f bytes each; resyncs %ld, boards closed by a server %ld\n",
                sent.c_str(), server_cpu, us_per_delivery, st.all_frames, frame_bytes, st.resyncs, st.closed);
  std::printf("         board client %.0f%% CPU (+%.0f%% waiting for a CPU) on %d threads, at most %.1f MB unread%s\n",
              client_cpu, client_wait, a.client_threads, unread_mb,
              client_bound ? "  << the client was (partly) the bottleneck" : "");
  auto key = a.key_prefix() + std::to_string(per_place) + "_r" + std::to_string(rate) + "_";
  result(key + "boards", static_cast<double>(n));
  result(key + "made", static_cast<double>(made));
  result(key + "rate", achieved);
  result(key + "last_p50_ms", percentile(last_ms, 0.5));
  result(key + "last_p99_ms", percentile(last_ms, 0.99));
  result(key + "last_max_ms", last_ms.empty() ? 0 : last_ms.back());
  result(key + "local_last_p99_ms", percentile(local_last_ms, 0.99));
  result(key + "remote_last_p99_ms", percentile(remote_last_ms, 0.99));
  result(key + "board_p99_ms", std::max(local.at(0.99), remote.at(0.99)));
  result(key + "partial", static_cast<double>(partial));
  result(key + "server_cpu", server_cpu);
  result(key + "server_us_per_board_frame", us_per_delivery);
  result(key + "frame_bytes", frame_bytes);
  result(key + "resyncs", static_cast<double>(st.resyncs));
  result(key + "closed", static_cast<double>(st.closed));
  result(key + "client_cpu", client_cpu);
  result(key + "client_wait", client_wait);
  result(key + "client_bound", client_bound ? 1 : 0);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    auto a = parse(argc, argv);
    raise_descriptor_limit();
    auto f = a.reference ? fixture{} : load_fixture(a.fixture);
    std::atomic<std::size_t> next_code{0};
    board_set boards(a.ports, a.client_threads);
    std::printf("scale_boards: %zu %s, %s to 127.0.0.1:%d, %zu tickets\n", a.ports.size(),
                a.reference ? "reference broadcasters" : "instances", a.reference ? "fires" : "check-ins", a.kiosk_port,
                f.codes.size());
    for (long per_place : a.boards) {
      long want = per_place * static_cast<long>(a.ports.size());
      long have = boards.ready();
      auto t0 = std::chrono::steady_clock::now();
      if (have < want) boards.open(want - have, 300s);
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::printf("boards   %ld open (%ld more in %.1f s)%s%s\n", boards.ready(), boards.ready() - have, secs,
                  boards.failed() ? "; failed: " : "", boards.first_error().c_str());
      std::string const key = a.key_prefix() + std::to_string(per_place);
      result(key + "_open", static_cast<double>(boards.ready()));
      result(key + "_failed", static_cast<double>(boards.failed()));
      boards.run_for(1000ms);
      for (std::size_t i = 0; i < a.rates.size(); ++i) row(a, f, next_code, boards, per_place, a.rates[i], a.seconds_at(i));
    }
    boards.close_all();
  } catch (std::invalid_argument const& e) {
    std::cerr << "usage: scale_boards " << e.what() << "\n";
    return 2;
  } catch (std::exception const& e) {
    std::cerr << "scale_boards: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
