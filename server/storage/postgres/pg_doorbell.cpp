#include "storage/postgres/pg_doorbell.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <random>
#include <stdexcept>

namespace qiandao::storage::postgres {

namespace {

using clock = std::chrono::steady_clock;

// A connection of the doorbell's own: keepalives so a server that vanished without a FIN
// is noticed within seconds, not hours.
pg_conn* connect_to(std::string const& target, char const* name) {
  char const* keys[] = {"connect_timeout", "application_name", "keepalives", "keepalives_idle",
                        "keepalives_interval", "keepalives_count", "dbname", nullptr};
  char const* values[] = {"5", name, "1", "5", "2", "3", target.c_str(), nullptr};
  pg_conn* c = PQconnectdbParams(keys, values, 1);
  if (c && PQstatus(c) == CONNECTION_OK) return c;
  std::string msg = c ? PQerrorMessage(c) : "out of memory";
  while (!msg.empty() && msg.back() == '\n') msg.pop_back();
  std::fprintf(stderr, "qiandao: doorbell: connect: %s\n", msg.c_str());
  PQfinish(c);
  return nullptr;
}

bool command_ok(pg_conn* c, PGresult* r, metrics& m, char const* what) {
  auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  bool ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
  if (!ok) {
    char const* st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    m.database_error(st ? st : "08006");
    std::string msg = PQerrorMessage(c);
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    std::fprintf(stderr, "qiandao: doorbell: %s: %s\n", what, msg.c_str());
  }
  PQclear(r);
  return ok;
}

std::string random_instance() {
  std::random_device rd;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%08x%08x", rd(), rd());
  return buf;
}

}  // namespace

pg_doorbell::pg_doorbell(std::string target, metrics& m)
    : target_(std::move(target)), metrics_(m), instance_(random_instance()) {
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

pg_doorbell::~pg_doorbell() {
  stop();
  if (stop_fd_ >= 0) close(stop_fd_);
}

std::string pg_doorbell::payload(std::string const& instance, std::set<domain::id_t> const& events, bool all) {
  std::string p = instance + " ";
  if (all) return p + "*";
  bool first = true;
  for (auto id : events) {
    if (!first) p += ',';
    first = false;
    p += std::to_string(id);
    if (p.size() > max_payload) return instance + " *";
  }
  return p;
}

bool pg_doorbell::parse(std::string_view payload, std::string& instance, domain::board_ring& out) {
  auto space = payload.find(' ');
  if (space == std::string_view::npos || space == 0) return false;
  instance = std::string(payload.substr(0, space));
  auto rest = payload.substr(space + 1);
  out = {};
  if (rest == "*") {
    out.all = true;
    return true;
  }
  while (!rest.empty()) {
    auto comma = rest.find(',');
    auto part = rest.substr(0, comma);
    domain::id_t id = 0;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), id);
    if (ec != std::errc() || p != part.data() + part.size() || id <= 0) return false;
    out.events.insert(id);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
    if (rest.empty()) return false;  // a trailing comma
  }
  return !out.events.empty();
}

void pg_doorbell::start(domain::database::ring_listener heard) {
  if (listener_.joinable()) throw std::logic_error("the doorbell has a listener already");
  heard_ = std::move(heard);
  notifier_ = std::thread([this] { notify_loop(); });
  listener_ = std::thread([this] { listen_loop(); });
}

void pg_doorbell::ring(std::set<domain::id_t> const& events, bool all) {
  {
    std::lock_guard lock(mutex_);
    if (all) pending_all_ = true;
    else if (!pending_all_) pending_.insert(events.begin(), events.end());
    has_pending_ = true;
  }
  wake_.notify_all();
}

void pg_doorbell::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  std::uint64_t one = 1;
  if (stop_fd_ >= 0) (void)!write(stop_fd_, &one, sizeof one);
  if (notifier_.joinable()) notifier_.join();
  if (listener_.joinable()) listener_.join();
}

bool pg_doorbell::sleep_for(std::chrono::milliseconds d) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, d, [this] { return stopping_; });
  return !stopping_;
}

void pg_doorbell::notify_loop() {
  pg_conn* conn = nullptr;
  auto last = clock::now() - min_gap;
  auto backoff = std::chrono::milliseconds(100);
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return has_pending_ || stopping_; });
    // What was rung before stopping still goes out: the others must hear the last commits.
    if (!has_pending_) break;
    // Leading edge: at once after a quiet spell; then at most once per min_gap, with
    // everything that changed meanwhile in one ring.
    auto due = last + min_gap;
    if (!stopping_ && clock::now() < due) {
      wake_.wait_until(lock, due, [this] { return stopping_; });
    }
    auto text = payload(instance_, pending_, pending_all_);
    pending_.clear();
    pending_all_ = false;
    has_pending_ = false;
    lock.unlock();
    if (!conn) conn = connect_to(target_, "qiandao-doorbell");
    bool sent = false;
    if (conn) {
      char const* params[] = {text.c_str()};
      sent = command_ok(conn, PQexecParams(conn, "SELECT pg_notify('qiandao_board', $1)", 1, nullptr, params,
                                           nullptr, nullptr, 0),
                        metrics_, "notify");
      if (!sent) {
        PQfinish(conn);
        conn = nullptr;
      }
    }
    last = clock::now();
    lock.lock();
    if (sent) {
      metrics_.doorbell_sent();
      backoff = std::chrono::milliseconds(100);
      continue;
    }
    // Not rung: keep it for the next try (the others' safety net re-reads within a second anyway).
    has_pending_ = true;
    pending_all_ = true;
    if (stopping_) break;
    wake_.wait_for(lock, backoff, [this] { return stopping_; });
    backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
    if (stopping_) break;
  }
  lock.unlock();
  PQfinish(conn);
}

void pg_doorbell::listen_loop() {
  auto backoff = std::chrono::milliseconds(100);
  bool connected_before = false;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
    pg_conn* conn = connect_to(target_, "qiandao-listen");
    if (conn && !command_ok(conn, PQexec(conn, "LISTEN qiandao_board"), metrics_, "listen")) {
      PQfinish(conn);
      conn = nullptr;
    }
    if (!conn) {
      if (!sleep_for(backoff)) break;
      backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
      continue;
    }
    backoff = std::chrono::milliseconds(100);
    if (connected_before) metrics_.listener_reconnect();
    connected_before = true;
    listening_ = true;
    // Whatever happened while nobody listened: rebuild, and a fresh snapshot to every board.
    heard_(domain::board_ring{{}, true, true});
    auto next_safety = clock::now() + safety_every;
    bool lost = false;
    while (!lost) {
      auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_safety - clock::now());
      pollfd fds[2] = {{PQsocket(conn), POLLIN, 0}, {stop_fd_, POLLIN, 0}};
      int n = poll(fds, 2, static_cast<int>(std::max<std::int64_t>(wait.count(), 0)));
      if (n < 0 && errno != EINTR) lost = true;
      if (fds[1].revents) break;
      if (n > 0 && fds[0].revents) {
        if (!PQconsumeInput(conn)) {
          std::string msg = PQerrorMessage(conn);
          while (!msg.empty() && msg.back() == '\n') msg.pop_back();
          std::fprintf(stderr, "qiandao: doorbell: listener lost: %s\n", msg.c_str());
          metrics_.database_error("08006");
          lost = true;
        }
        domain::board_ring heard;
        bool any = false;
        while (PGnotify* note = PQnotifies(conn)) {
          std::string who;
          domain::board_ring r;
          if (parse(note->extra, who, r) && who != instance_) {
            metrics_.doorbell_received();
            any = true;
            heard.all = heard.all || r.all;
            heard.events.insert(r.events.begin(), r.events.end());
          }
          PQfreemem(note);
        }
        if (any) {
          heard.at_us = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
          heard_(std::move(heard));
        }
      }
      if (clock::now() >= next_safety) {
        heard_(domain::board_ring{{}, true, false});
        next_safety = clock::now() + safety_every;
      }
    }
    listening_ = false;
    PQfinish(conn);
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
  }
}

}  // namespace qiandao::storage::postgres
