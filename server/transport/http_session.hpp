#pragma once
// One HTTP connection: reads requests with limits and timeouts, routes them, writes the
// answers, and hands a board's WebSocket upgrade over to websocket_session.
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <memory>

#include "transport/app.hpp"
#include "transport/router.hpp"

namespace qiandao::transport {

// Stream is beast::tcp_stream, or beast::ssl_stream<beast::tcp_stream> after its handshake.
template <class Stream>
net::awaitable<void> run_http_session(Stream stream, app& a, router& r);

}  // namespace qiandao::transport
