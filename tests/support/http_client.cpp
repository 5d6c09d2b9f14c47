#include "support/http_client.hpp"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>

namespace qiandao::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Runs one asynchronous operation to completion on a private io_context. The tcp_stream's
// own deadline bounds it, so a silent server ends in beast::error::timeout, never a hang.
template <class Start>
beast::error_code run_op(net::io_context& ioc, Start&& start) {
  beast::error_code result = net::error::would_block;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  return result;
}

http_response convert(http::response<http::string_body>&& res) {
  http_response out;
  out.status = static_cast<int>(res.result_int());
  for (auto const& field : res) out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  out.body = std::move(res.body());
  return out;
}

bool stale_connection(beast::error_code ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         ec == http::error::partial_message;
}

}  // namespace

nlohmann::json http_response::json() const { return nlohmann::json::parse(body); }

std::optional<std::string> http_response::header(std::string_view name) const {
  for (auto const& [k, v] : headers)
    if (iequals(k, name)) return v;
  return std::nullopt;
}

std::vector<std::string> http_response::headers_named(std::string_view name) const {
  std::vector<std::string> out;
  for (auto const& [k, v] : headers)
    if (iequals(k, name)) out.push_back(v);
  return out;
}

struct http_client::impl {
  impl(unsigned short p, std::string h) : port(p), host(std::move(h)) {}

  unsigned short port;
  std::string host;
  net::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  header_list defaults;
  std::chrono::milliseconds timeout{30000};
  std::size_t opened = 0;
  std::optional<std::string> local;

  tcp::endpoint endpoint() const { return {net::ip::make_address(host), port}; }

  void connect(beast::tcp_stream& s) {
    if (local) {
      s.socket().open(tcp::v4());
      s.socket().bind({net::ip::make_address(*local), 0});
    }
    s.expires_after(timeout);
    auto ec = run_op(ioc, [&](auto h) { s.async_connect(endpoint(), std::move(h)); });
    if (ec) throw http_error("connect to " + host + ":" + std::to_string(port) + ": " + ec.message());
    s.socket().set_option(tcp::no_delay(true));
  }

  void close() {
    if (!stream) return;
    beast::error_code ignored;
    stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream->socket().close(ignored);
    stream.reset();
    buffer.clear();
  }

  void open() {
    stream.emplace(ioc);
    buffer.clear();
    try {
      connect(*stream);
    } catch (...) {
      stream.reset();
      throw;
    }
    ++opened;
  }

  // One attempt on the current connection; the error code says what went wrong, if anything.
  beast::error_code exchange(http::request<http::string_body>& req,
                             http::response<http::string_body>& out, bool& got_bytes) {
    stream->expires_after(timeout);
    auto ec = run_op(ioc, [&](auto h) { http::async_write(*stream, req, std::move(h)); });
    if (ec) return ec;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    stream->expires_after(timeout);
    ec = run_op(ioc, [&](auto h) { http::async_read(*stream, buffer, parser, std::move(h)); });
    got_bytes = parser.got_some();
    if (!ec) out = parser.release();
    return ec;
  }

  http_response send(http::request<http::string_body>& req) {
    for (int attempt = 0;; ++attempt) {
      bool reused = stream.has_value();
      if (!stream) open();
      http::response<http::string_body> res;
      bool got_bytes = false;
      auto ec = exchange(req, res, got_bytes);
      if (ec) {
        close();
        // A kept-alive connection the server has since closed: open a new one, once.
        if (reused && attempt == 0 && !got_bytes && stale_connection(ec)) continue;
        throw http_error(std::string(req.method_string()) + " " + std::string(req.target()) + ": " +
                         ec.message());
      }
      bool keep = res.keep_alive();
      auto out = convert(std::move(res));
      if (!keep) close();
      return out;
    }
  }
};

http_client::http_client(unsigned short port, std::string host)
    : impl_(std::make_unique<impl>(port, std::move(host))) {}
http_client::~http_client() {
  if (impl_) impl_->close();
}
http_client::http_client(http_client&&) noexcept = default;
http_client& http_client::operator=(http_client&&) noexcept = default;

void http_client::set_header(std::string name, std::string value) {
  clear_header(name);
  impl_->defaults.emplace_back(std::move(name), std::move(value));
}

void http_client::clear_header(std::string_view name) {
  auto& d = impl_->defaults;
  d.erase(std::remove_if(d.begin(), d.end(), [&](auto const& kv) { return iequals(kv.first, name); }),
          d.end());
}

void http_client::set_timeout(std::chrono::milliseconds t) { impl_->timeout = t; }

void http_client::bind_local(std::string address) {
  impl_->close();
  impl_->local = std::move(address);
}

http_response http_client::request(std::string_view method, std::string const& target,
                                   std::optional<std::string> body, header_list extra) {
  auto verb = http::string_to_verb(method);
  if (verb == http::verb::unknown) throw http_error("unknown method " + std::string(method));
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, impl_->host + ":" + std::to_string(impl_->port));
  req.set(http::field::user_agent, "qiandao-tests");
  for (auto const& [k, v] : impl_->defaults) req.set(k, v);
  for (auto const& [k, v] : extra) req.set(k, v);
  if (body) {
    if (req.find(http::field::content_type) == req.end())
      req.set(http::field::content_type, "application/json");
    req.body() = std::move(*body);
  }
  req.keep_alive(true);
  req.prepare_payload();
  return impl_->send(req);
}

http_response http_client::get(std::string const& target, header_list extra) {
  return request("GET", target, std::nullopt, std::move(extra));
}

http_response http_client::post(std::string const& target, nlohmann::json const& body,
                                header_list extra) {
  return request("POST", target, body.dump(), std::move(extra));
}

http_response http_client::put(std::string const& target, nlohmann::json const& body,
                               header_list extra) {
  return request("PUT", target, body.dump(), std::move(extra));
}

http_response http_client::post_text(std::string const& target, std::string body,
                                     header_list extra) {
  return request("POST", target, std::move(body), std::move(extra));
}

http_response http_client::patch(std::string const& target, nlohmann::json const& body,
                                 header_list extra) {
  return request("PATCH", target, body.dump(), std::move(extra));
}

http_response http_client::del(std::string const& target, header_list extra) {
  return request("DELETE", target, std::nullopt, std::move(extra));
}

http_response http_client::send_raw(std::string const& bytes) {
  auto& i = *impl_;
  beast::tcp_stream s(i.ioc);
  i.connect(s);
  s.expires_after(i.timeout);
  beast::flat_buffer buf;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64u << 20);
  beast::error_code read_ec = net::error::would_block;
  // Write and read at once: a server that refuses early answers before taking all the bytes,
  // and then the write's error (a reset, a broken pipe) is expected and ignored.
  net::async_write(s, net::buffer(bytes), [](beast::error_code, std::size_t) {});
  http::async_read(s, buf, parser, [&](beast::error_code ec, std::size_t) {
    read_ec = ec;
    s.cancel();
  });
  i.ioc.restart();
  i.ioc.run();
  beast::error_code ignored;
  s.socket().close(ignored);
  if (read_ec) throw http_error("raw request: " + read_ec.message());
  return convert(parser.release());
}

std::size_t http_client::connections_opened() const { return impl_->opened; }

void http_client::disconnect() { impl_->close(); }

}  // namespace qiandao::test
