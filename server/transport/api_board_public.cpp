// GET /api/v1/board/public: the programme's live figures for a large audience, meant to sit
// behind a micro-cache (README "Public board"). No person in it, so it is open to anyone
// whether or not a board token is set; the same bytes for every viewer within a second
// (public_board_cache), with a strong ETag, and 304 when the viewer has them already; gzip-
// compressed (made once per change) for a viewer that accepts it.
#include <algorithm>
#include <optional>

#include "transport/public_board_cache.hpp"
#include "transport/router.hpp"

namespace qiandao::transport {

namespace {

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// If-None-Match: "*" or a list of entity tags, compared weakly (RFC 9110, 13.1.2).
bool none_match(request const& req, std::string_view etag) {
  auto it = req.find(http::field::if_none_match);
  if (it == req.end()) return false;
  std::string_view list = it->value();
  for (;;) {
    auto comma = list.find(',');
    auto tag = trimmed(list.substr(0, comma));
    if (tag == "*") return true;
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
    if (comma == std::string_view::npos) return false;
    list.remove_prefix(comma + 1);
  }
}

// The q-value of one Accept-Encoding item ("gzip;q=0.5"): 1 when it has none, 0 when it
// cannot be read.
double quality(std::string_view params) {
  for (;;) {
    auto semi = params.find(';');
    if (semi == std::string_view::npos) return 1;
    params.remove_prefix(semi + 1);
    auto p = trimmed(params.substr(0, params.find(';')));
    if (p.size() >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
      p.remove_prefix(2);
      if (p.empty() || (p[0] != '0' && p[0] != '1')) return 0;
      if (p[0] == '1') return 1;
      for (char ch : p.substr(1))
        if (ch >= '1' && ch <= '9') return 0.5;  // "0.001" and the like: some, not none
      return 0;
    }
  }
}

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& ch : out)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return out;
}

// Accept-Encoding (RFC 9110, 12.5.3) names gzip (or x-gzip), or "*" without naming it, with
// a q-value above 0.
bool accepts_gzip(request const& req) {
  auto it = req.find(http::field::accept_encoding);
  if (it == req.end()) return false;
  std::string_view list = it->value();
  std::optional<double> gzip, any;
  for (;;) {
    auto comma = list.find(',');
    auto item = trimmed(list.substr(0, comma));
    auto name = lowered(trimmed(item.substr(0, item.find(';'))));
    auto params = item.substr(std::min(item.size(), item.find(';')));
    if (name == "gzip" || name == "x-gzip") gzip = quality(params);
    else if (name == "*") any = quality(params);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return gzip ? *gzip > 0 : any && *any > 0;
}

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
