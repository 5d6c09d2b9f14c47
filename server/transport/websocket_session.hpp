#pragma once
// One board connection. One write in flight, behind a backlog bounded in bytes and in the
// age of its oldest frame; past either, the backlog is dropped and a fresh snapshot is sent
// when the client can take it. Small when idle: no timer of its own (the hub's sweep checks
// write deadlines once a second), no read buffer beyond a few bytes (a board only sends
// control frames), Beast's write buffer unused (server frames are not masked, no deflate).
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <array>
#include <memory>
#include <vector>

#include "transport/board_hub.hpp"

namespace qiandao::transport {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

// A plain board's socket, bound to the hub's io_context: its operations carry a one-pointer
// executor instead of a polymorphic one (smaller per idle connection).
using board_socket = net::basic_stream_socket<net::ip::tcp, board_hub::executor_type>;

// What the hub needs of a board connection, whatever stream carries it. Called on the
// hub's thread; a session living on another executor (TLS) posts to its own.
class board_subscriber {
 public:
  virtual ~board_subscriber() = default;
  virtual void deliver(board_frame const& f) = 0;
  virtual void sweep(board_hub::clock::time_point now) = 0;  // once a second
  virtual void close() = 0;  // any thread: a close frame, going away
};

// Stream is a plain TCP socket run by the hub's thread, or beast::ssl_stream<beast::tcp_stream>
// (TLS) run by the I/O threads.
template <class Stream>
class websocket_session final : public board_subscriber,
                                public std::enable_shared_from_this<websocket_session<Stream>> {
 public:
  // The backlog (frames waiting behind the one being written) past which a board gets a
  // fresh snapshot instead: bytes, or the age of its oldest frame.
  static constexpr std::size_t max_backlog_bytes = 256 * 1024;
  static constexpr std::chrono::seconds max_backlog_age{3};
  // A board whose single write has not finished by then has stopped reading: close it.
  static constexpr std::chrono::seconds write_deadline{10};
  // Kernel send buffer of a plain board socket: a stalled board holds at most this much
  // there (the kernel doubles it), so the backlog bound trips soon instead of after megabytes.
  static constexpr int send_buffer_bytes = 128 * 1024;

  // `on_hub_thread`: the stream is run by the hub's executor, so deliveries need no post.
  websocket_session(Stream&& stream, std::shared_ptr<board_hub> hub, bool on_hub_thread);

  void run(http::request<http::string_body> req);
  void deliver(board_frame const& f) override;
  void sweep(board_hub::clock::time_point now) override;
  void close() override;

 private:
  void on_accept(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t);
  void on_deliver(board_frame const& f);
  void on_sweep(board_hub::clock::time_point now);
  void drop_backlog();
  // An update older than what the client already has (it got a later snapshot).
  [[nodiscard]] bool stale(board_frame const& f) const { return !f.snapshot && f.version <= version_ && next_seq_ > 0; }
  void write_next();
  void start_write();  // in_flight_ is set
  void on_write(beast::error_code ec, std::size_t);
  void fail(beast::error_code ec, char const* what);
  void close_socket();

  websocket::stream<Stream> ws_;
  std::shared_ptr<board_hub> hub_;
  std::vector<board_frame> queue_;  // waiting frames; the bounds apply to these
  board_frame in_flight_;           // body set while written: its buffers must outlive the write
  std::size_t queued_bytes_ = 0;
  board_hub::clock::time_point write_started_{};
  std::uint64_t next_seq_ = 0;
  std::uint64_t version_ = 0;  // state version of the last frame written
  std::array<char, 32> prefix_{};
  std::uint8_t prefix_len_ = 0;
  std::array<char, 8> read_buf_{};  // control frames are handled inside Beast
  bool on_hub_thread_;
  bool accepted_ = false;
  bool awaiting_snapshot_ = false;
  bool closed_ = false;
};

}  // namespace qiandao::transport
