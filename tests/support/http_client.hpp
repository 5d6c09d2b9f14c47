#pragma once
// A small synchronous HTTP/1.1 client for the server tests: one keep-alive connection per
// object, reopened when the server closes it. Beast stays behind the pimpl so test files
// compile quickly. Transport failures throw http_error; HTTP statuses never throw.
#include <chrono>
#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qiandao::test {

using header_list = std::vector<std::pair<std::string, std::string>>;

struct http_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct http_response {
  int status = 0;
  header_list headers;  // as received, in order
  std::string body;

  // The body parsed as JSON; throws nlohmann::json::parse_error when it is not JSON.
  [[nodiscard]] nlohmann::json json() const;
  // The first header with this name (case-insensitive), if any.
  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
  // Every header with this name (e.g. several Set-Cookie lines).
  [[nodiscard]] std::vector<std::string> headers_named(std::string_view name) const;
};

class http_client {
 public:
  explicit http_client(unsigned short port, std::string host = "127.0.0.1");
  ~http_client();
  http_client(http_client&&) noexcept;
  http_client& operator=(http_client&&) noexcept;
  http_client(http_client const&) = delete;
  http_client& operator=(http_client const&) = delete;

  // Sent with every request (Cookie, Authorization…); setting a name again replaces it.
  void set_header(std::string name, std::string value);
  void clear_header(std::string_view name);
  void set_timeout(std::chrono::milliseconds t);
  // Connections from now on leave from this local address (e.g. "127.0.0.2"), so one test
  // can look like several clients.
  void bind_local(std::string address);

  http_response request(std::string_view method, std::string const& target,
                        std::optional<std::string> body = std::nullopt, header_list extra = {});
  http_response get(std::string const& target, header_list extra = {});
  http_response post(std::string const& target, nlohmann::json const& body, header_list extra = {});
  http_response post_text(std::string const& target, std::string body, header_list extra = {});
  http_response patch(std::string const& target, nlohmann::json const& body, header_list extra = {});
  http_response put(std::string const& target, nlohmann::json const& body, header_list extra = {});
  http_response del(std::string const& target, header_list extra = {});

  // Writes `bytes` exactly as given on a fresh connection (not this client's keep-alive one)
  // and reads one response; the write may still be going when the server answers early.
  http_response send_raw(std::string const& bytes);

  [[nodiscard]] std::size_t connections_opened() const;  // for keep-alive checks
  void disconnect();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace qiandao::test
