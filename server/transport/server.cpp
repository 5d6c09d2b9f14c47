#include "transport/server.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>

#include "domain/board.hpp"
#include "transport/board_feed.hpp"
#include "transport/board_hub.hpp"
#include "transport/listener.hpp"
#include "transport/router.hpp"
#include "transport/tls.hpp"

namespace qiandao::transport {

namespace {
// Requests read and not yet answered at which the process counts as busy: the boards then
// rest longer between frames (board_hub.hpp).
constexpr int busy_requests = 8;
}  // namespace

server::server(config cfg, domain::database& db, qiandao::metrics& m) : metrics_(m) {
  domain::init_crypto();
  auto address = net::ip::make_address(cfg.listen_host);
  net::ip::tcp::endpoint ep(address, cfg.listen_port);
  app_ = std::make_unique<app>(std::move(cfg), metrics_, db);
  app_->hub = std::make_shared<board_hub>(board_ioc_.get_executor(),
                                          domain::load_board(*db.read(), board_hub::recent_kept),
                                          metrics_, std::chrono::milliseconds(app_->cfg.board_interval_ms),
                                          [a = app_.get()] { return a->in_flight.load(std::memory_order_relaxed) >= busy_requests; });
  if (db.shared()) {
    // Several instances may write: the board follows rings and re-reads (board_feed.hpp).
    feed_ = std::make_unique<board_feed>(db, app_->hub, metrics_);
    app_->hub->reread_on_join(
        [feed = feed_.get()](std::uint64_t joins) { feed->ring(domain::board_ring{{}, true, false, 0, joins}); });
    db.on_board_ring([feed = feed_.get()](domain::board_ring r) { feed->ring(std::move(r)); });
    // Boards that connect from now on start from the database's state, not from a rebuild
    // racing their first frames. Without the database (or its LISTEN) in 5 s, start anyway:
    // the listener keeps trying, and its first connection rebuilds every board.
    if (!feed_->wait_primed(std::chrono::seconds(5)))
      std::fprintf(stderr, "qiandao: the board's first re-read has not come in 5 s; starting without it\n");
  } else {
    db.on_board_change([hub = app_->hub](domain::board_delta d) { hub->apply(std::move(d)); });
  }
  router_ = std::make_unique<router>(*app_);
  if (app_->cfg.tls_cert) tls_ = make_server_context(*app_->cfg.tls_cert, *app_->cfg.tls_key);
  listener_ = std::make_unique<listener>(ioc_, ep, *app_, *router_, tls_.get());
}

server::~server() { stop(); }

unsigned short server::port() const { return listener_->port(); }
app& server::context() { return *app_; }

void server::start() {
  listener_->start();
  app_->hub->start();
  board_thread_ = std::thread([this] {
    auto guard = net::make_work_guard(board_ioc_);
    board_ioc_.run();
  });
  for (int i = 0; i < app_->cfg.io_threads; ++i) {
    threads_.emplace_back([this] {
      auto guard = net::make_work_guard(ioc_);
      ioc_.run();
    });
  }
}

void server::run_until_signal(std::function<void()> const& ready) {
  // The handler is in place before anyone learns the address, so an early SIGTERM is graceful.
  net::io_context signals_ctx;
  net::signal_set signals(signals_ctx, SIGINT, SIGTERM);
  signals.async_wait([](boost::system::error_code, int sig) {
    std::fprintf(stderr, "qiandao: signal %d, shutting down\n", sig);
  });
  start();
  ready();
  signals_ctx.run();
  stop();
}

void server::stop() {
  if (stopped_) return;
  stopped_ = true;
  app_->stopping = true;
  listener_->stop();
  app_->hub->shutdown();
  // Every queued change is committed and answered before the I/O threads go: the writer
  // commits what is queued, then each owed answer is written (bounded, for a client that
  // stopped reading), then the boards' close frames go out.
  app_->db.stop();
  if (feed_) feed_->stop();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while ((app_->in_flight.load() > 0 || app_->hub->connections() > 0) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ioc_.stop();
  board_ioc_.stop();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
  if (board_thread_.joinable()) board_thread_.join();
}

}  // namespace qiandao::transport
