#include "transport/client_address.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

namespace qiandao::transport {

namespace {

bool trusted(config const& cfg, std::string_view addr) {
  return std::find(cfg.trusted_proxies.begin(), cfg.trusted_proxies.end(), addr) != cfg.trusted_proxies.end();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string client_address(config const& cfg, boost::beast::http::request<boost::beast::http::string_body> const& req,
                           std::string const& peer) {
  if (!trusted(cfg, peer)) return peer;
  // Every X-Forwarded-For line, in order, as one list; read from the right, the first hop
  // that is not a trusted proxy is the client (the ones before it could be forged).
  std::vector<std::string_view> hops;
  auto [first, last] = req.equal_range("X-Forwarded-For");
  for (auto field = first; field != last; ++field) {
    std::string_view v = field->value();
    while (!v.empty()) {
      auto comma = v.find(',');
      hops.push_back(trim(v.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      v.remove_prefix(comma + 1);
    }
  }
  for (auto it = hops.rbegin(); it != hops.rend(); ++it)
    if (!it->empty() && it->size() <= 64 && !trusted(cfg, *it)) return std::string(*it);
  return peer;
}

}  // namespace qiandao::transport
