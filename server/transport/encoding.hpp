#pragma once
// For answers that are the same for many requests (the public board, the embedded web files):
// gzip, compressed once and sent to whoever's Accept-Encoding takes it, and If-None-Match.
#include <boost/beast/http.hpp>
#include <string>
#include <string_view>

namespace qiandao::transport {

// Accept-Encoding (RFC 9110, 12.5.3) names gzip (or x-gzip), or "*" without naming it, with a
// q-value above 0.
bool accepts_gzip(boost::beast::http::request<boost::beast::http::string_body> const& req);

// If-None-Match holds "*" or ETAG, compared weakly (RFC 9110, 13.1.2).
bool none_match(boost::beast::http::request<boost::beast::http::string_body> const& req, std::string_view etag);

// RFC 1952 gzip of the whole of `bytes` at once (zlib's level: 9 the smallest, 6 its default).
std::string gzip_of(std::string_view bytes, int level = 9);

}  // namespace qiandao::transport
