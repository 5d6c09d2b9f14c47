#pragma once
// The pages and their assets, from the binary itself (or --web-root while developing).
#include <boost/beast/http.hpp>
#include <string_view>

#include "config.hpp"

namespace qiandao::transport {

boost::beast::http::response<boost::beast::http::string_body> serve_static(
    config const& cfg, boost::beast::http::request<boost::beast::http::string_body> const& req,
    std::string_view path);

}  // namespace qiandao::transport
