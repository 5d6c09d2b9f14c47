#include "transport/websocket_session.hpp"

#include <boost/asio/post.hpp>
#include <charconv>
#include <cstdio>

namespace qiandao::transport {

template <class Stream>
websocket_session<Stream>::websocket_session(Stream&& stream, std::shared_ptr<board_hub> hub, bool on_hub_thread)
    : ws_(std::move(stream)), hub_(std::move(hub)), on_hub_thread_(on_hub_thread) {}

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
  // One frame per message, written straight from the shared body: never cut into pieces of
  // the write buffer's size (the buffer itself is only allocated for masking or deflate,
  // which a server without permessage-deflate never does).
  ws_.auto_fragment(false);
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
  ws_.async_read_some(net::buffer(read_buf_),
                      beast::bind_front_handler(&websocket_session<Stream>::on_read, this->shared_from_this()));
}

template <class Stream>
void websocket_session<Stream>::on_read(beast::error_code ec, std::size_t) {
  if (ec) return fail(ec, "read");
  do_read();  // nothing a board says changes what it gets
}

template <class Stream>
void websocket_session<Stream>::deliver(board_frame const& f) {
  if (on_hub_thread_) return on_deliver(f);
  net::post(ws_.get_executor(), [self = this->shared_from_this(), f] { self->on_deliver(f); });
}

template <class Stream>
void websocket_session<Stream>::on_deliver(board_frame const& f) {
  if (closed_) return;
  if (f.snapshot) {
    // A snapshot replaces whatever was waiting: it already holds all of it.
    queue_.clear();
    queued_bytes_ = 0;
    awaiting_snapshot_ = false;
  } else if (awaiting_snapshot_) {
    return;
  } else if (!queue_.empty() && (queued_bytes_ + f.body->size() > max_backlog_bytes ||
                                 f.made_at - queue_.front().made_at > max_backlog_age)) {
    return drop_backlog();
  }
  if (!in_flight_.body && queue_.empty()) {
    // Nothing being written: straight to the socket, no queue storage.
    if (stale(f)) return;
    in_flight_ = f;
    return start_write();
  }
  queue_.push_back(f);
  queued_bytes_ += f.body->size();
  if (!in_flight_.body) write_next();
}

template <class Stream>
void websocket_session<Stream>::drop_backlog() {
  queue_.clear();
  queued_bytes_ = 0;
  awaiting_snapshot_ = true;
  hub_->send_snapshot(this->shared_from_this());
}

template <class Stream>
void websocket_session<Stream>::sweep(board_hub::clock::time_point now) {
  if (on_hub_thread_) return on_sweep(now);
  net::post(ws_.get_executor(), [self = this->shared_from_this(), now] { self->on_sweep(now); });
}

template <class Stream>
void websocket_session<Stream>::on_sweep(board_hub::clock::time_point now) {
  if (closed_) return;
  if (in_flight_.body && now - write_started_ > write_deadline) {
    std::fprintf(stderr, "qiandao: board stopped reading for %llds, closing it\n",
                 static_cast<long long>(write_deadline.count()));
    closed_ = true;
    close_socket();  // aborts the stuck write
    return;
  }
  if (!queue_.empty() && !awaiting_snapshot_ && now - queue_.front().made_at > max_backlog_age) drop_backlog();
}

template <class Stream>
void websocket_session<Stream>::write_next() {
  // Updates older than what the client already has (it got a later snapshot) are skipped.
  std::size_t skip = 0;
  while (skip < queue_.size() && stale(queue_[skip]))
    queued_bytes_ -= queue_[skip++].body->size();
  if (skip == queue_.size() || closed_) {
    std::vector<board_frame>().swap(queue_);  // an idle board keeps no queue storage
    queued_bytes_ = 0;
    return;
  }
  in_flight_ = std::move(queue_[skip]);
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(skip + 1));
  queued_bytes_ -= in_flight_.body->size();
  start_write();
}

template <class Stream>
void websocket_session<Stream>::start_write() {
  static constexpr std::string_view head = "{\"seq\":";
  auto* p = std::copy(head.begin(), head.end(), prefix_.data());
  p = std::to_chars(p, prefix_.data() + prefix_.size() - 1, next_seq_++).ptr;
  *p++ = ',';
  prefix_len_ = static_cast<std::uint8_t>(p - prefix_.data());
  version_ = in_flight_.version;
  write_started_ = board_hub::clock::now();
  std::array<net::const_buffer, 2> bufs{net::buffer(prefix_.data(), prefix_len_), net::buffer(*in_flight_.body)};
  ws_.async_write(bufs, beast::bind_front_handler(&websocket_session<Stream>::on_write, this->shared_from_this()));
}

template <class Stream>
void websocket_session<Stream>::on_write(beast::error_code ec, std::size_t) {
  in_flight_ = {};
  if (ec) return fail(ec, "write");
  write_next();
}

template <class Stream>
void websocket_session<Stream>::close_socket() {
  auto& lowest = beast::get_lowest_layer(ws_);
  if constexpr (std::is_same_v<std::remove_cvref_t<decltype(lowest)>, beast::tcp_stream>) {
    lowest.close();
  } else {
    beast::error_code ignored;
    lowest.close(ignored);
  }
}

template <class Stream>
void websocket_session<Stream>::close() {
  net::post(ws_.get_executor(), [self = this->shared_from_this()] {
    if (self->closed_ || !self->accepted_) return;
    self->closed_ = true;
    self->queue_.clear();
    self->queued_bytes_ = 0;
    self->ws_.async_close(websocket::close_code::going_away,
                          [self](beast::error_code) { self->hub_->leave(self.get()); });
  });
}

template <class Stream>
void websocket_session<Stream>::fail(beast::error_code ec, char const* what) {
  closed_ = true;
  queue_.clear();
  queued_bytes_ = 0;
  if (accepted_) hub_->leave(this);
  // Expected endings are not errors.
  if (ec == websocket::error::closed || ec == net::error::operation_aborted ||
      ec == beast::error::timeout || ec == net::error::eof || ec == net::error::connection_reset ||
      ec == net::error::not_connected || ec == net::error::broken_pipe || ec == net::error::bad_descriptor)
    return;
  std::fprintf(stderr, "qiandao: board %s: %s\n", what, ec.message().c_str());
}

template class websocket_session<board_socket>;
template class websocket_session<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace qiandao::transport
