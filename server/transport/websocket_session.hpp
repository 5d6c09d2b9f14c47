#pragma once
// One board connection. One write in flight, behind a bounded queue; on overflow the
// backlog is dropped and a fresh snapshot is sent when the client can take it.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <deque>
#include <memory>
#include <optional>

#include "transport/board_hub.hpp"

namespace qiandao::transport {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

// What the hub needs of a board connection, whatever stream carries it.
class board_subscriber {
 public:
  virtual ~board_subscriber() = default;
  virtual void deliver(board_frame f) = 0;  // thread-safe
  virtual void close() = 0;                 // thread-safe: a close frame, going away
};

// Stream is beast::tcp_stream, or beast::ssl_stream<beast::tcp_stream> when serving TLS.
template <class Stream>
class websocket_session final : public board_subscriber,
                                public std::enable_shared_from_this<websocket_session<Stream>> {
 public:
  static constexpr std::size_t max_queue = 8;
  // A board whose single write has not finished by then has stopped reading: close it.
  static constexpr std::chrono::seconds write_deadline{10};

  websocket_session(Stream&& stream, std::shared_ptr<board_hub> hub);

  void run(http::request<http::string_body> req);
  void deliver(board_frame f) override;
  void close() override;

 private:
  void on_accept(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t);
  void on_deliver(board_frame f);
  void write_next();
  void on_write(beast::error_code ec, std::size_t);
  void fail(beast::error_code ec, char const* what);
  void arm_watchdog();

  websocket::stream<Stream> ws_;
  std::shared_ptr<board_hub> hub_;
  beast::flat_buffer read_buffer_;
  net::steady_timer watchdog_;
  std::deque<board_frame> queue_;     // waiting frames; the bound applies to these
  std::optional<board_frame> in_flight_;  // the one being written: its buffers must outlive the write
  std::string prefix_;
  std::uint64_t next_seq_ = 0;
  std::uint64_t write_gen_ = 0;  // bumped per write, so a stale watchdog firing is ignored
  std::uint64_t version_ = 0;  // state version of the last frame written
  bool accepted_ = false;
  bool awaiting_snapshot_ = false;
  bool closed_ = false;
};

}  // namespace qiandao::transport
