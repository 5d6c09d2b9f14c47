#include "config.hpp"

#include <charconv>
#include <cstdlib>
#include <stdexcept>

namespace qiandao {

namespace {

int to_int(std::string const& flag, std::string const& v, int lo, int hi) {
  int n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || p != v.data() + v.size() || n < lo || n > hi)
    throw std::invalid_argument(flag + " expects a number from " + std::to_string(lo) + " to " +
                                std::to_string(hi));
  return n;
}

void set_listen(config& c, std::string const& v) {
  auto colon = v.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("--listen expects HOST:PORT");
  c.listen_host = v.substr(0, colon);
  if (c.listen_host.size() > 2 && c.listen_host.front() == '[')
    c.listen_host = c.listen_host.substr(1, c.listen_host.size() - 2);
  c.listen_port = static_cast<unsigned short>(to_int("--listen", v.substr(colon + 1), 0, 65535));
}

}  // namespace

config parse_serve_flags(std::vector<std::string> const& args) {
  config c;
  if (char const* env = std::getenv("QIANDAO_BOARD_TOKEN"); env && *env) c.board_token = env;
  if (char const* env = std::getenv("QIANDAO_POW_SECRET"); env && *env) c.pow_secret = env;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string const& a = args[i];
    auto value = [&]() -> std::string const& {
      if (i + 1 >= args.size()) throw std::invalid_argument(a + " needs a value");
      return args[++i];
    };
    if (a == "--db") c.db_path = value();
    else if (a == "--listen") set_listen(c, value());
    else if (a == "--demo") c.demo = true;
    else if (a == "--web-root") c.web_root = value();
    else if (a == "--threads") c.io_threads = to_int(a, value(), 1, 64);
    else if (a == "--allow-origin") c.allowed_origins.push_back(value());
    else if (a == "--board-token") c.board_token = value();
    else if (a == "--tls-cert") c.tls_cert = value();
    else if (a == "--tls-key") c.tls_key = value();
    else if (a == "--board-interval-ms") c.board_interval_ms = to_int(a, value(), 0, 10000);
    else if (a == "--max-batch") c.max_batch = static_cast<std::size_t>(to_int(a, value(), 1, 4096));
    else if (a == "--max-connections") c.max_connections = static_cast<std::size_t>(to_int(a, value(), 1, 1000000));
    else if (a == "--pow-max-number") c.pow_max_number = to_int(a, value(), 10, 100000000);
    else if (a == "--trusted-proxy") c.trusted_proxies.push_back(value());
    else throw std::invalid_argument("unknown flag: " + a);
  }
  if (c.tls_cert.has_value() != c.tls_key.has_value())
    throw std::invalid_argument("--tls-cert and --tls-key go together");
  return c;
}

}  // namespace qiandao
