#pragma once
// The one place that decides which address a request comes from, for every per-address
// limit (sign-in throttle, public sign-up). Behind a reverse proxy the peer is the proxy:
// then, and only when that peer is configured as trusted, the client is the last address
// in X-Forwarded-For that is not itself a trusted proxy. A client cannot forge its address
// by sending the header itself.
#include <boost/beast/http.hpp>
#include <string>

#include "config.hpp"

namespace qiandao::transport {

std::string client_address(config const& cfg, boost::beast::http::request<boost::beast::http::string_body> const& req,
                           std::string const& peer);

}  // namespace qiandao::transport
