#include "transport/websocket_session.hpp"

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <cstdio>

namespace qiandao::transport {

template <class Stream>
websocket_session<Stream>::websocket_session(Stream&& stream, std::shared_ptr<board_hub> hub)
    : ws_(std::move(stream)), hub_(std::move(hub)), watchdog_(ws_.get_executor()) {}

template <class Stream>
void websocket_session<Stream>::run(http::request<http::string_body> req) {
  websocket::stream_base::timeout t{};
  t.handshake_timeout = std::chrono::seconds(10);
  t.idle_timeout = std::chrono::seconds(20);  // a ping at half of it; gone if no answer
  t.keep_alive_pings = true;
  ws_.set_option(t);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "qiandao"); }));
  ws_.read_message_max(4096);  // boards only ever send control frames
  ws_.text(true);
  ws_.async_accept(req, beast::bind_front_handler(&websocket_session<Stream>::on_accept, this->shared_from_this()));
}

template <class Stream>
void websocket_session<Stream>::on_accept(beast::error_code ec) {
  if (ec) return fail(ec, "accept");
  accepted_ = true;
  hub_->join(this->shared_from_this());
  do_read();
}

template <class Stream>
void websocket_session<Stream>::do_read() {
  ws_.async_read(read_buffer_, beast::bind_front_handler(&websocket_session<Stream>::on_read, this->shared_from_this()));
}

template <class Stream>
void websocket_session<Stream>::on_read(beast::error_code ec, std::size_t) {
  if (ec) return fail(ec, "read");
  read_buffer_.consume(read_buffer_.size());  // nothing a board says changes what it gets
  do_read();
}

template <class Stream>
void websocket_session<Stream>::deliver(board_frame f) {
  net::post(ws_.get_executor(), [self = this->shared_from_this(), f = std::move(f)]() mutable {
    self->on_deliver(std::move(f));
  });
}

template <class Stream>
void websocket_session<Stream>::on_deliver(board_frame f) {
  if (closed_) return;
  if (f.snapshot) {
    // A snapshot replaces whatever was waiting: it already holds all of it.
    queue_.clear();
    awaiting_snapshot_ = false;
  } else if (awaiting_snapshot_) {
    return;
  } else if (queue_.size() >= max_queue) {
    queue_.clear();
    awaiting_snapshot_ = true;
    hub_->send_snapshot(this->shared_from_this());
    return;
  }
  queue_.push_back(std::move(f));
  if (!in_flight_) write_next();
}

template <class Stream>
void websocket_session<Stream>::write_next() {
  // Updates older than what the client already has (it got a later snapshot) are skipped.
  while (!queue_.empty() && !queue_.front().snapshot && queue_.front().version <= version_ &&
         next_seq_ > 0)
    queue_.pop_front();
  if (queue_.empty() || closed_) return;
  in_flight_ = std::move(queue_.front());
  queue_.pop_front();
  prefix_ = "{\"seq\":" + std::to_string(next_seq_++) + ",";
  version_ = in_flight_->version;
  std::array<net::const_buffer, 2> bufs{net::buffer(prefix_), net::buffer(*in_flight_->body)};
  arm_watchdog();
  ws_.async_write(bufs, beast::bind_front_handler(&websocket_session<Stream>::on_write, this->shared_from_this()));
}

template <class Stream>
void websocket_session<Stream>::arm_watchdog() {
  watchdog_.expires_after(write_deadline);
  // The generation tells this write's timer from a later one's: a timer that fired just as
  // its write completed (its handler already queued, past cancel()) must not close the board
  // while the next write is in flight.
  auto gen = ++write_gen_;
  watchdog_.async_wait([self = this->shared_from_this(), gen](beast::error_code ec) {
    if (ec || gen != self->write_gen_ || !self->in_flight_ || self->closed_) return;  // finished in time
    std::fprintf(stderr, "qiandao: board stopped reading for %llds, closing it\n",
                 static_cast<long long>(write_deadline.count()));
    self->closed_ = true;
    beast::get_lowest_layer(self->ws_).close();  // aborts the stuck write
  });
}

template <class Stream>
void websocket_session<Stream>::on_write(beast::error_code ec, std::size_t) {
  watchdog_.cancel();
  in_flight_.reset();
  if (ec) return fail(ec, "write");
  write_next();
}

template <class Stream>
void websocket_session<Stream>::close() {
  net::post(ws_.get_executor(), [self = this->shared_from_this()] {
    if (self->closed_ || !self->accepted_) return;
    self->closed_ = true;
    self->queue_.clear();
    self->ws_.async_close(websocket::close_code::going_away,
                          [self](beast::error_code) { self->hub_->leave(self.get()); });
  });
}

template <class Stream>
void websocket_session<Stream>::fail(beast::error_code ec, char const* what) {
  closed_ = true;
  watchdog_.cancel();
  queue_.clear();
  if (accepted_) hub_->leave(this);
  // Expected endings are not errors.
  if (ec == websocket::error::closed || ec == net::error::operation_aborted ||
      ec == beast::error::timeout || ec == net::error::eof || ec == net::error::connection_reset ||
      ec == net::error::not_connected || ec == net::error::broken_pipe)
    return;
  std::fprintf(stderr, "qiandao: board %s: %s\n", what, ec.message().c_str());
}

template class websocket_session<beast::tcp_stream>;
template class websocket_session<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace qiandao::transport
