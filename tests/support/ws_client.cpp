#include "support/ws_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace qiandao::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

namespace {

// Runs one asynchronous operation to completion on a private io_context; the tcp_stream's
// deadline bounds it.
template <class Start>
beast::error_code run_op(net::io_context& ioc, Start&& start) {
  beast::error_code result = net::error::would_block;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  return result;
}

}  // namespace

struct ws_client::impl {
  net::io_context ioc;
  websocket::stream<beast::tcp_stream> ws{ioc};
  beast::flat_buffer buffer;
  bool open = false;
  std::optional<int> close_code;

  void end() {
    open = false;
    beast::error_code ignored;
    beast::get_lowest_layer(ws).socket().close(ignored);
  }
};

ws_client::ws_client(unsigned short port, ws_options const& opts) : impl_(std::make_unique<impl>()) {
  auto& i = *impl_;
  auto& lowest = beast::get_lowest_layer(i.ws);
  lowest.expires_after(opts.timeout);
  tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port);
  if (opts.receive_buffer > 0) {
    // Before connecting, so the window offered in the handshake is already small.
    lowest.socket().open(tcp::v4());
    lowest.socket().set_option(net::socket_base::receive_buffer_size(opts.receive_buffer));
  }
  auto ec = run_op(i.ioc, [&](auto h) { lowest.async_connect(ep, std::move(h)); });
  if (ec) throw std::runtime_error("websocket connect: " + ec.message());
  lowest.socket().set_option(tcp::no_delay(true));

  std::optional<std::string> origin = opts.origin;
  i.ws.set_option(websocket::stream_base::decorator([origin](websocket::request_type& req) {
    req.set(http::field::user_agent, "qiandao-tests");
    if (origin) req.set(http::field::origin, *origin);
  }));
  websocket::response_type res;
  std::string host = "127.0.0.1:" + std::to_string(port);
  lowest.expires_after(opts.timeout);
  ec = run_op(i.ioc, [&](auto h) { i.ws.async_handshake(res, host, opts.target, std::move(h)); });
  if (ec == websocket::error::upgrade_declined) throw ws_refused(static_cast<int>(res.result_int()), res.body());
  if (ec) throw std::runtime_error("websocket handshake: " + ec.message());
  i.open = true;
}

ws_client::~ws_client() {
  if (impl_ && impl_->open) {
    beast::error_code ignored;
    beast::get_lowest_layer(impl_->ws).socket().close(ignored);
  }
}
ws_client::ws_client(ws_client&&) noexcept = default;
ws_client& ws_client::operator=(ws_client&&) noexcept = default;

std::optional<std::string> ws_client::read_text(std::chrono::milliseconds timeout) {
  auto& i = *impl_;
  if (!i.open) return std::nullopt;
  beast::get_lowest_layer(i.ws).expires_after(timeout);
  auto ec = run_op(i.ioc, [&](auto h) { i.ws.async_read(i.buffer, std::move(h)); });
  if (ec) {
    if (ec == websocket::error::closed) i.close_code = static_cast<int>(i.ws.reason().code);
    // The stream is unusable after a timeout or an error: say so rather than retry.
    i.open = false;
    beast::error_code ignored;
    beast::get_lowest_layer(i.ws).socket().close(ignored);
    return std::nullopt;
  }
  std::string text = beast::buffers_to_string(i.buffer.data());
  i.buffer.consume(i.buffer.size());
  return text;
}

std::optional<nlohmann::json> ws_client::read_json(std::chrono::milliseconds timeout) {
  auto text = read_text(timeout);
  if (!text) return std::nullopt;
  return nlohmann::json::parse(*text);
}

bool ws_client::is_open() const { return impl_->open; }

void ws_client::close() {
  auto& i = *impl_;
  if (!i.open) return;
  i.open = false;
  beast::get_lowest_layer(i.ws).expires_after(std::chrono::seconds(2));
  (void)run_op(i.ioc, [&](auto h) { i.ws.async_close(websocket::close_code::normal, std::move(h)); });
  beast::error_code ignored;
  beast::get_lowest_layer(i.ws).socket().close(ignored);
}

bool ws_client::write_text(std::string const& text, std::chrono::milliseconds timeout) {
  auto& i = *impl_;
  if (!i.open) return false;
  beast::get_lowest_layer(i.ws).expires_after(timeout);
  i.ws.text(true);
  auto ec = run_op(i.ioc, [&](auto h) { i.ws.async_write(net::buffer(text), std::move(h)); });
  if (ec) i.end();
  return !ec;
}

std::optional<int> ws_client::close_code() const { return impl_->close_code; }

int ws_upgrade_status(unsigned short port, ws_options const& opts) {
  try {
    ws_client c(port, opts);
    c.close();
    return 101;
  } catch (ws_refused const& e) {
    return e.status;
  }
}

}  // namespace qiandao::test
