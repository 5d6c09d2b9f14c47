// GET /api/v1/board/public: the programme's live figures for a large audience, meant to sit
// behind a micro-cache (README "Public board"). No person in it, so it is open to anyone
// whether or not a board token is set; the same bytes for every viewer within a second
// (public_board_cache), with a strong ETag, and 304 when the viewer has them already; gzip-
// compressed (made once per change) for a viewer that accepts it.
#include "transport/encoding.hpp"
#include "transport/public_board_cache.hpp"
#include "transport/router.hpp"

namespace qiandao::transport {

namespace {

net::awaitable<response> public_board(call& c) {
  auto current = c.a.public_board.get(c.a.db);
  bool const gz = accepts_gzip(c.req);
  auto const& etag = gz ? current->gzip_etag : current->etag;
  response res{http::status::ok, c.req.version()};
  res.set(http::field::server, "qiandao");
  res.set(http::field::cache_control, "public, max-age=1");
  res.set(http::field::vary, "Accept-Encoding");
  res.set(http::field::etag, etag);
  res.set("X-Content-Type-Options", "nosniff");
  if (none_match(c.req, etag)) {
    res.result(http::status::not_modified);
  } else {
    res.set(http::field::content_type, "application/json; charset=utf-8");
    if (gz) res.set(http::field::content_encoding, "gzip");
    res.body() = gz ? current->gzip : current->body;
  }
  res.prepare_payload();
  co_return res;
}

}  // namespace

std::vector<route> board_public_routes() {
  return {{http::verb::get, "/api/v1/board/public", access::open, public_board}};
}

}  // namespace qiandao::transport
