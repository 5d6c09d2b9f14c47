#pragma once
// The whole server: opens and migrates the database, wires storage, hub and router, runs
// the I/O threads, and shuts down in order.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "config.hpp"
#include "domain/database.hpp"
#include "metrics.hpp"

namespace qiandao::transport {

struct app;
class router;
class listener;
class board_feed;

class server {
 public:
  // Serves `db` (migrated already); throws on a bad address.
  server(config cfg, domain::database& db, qiandao::metrics& m);
  ~server();

  void start();                       // I/O threads run in the background
  // Installs the SIGINT/SIGTERM handler, start()s, calls ready() (e.g. to print the address),
  // waits for a signal, then stop()s.
  void run_until_signal(std::function<void()> const& ready);
  void stop();                        // graceful: finish queued commits, close boards
  [[nodiscard]] unsigned short port() const;
  [[nodiscard]] app& context();

 private:
  qiandao::metrics& metrics_;
  boost::asio::io_context ioc_;
  // The live boards' own thread: the hub and every plain board connection (board_hub.hpp).
  boost::asio::io_context board_ioc_{1};
  std::unique_ptr<app> app_;
  std::unique_ptr<router> router_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  std::unique_ptr<listener> listener_;
  std::unique_ptr<board_feed> feed_;  // several instances (PostgreSQL): the board's re-reads
  std::vector<std::thread> threads_;
  std::thread board_thread_;
  bool stopped_ = false;
};

}  // namespace qiandao::transport
