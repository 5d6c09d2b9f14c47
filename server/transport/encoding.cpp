#include "transport/encoding.hpp"

#include <zlib.h>

#include <algorithm>
#include <optional>
#include <stdexcept>

namespace qiandao::transport {

namespace {

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The q-value of one Accept-Encoding item's parameters (";q=0.5"): 1 when it has none, 0
// when it cannot be read.
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

}  // namespace

bool accepts_gzip(boost::beast::http::request<boost::beast::http::string_body> const& req) {
  auto it = req.find(boost::beast::http::field::accept_encoding);
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

bool none_match(boost::beast::http::request<boost::beast::http::string_body> const& req, std::string_view etag) {
  auto it = req.find(boost::beast::http::field::if_none_match);
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

std::string gzip_of(std::string_view bytes, int level) {
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2 failed");
  std::string out(deflateBound(&z, static_cast<uLong>(bytes.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("deflate did not finish");
  return out;
}

}  // namespace qiandao::transport
