#include "metrics.hpp"

#include <sstream>

namespace qiandao {

void metrics::request(std::string_view route, int status) {
  std::lock_guard lock(routes_mutex_);
  auto it = routes_.find(std::pair<std::string_view, int>(route, status));
  if (it == routes_.end()) it = routes_.emplace(std::pair<std::string, int>(route, status), 0).first;
  ++it->second;
}

void metrics::batch(std::size_t size) {
  std::size_t i = 0;
  while (i < batch_bounds.size() && size > batch_bounds[i]) ++i;
  batch_buckets_[i].fetch_add(1, std::memory_order_relaxed);
  batch_count_.fetch_add(1, std::memory_order_relaxed);
  batch_sum_.fetch_add(size, std::memory_order_relaxed);
}

void metrics::database_error(std::string const& code) {
  std::lock_guard lock(errors_mutex_);
  ++database_errors_[code.empty() ? "unknown" : code];
}

std::string metrics::render() const {
  std::ostringstream o;
  o << "# HELP qiandao_http_requests_total HTTP requests by route and status.\n"
       "# TYPE qiandao_http_requests_total counter\n";
  {
    std::lock_guard lock(routes_mutex_);
    for (auto const& [k, n] : routes_) {
      o << "qiandao_http_requests_total{route=\"" << k.first << "\",status=\"" << k.second
        << "\"} " << n << "\n";
    }
  }
  o << "# HELP qiandao_checkins_total First check-ins committed.\n"
       "# TYPE qiandao_checkins_total counter\n"
       "qiandao_checkins_total "
    << checkins_.load() << "\n";
  o << "# HELP qiandao_commit_batch_size Requests committed per transaction.\n"
       "# TYPE qiandao_commit_batch_size histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < batch_bounds.size(); ++i) {
    cumulative += batch_buckets_[i].load();
    o << "qiandao_commit_batch_size_bucket{le=\"" << batch_bounds[i] << "\"} " << cumulative
      << "\n";
  }
  cumulative += batch_buckets_[batch_bounds.size()].load();
  o << "qiandao_commit_batch_size_bucket{le=\"+Inf\"} " << cumulative << "\n"
    << "qiandao_commit_batch_size_sum " << batch_sum_.load() << "\n"
    << "qiandao_commit_batch_size_count " << batch_count_.load() << "\n";
  o << "# HELP qiandao_board_connections Open board WebSocket connections.\n"
       "# TYPE qiandao_board_connections gauge\n"
       "qiandao_board_connections "
    << boards_.load() << "\n";
  o << "# HELP qiandao_board_frames_total Board frames written.\n"
       "# TYPE qiandao_board_frames_total counter\n"
       "qiandao_board_frames_total "
    << frames_.load() << "\n";
  o << "# HELP qiandao_storage_failures_total Batches that failed to commit.\n"
       "# TYPE qiandao_storage_failures_total counter\n"
       "qiandao_storage_failures_total "
    << storage_failures_.load() << "\n";
  o << "# HELP qiandao_wal_flushes_total fsyncs of SQLite's WAL, each covering every COMMIT before it.\n"
       "# TYPE qiandao_wal_flushes_total counter\n"
       "qiandao_wal_flushes_total "
    << wal_flushes_.load() << "\n";
  o << "# HELP qiandao_database_errors_total Database errors by code (SQLSTATE on PostgreSQL).\n"
       "# TYPE qiandao_database_errors_total counter\n";
  {
    std::lock_guard lock(errors_mutex_);
    for (auto const& [code, n] : database_errors_)
      o << "qiandao_database_errors_total{code=\"" << code << "\"} " << n << "\n";
  }
  auto counter = [&o](char const* name, char const* help, std::uint64_t v) {
    o << "# HELP " << name << " " << help << "\n# TYPE " << name << " counter\n" << name << " " << v << "\n";
  };
  counter("qiandao_doorbells_sent_total", "Doorbells this instance rang to the others after its commits.",
          doorbells_sent_.load());
  counter("qiandao_doorbells_received_total", "Doorbells heard from other instances.", doorbells_received_.load());
  counter("qiandao_board_rereads_total", "Times the board re-read changed events from the database.",
          rereads_.load());
  counter("qiandao_board_resyncs_total", "Full board rebuilds with a fresh snapshot to every board.",
          resyncs_.load());
  counter("qiandao_board_backlog_drops_total",
          "Boards that fell behind (backlog past 256 KiB or 3 s) and were given a fresh snapshot.",
          backlog_drops_.load());
  counter("qiandao_listener_reconnects_total", "Times the LISTEN connection was made again after a loss.",
          listener_reconnects_.load());
  return o.str();
}

}  // namespace qiandao
