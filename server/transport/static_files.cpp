#include "transport/static_files.hpp"

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <unordered_map>

#include "embedded.hpp"
#include "transport/encoding.hpp"

namespace qiandao::transport {

namespace http = boost::beast::http;

namespace {

std::string_view mime_type(std::string_view path) {
  auto dot = path.rfind('.');
  auto ext = dot == std::string_view::npos ? std::string_view{} : path.substr(dot);
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  return "application/octet-stream";
}

// Text worth compressing: pages, styles, scripts (ECharts alone is 1.1 MB), JSON, SVG.
bool compressible(std::string_view rel, std::size_t size) {
  auto type = mime_type(rel);
  return size >= 1024 && (type.starts_with("text/") || type.starts_with("application/json") || type == "image/svg+xml");
}

// Whether this answer is an embedded text file sent compressed to a browser that takes gzip
// (and with Vary to one that does not); the service worker, filled in per binary, and files
// read from --web-root go as they are.
bool compress(config const& cfg, std::string const& rel, std::size_t size) {
  return !cfg.web_root && rel != "sw.js" && compressible(rel, size);
}

// The gzip of an embedded file, made on its first request and kept for the process's life:
// embedded files never change under a running binary (zlib's default level: ECharts takes
// tens of milliseconds once).
std::shared_ptr<std::string const> embedded_gzip(std::string const& rel, std::string_view body) {
  static std::mutex mutex;
  static std::unordered_map<std::string, std::shared_ptr<std::string const>> made;
  {
    std::lock_guard lock(mutex);
    if (auto it = made.find(rel); it != made.end()) return it->second;
  }
  auto gz = std::make_shared<std::string const>(gzip_of(body, 6));
  std::lock_guard lock(mutex);
  return made.emplace(rel, std::move(gz)).first->second;
}

// "/" → staff/index.html, "/kiosk" → kiosk/index.html, "/web/x/y.js" → x/y.js.
std::optional<std::string> file_for(std::string_view path) {
  if (path == "/" || path == "/index.html") return "staff/index.html";
  for (std::string_view page : {"kiosk", "board", "staff", "desk", "report", "judge"}) {
    std::string p = "/" + std::string(page);
    if (path == p || path == p + "/") return std::string(page) + "/index.html";
  }
  if (path == "/s" || path == "/s/") return "public/index.html";  // the public's own sign-up
  if (path == "/s/board" || path == "/s/board/") return "public/board.html";  // the public board
  if (path.starts_with("/web/")) {
    auto rest = path.substr(5);
    // Only plain relative names: no "..", no hidden files, no backslashes.
    if (rest.empty() || rest.find("..") != std::string_view::npos ||
        rest.find('\\') != std::string_view::npos || rest.find("/.") != std::string_view::npos ||
        rest.front() == '.' || rest.front() == '/')
      return std::nullopt;
    return std::string(rest);
  }
  return std::nullopt;
}

// The bytes of an embedded file, where the binary holds them (no copy).
std::optional<std::string_view> embedded_file(std::string const& rel) {
  if (rel.starts_with("vendor/")) {
    for (auto const& f : embedded::vendor())
      if (f.path == std::string_view(rel).substr(7)) return f.data;
    return std::nullopt;
  }
  for (auto const& f : embedded::web())
    if (f.path == rel) return f.data;
  return std::nullopt;
}

std::optional<std::string> load(config const& cfg, std::string const& rel) {
  if (cfg.web_root) {
    // Developing: web/ as it is on disk, and npm packages straight from node_modules beside it.
    auto path = rel.starts_with("vendor/") ? *cfg.web_root + "/../node_modules/" + rel.substr(7)
                                           : *cfg.web_root + "/" + rel;
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  if (auto bytes = embedded_file(rel)) return std::string(*bytes);
  return std::nullopt;
}

// The door's service worker (/sw.js, scope "/"): shared/sw.js with its version and the
// files it keeps for offline start-up filled in. The version is a digest of every web
// file, so a binary whose pages differ installs a new worker, which replaces the cache.
constexpr std::string_view sw_template = "shared/sw.js";

bool door_asset(std::string_view rel) {
  if (rel == sw_template || rel.ends_with("index.html")) return false;
  for (std::string_view dir : {"shared/", "kiosk/", "desk/", "judge/"})
    if (rel.starts_with(dir)) return true;
  return false;
}

std::string web_version(config const& cfg) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a, 64 bits
  auto mix = [&h](std::string_view bytes) {
    for (unsigned char ch : bytes) {
      h ^= ch;
      h *= 1099511628211ULL;
    }
  };
  for (auto const& f : embedded::web()) {
    mix(f.path);
    mix(cfg.web_root ? load(cfg, std::string(f.path)).value_or("") : f.data);
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

std::optional<std::string> service_worker(config const& cfg) {
  auto body = load(cfg, std::string(sw_template));
  if (!body) return std::nullopt;
  // Embedded files never change under a running binary: their digest is taken once.
  static std::string const embedded_version = cfg.web_root ? "" : web_version(cfg);
  std::string version = cfg.web_root ? web_version(cfg) : embedded_version;
  std::string assets = "[\"/kiosk\", \"/desk\", \"/judge\", \"/web/vendor/@zxing/library/umd/index.min.js\"";
  for (auto const& f : embedded::web())
    if (door_asset(f.path)) assets += ", \"/web/" + std::string(f.path) + "\"";
  assets += "]";
  for (auto [key, value] : {std::pair<std::string_view, std::string const&>{"__QIANDAO_VERSION__", version},
                            std::pair<std::string_view, std::string const&>{"__QIANDAO_ASSETS__", assets}})
    if (auto at = body->find(key); at != std::string::npos) body->replace(at, key.size(), value);
  return body;
}

}  // namespace

http::response<http::string_body> serve_static(config const& cfg,
                                               http::request<http::string_body> const& req,
                                               std::string_view path) {
  http::response<http::string_body> res{http::status::ok, req.version()};
  res.set(http::field::server, "qiandao");
  auto rel = file_for(path);
  std::optional<std::string> body;
  std::shared_ptr<std::string const> gzipped;  // instead of body: the file's gzip, made once
  bool get = req.method() == http::verb::get || req.method() == http::verb::head;
  if (get && path == "/sw.js") {
    rel = "sw.js";
    body = service_worker(cfg);
  } else if (auto bytes = get && rel ? embedded_file(*rel) : std::nullopt;
             bytes && accepts_gzip(req) && compress(cfg, *rel, bytes->size())) {
    gzipped = embedded_gzip(*rel, *bytes);  // the file itself is not copied out first
  } else if (get && rel) {
    body = load(cfg, *rel);
  }
  if (!body && !gzipped) {
    res.result(http::status::not_found);
    res.set(http::field::content_type, "application/json; charset=utf-8");
    res.body() = R"({"error":{"code":"not_found","message":"找不到 / not found","fields":{}}})";
    res.prepare_payload();
    return res;
  }
  res.set(http::field::content_type, mime_type(*rel));
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Content-Security-Policy",
          "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
          "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  res.set(http::field::cache_control,
          rel->ends_with(".html") || *rel == "sw.js" ? "no-cache" : "public, max-age=300");
  if (gzipped) {
    res.set(http::field::vary, "Accept-Encoding");
    res.set(http::field::content_encoding, "gzip");
    res.body() = *gzipped;
  } else {
    if (compress(cfg, *rel, body->size())) res.set(http::field::vary, "Accept-Encoding");
    res.body() = std::move(*body);
  }
  res.prepare_payload();
  if (req.method() == http::verb::head) res.body().clear();
  return res;
}

}  // namespace qiandao::transport
