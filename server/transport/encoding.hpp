#pragma once
// gzip for answers that are the same for many requests (the public board, the embedded web
// files): compressed once, sent to whoever's Accept-Encoding takes it.
#include <boost/beast/http.hpp>
#include <string>
#include <string_view>

namespace qiandao::transport {

// Accept-Encoding (RFC 9110, 12.5.3) names gzip (or x-gzip), or "*" without naming it, with a
// q-value above 0.
bool accepts_gzip(boost::beast::http::request<boost::beast::http::string_body> const& req);

// RFC 1952 gzip of the whole of `bytes` at once (zlib's level: 9 the smallest, 6 its default).
std::string gzip_of(std::string_view bytes, int level = 9);

}  // namespace qiandao::transport
