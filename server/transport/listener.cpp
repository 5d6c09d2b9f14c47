#include "transport/listener.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdio>

#include "transport/http_session.hpp"

namespace qiandao::transport {

namespace {

// The handshake has its own deadline; a peer that never finishes it is simply dropped.
net::awaitable<void> run_tls_session(net::ip::tcp::socket socket, net::ssl::context& ctx, app& a,
                                     router& r) {
  boost::beast::ssl_stream<boost::beast::tcp_stream> stream(boost::beast::tcp_stream(std::move(socket)), ctx);
  boost::beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(a.cfg.header_timeout_seconds));
  auto [ec] = co_await stream.async_handshake(net::ssl::stream_base::server,
                                              net::as_tuple(net::use_awaitable));
  if (ec) co_return;
  co_await run_http_session(std::move(stream), a, r);
}

}  // namespace

listener::listener(net::io_context& ioc, net::ip::tcp::endpoint ep, app& a, router& r,
                   net::ssl::context* tls)
    : ioc_(ioc), acceptor_(ioc), app_(a), router_(r), tls_(tls) {
  acceptor_.open(ep.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen(net::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
}

void listener::start() {
  net::co_spawn(acceptor_.get_executor(), accept_loop(), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (std::exception const& ex) {
      std::fprintf(stderr, "qiandao: accept loop ended: %s\n", ex.what());
    }
  });
}

void listener::stop() {
  net::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  });
}

net::awaitable<void> listener::accept_loop() {
  for (;;) {
    // With one I/O thread (the default) a session's handlers cannot run concurrently, so a
    // strand would only add a queue and a lock to every completion; with several, each
    // session gets one.
    net::any_io_executor session_ex = ioc_.get_executor();
    if (app_.cfg.io_threads > 1) session_ex = net::make_strand(ioc_);
    auto [ec, socket] = co_await acceptor_.async_accept(session_ex, net::as_tuple(net::use_awaitable));
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) co_return;
    if (ec) {
      // Out of descriptors, say: wait a moment rather than spin.
      std::fprintf(stderr, "qiandao: accept: %s\n", ec.message().c_str());
      net::steady_timer t(acceptor_.get_executor(), std::chrono::milliseconds(50));
      co_await t.async_wait(net::as_tuple(net::use_awaitable));
      continue;
    }
    if (open_.load() >= app_.cfg.max_connections) {
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    socket.set_option(net::ip::tcp::no_delay(true));
    auto ex = socket.get_executor();
    open_.fetch_add(1);
    auto session = tls_ ? run_tls_session(std::move(socket), *tls_, app_, router_)
                        : run_http_session(boost::beast::tcp_stream(std::move(socket)), app_, router_);
    net::co_spawn(ex, std::move(session),
                  [this](std::exception_ptr e) {
                    open_.fetch_sub(1);
                    if (!e) return;
                    try {
                      std::rethrow_exception(e);
                    } catch (std::exception const& err) {
                      std::fprintf(stderr, "qiandao: session ended: %s\n", err.what());
                    }
                  });
  }
}

}  // namespace qiandao::transport
