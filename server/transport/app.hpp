#pragma once
// What every request handler can reach: the config, storage, the hub and the counters.
#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <memory>

#include "config.hpp"
#include "domain/auth.hpp"
#include "metrics.hpp"
#include "storage/reader_pool.hpp"
#include "storage/writer.hpp"

namespace qiandao::transport {

class board_hub;

struct app {
  app(config c, qiandao::metrics& m)
      : cfg(std::move(c)), counters(m), readers(cfg.db_path), writer(cfg.db_path, m, cfg.max_batch) {}

  config cfg;
  qiandao::metrics& counters;
  storage::reader_pool readers;
  storage::writer writer;
  domain::login_throttle throttle;
  // Password hashing is slow on purpose: it runs here, never on an I/O thread.
  boost::asio::thread_pool hash_pool{2};
  std::atomic<int> hashes_in_flight{0};
  std::shared_ptr<board_hub> hub;
  std::atomic<bool> stopping{false};
};

}  // namespace qiandao::transport
