// The whole request path on arbitrary bytes: Beast's request parser, the router, every
// handler, the domain rules and the one writer, against a real SQLite file.
//
// Input: one flag byte, then either a raw HTTP/1.1 request (when it starts like one) or
//   method byte, target line, body (when it does not; a target without a leading '/' is
//   taken under /api/v1/).
// The flag byte chooses the credentials put on the request: those the request carries, a
// kiosk's bearer token, a kiosk paired to event 1, an admin's session or a staff session.
//
// Properties: handle() never throws, never answers 500, and every application/json answer
// is valid JSON. And what API.md promises kiosks and the public: no answer to a request
// without a staff session holds a full phone number, ID number or someone else's ticket code
// (the seeded ones, which no input can know).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>

#include "fuzz_check.hpp"
#include "router_fixture.hpp"
#include "transport/router.hpp"

namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
namespace t = qiandao::transport;
using qiandao::fuzz::fail;

namespace seed = qiandao::fuzz::router_seed;
using qiandao::fuzz::fixture;

bool looks_like_request(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && i < 16 && s[i] >= 'A' && s[i] <= 'Z') ++i;
  return i > 0 && i < s.size() && s[i] == ' ';
}

// The limits http_session gives the parser.
std::optional<t::request> parse_request(std::string_view bytes) {
  http::request_parser<http::string_body> p;
  p.header_limit(16 * 1024);
  p.body_limit(1 << 20);
  p.eager(true);
  boost::beast::error_code ec;
  net::const_buffer buf(bytes.data(), bytes.size());
  while (buf.size() > 0 && !p.is_done()) {
    auto n = p.put(buf, ec);
    if (ec == http::error::need_more) {
      ec = {};
      if (n == 0) break;
    }
    if (ec) return std::nullopt;
    buf += n;
  }
  if (!p.is_done()) {
    p.put_eof(ec);
    if (ec || !p.is_done()) return std::nullopt;
  }
  return p.release();
}

t::request build_request(std::string_view bytes) {
  static constexpr http::verb verbs[] = {http::verb::get,     http::verb::post, http::verb::patch,
                                         http::verb::delete_, http::verb::put,  http::verb::head,
                                         http::verb::options};
  t::request req;
  req.version(11);
  std::size_t pick = bytes.empty() ? 0 : static_cast<unsigned char>(bytes[0]);
  req.method(verbs[pick % std::size(verbs)]);
  if (!bytes.empty()) bytes.remove_prefix(1);
  auto eol = bytes.find('\n');
  std::string target(bytes.substr(0, eol));
  if (!target.starts_with("/")) target = "/api/v1/" + target;
  req.target(target);
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::content_type, "application/json");
  if (eol != std::string_view::npos) req.body() = std::string(bytes.substr(eol + 1));
  req.prepare_payload();
  return req;
}

void put_credentials(t::request& req, unsigned flag) {
  switch (flag % 5) {
    case 1: req.set(http::field::authorization, std::string("Bearer ") + seed::kiosk_token); break;
    case 2: req.set(http::field::authorization, std::string("Bearer ") + seed::paired_token); break;
    case 3: req.set(http::field::cookie, std::string("qiandao_session=") + seed::admin_session); break;
    case 4: req.set(http::field::cookie, std::string("lang=zh-CN; qiandao_session=") + seed::staff_session); break;
    default: break;  // whatever the request says
  }
}

net::awaitable<void> serve(t::router& r, t::request const& req, std::optional<t::response>& out) {
  out = co_await r.handle(req, "127.0.0.1");
}

// Runs one request to completion on its own io_context; the writer thread posts each
// committed job back to it, so the context is kept busy until the handler is done.
t::response run(fixture& f, t::request const& req) {
  net::io_context ioc;
  auto busy = net::make_work_guard(ioc);
  std::optional<t::response> out;
  std::exception_ptr thrown;
  net::co_spawn(ioc, serve(*f.router, req, out), [&](std::exception_ptr e) {
    thrown = e;
    busy.reset();
  });
  ioc.run();
  if (thrown) {
    try {
      std::rethrow_exception(thrown);
    } catch (std::exception const& e) {
      fail("router::handle never throws", std::string(req.target()) + ": " + e.what());
    } catch (...) {
      fail("router::handle never throws", req.target());
    }
  }
  if (!out) fail("router::handle answers", req.target());
  return std::move(*out);
}

// Staff sign in with a cookie; anything else is a kiosk, the board or the public.
bool from_staff(t::request const& req) {
  auto cookie = req[http::field::cookie];
  return cookie.find(seed::admin_session) != std::string_view::npos ||
         cookie.find(seed::staff_session) != std::string_view::npos;
}

void check(fixture const& f, t::request const& req, t::response const& res) {
  std::string what = std::string(req.method_string()) + " " + std::string(req.target());
  // QIANDAO_FUZZ_VERBOSE=1 shows what each input did: for checking that seeds reach their route.
  static bool const verbose = std::getenv("QIANDAO_FUZZ_VERBOSE") != nullptr;
  if (verbose)
    std::fprintf(stderr, "%s -> %d %s\n", what.c_str(), res.result_int(),
                 qiandao::fuzz::escaped(res.body(), 300).c_str());
  if (res.result() == http::status::internal_server_error) fail("never 500", what + " -> " + res.body());
  auto type = res[http::field::content_type];
  if (type.starts_with("application/json") && req.method() != http::verb::head &&
      !nlohmann::json::accept(res.body()))
    fail("application/json answers are JSON", what + " -> " + res.body());
  if (!from_staff(req))
    for (auto const& secret : f.secrets)
      if (res.body().find(secret) != std::string::npos)
        fail("kiosks and the public see masked data only", what + " -> " + res.body());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  if (size == 0) return 0;
  auto& f = qiandao::fuzz::the_fixture();
  std::string_view bytes(reinterpret_cast<char const*>(data + 1), size - 1);
  std::optional<t::request> req;
  if (looks_like_request(bytes)) req = parse_request(bytes);
  else req = build_request(bytes);
  if (!req) return 0;  // the parser refused it, as http_session would with a 400
  put_credentials(*req, data[0]);
  auto res = run(f, *req);
  check(f, *req, res);
  std::string_view target = req->target();
  if (target.find("logout") != std::string_view::npos || target.find("revoke") != std::string_view::npos)
    f.restore_credentials();
  return 0;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  qiandao::fuzz::the_fixture();  // seeding hashes a password: do it before the clock starts
  return 0;
}
