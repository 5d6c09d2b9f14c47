#pragma once
// Accepts connections, each onto its own strand, up to a cap.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "transport/app.hpp"
#include "transport/router.hpp"

namespace qiandao::transport {

class listener {
 public:
  // With a TLS context every connection is TLS; without, plain HTTP.
  listener(net::io_context& ioc, net::ip::tcp::endpoint ep, app& a, router& r,
           net::ssl::context* tls);
  void start();
  void stop();
  [[nodiscard]] unsigned short port() const { return port_; }

 private:
  net::awaitable<void> accept_loop();
  net::io_context& ioc_;
  net::ip::tcp::acceptor acceptor_;
  app& app_;
  router& router_;
  net::ssl::context* tls_;
  unsigned short port_ = 0;
  std::atomic<std::size_t> open_{0};  // HTTP connections; boards count in the hub
};

}  // namespace qiandao::transport
