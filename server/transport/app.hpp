#pragma once
// What every request handler can reach: the config, the database, the hub and the counters.
#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <memory>

#include "config.hpp"
#include "domain/auth.hpp"
#include "domain/database.hpp"
#include "domain/public_guard.hpp"
#include "metrics.hpp"
#include "transport/public_board_cache.hpp"

namespace qiandao::transport {

class board_hub;

struct app {
  app(config c, qiandao::metrics& m, domain::database& d) : cfg(std::move(c)), counters(m), db(d) {}

  config cfg;
  qiandao::metrics& counters;
  domain::database& db;
  domain::login_throttle throttle;
  // Password hashing is slow on purpose: it runs here, never on an I/O thread.
  boost::asio::thread_pool hash_pool{2};
  std::atomic<int> hashes_in_flight{0};
  // Where requests run when a read may wait on a database server (PostgreSQL), so no I/O
  // thread ever waits on it.
  boost::asio::thread_pool db_pool{4};
  std::shared_ptr<board_hub> hub;
  std::atomic<bool> stopping{false};
  std::atomic<int> in_flight{0};  // requests read and not yet answered
  // Public sign-up (/s/): limits and the proof-of-work challenge, in memory, checked before
  // the writer (api_public.cpp).
  domain::rate_limiter public_limits;
  domain::pow_guard pow{cfg.pow_secret.value_or(""), cfg.pow_max_number, cfg.pow_ttl_seconds};
  // GET /api/v1/board/public: read at most once a second, the same bytes for every viewer.
  public_board_cache public_board;
};

}  // namespace qiandao::transport
