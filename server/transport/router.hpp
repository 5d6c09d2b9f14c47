#pragma once
// Maps a request to a handler and turns every outcome into the contract's JSON. The one
// place that knows both HTTP and domain types.
#include <array>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/model.hpp"
#include "domain/result.hpp"
#include "transport/app.hpp"
#include "transport/json_io.hpp"

namespace qiandao::transport {

namespace net = boost::asio;
namespace http = boost::beast::http;

using request = http::request<http::string_body>;
using response = http::response<http::string_body>;

// What a handler is given.
struct call {
  app& a;
  request const& req;
  std::string remote;              // peer address, for throttling
  std::vector<domain::id_t> ids;   // the {id} parts of the path, in order
  std::map<std::string, std::string> query;
  std::optional<domain::actor> who;
};

using handler = std::function<net::awaitable<response>(call&)>;

// kiosk: any device or user but judges; judge: judges, staff and admins. open: anyone, and
// no cookie or token is even looked up (an answer the same for all, such as the public
// board's, costs no database read per request).
enum class access { anyone, signed_in, kiosk, judge, staff, admin, board, open };

struct route {
  http::verb method;
  std::string pattern;  // e.g. "/api/v1/events/{id}/registrations"
  access who;
  handler fn;
  // How large a body the route takes: standard (1 MiB) or a spreadsheet import (16 MiB),
  // both set in the config.
  enum class body { standard, import } max_body = body::standard;
};

// Response builders shared by the api_*.cpp files.
response json_response(request const& req, http::status s, json const& body);
// The same, for a document already written as text (checkin_answer_text).
response json_text_response(request const& req, http::status s, std::string body);
response error_response(request const& req, domain::error const& e);
response unavailable(request const& req);  // 503: storage failed, nothing committed
domain::error not_found_error();
http::status status_of(domain::error_kind k);

// A query parameter as an integer in [lo, hi]: `fallback` when absent or empty; empty (and
// the field named in `f`) when it is not a whole integer in range.
std::optional<std::int64_t> query_int(call const& c, char const* key, std::int64_t fallback, std::int64_t lo,
                                      std::int64_t hi, domain::field_errors& f);
// A query flag such as ?dry_run=1: present and neither "0" nor "false".
bool query_flag(call const& c, char const* key);

// The one place a committed rule's outcome becomes a response: 503 when its batch could not
// be committed (nothing was saved), the rule's refusal in the contract's shape, or `ok` with
// the body `to_body` makes of the value.
template <class T, class Body>
response outcome_response(call const& c, std::optional<domain::result<T>> const& done, http::status ok,
                          Body&& to_body) {
  if (!done) return unavailable(c.req);
  if (!*done) return error_response(c.req, done->err());
  return json_response(c.req, ok, to_body(done->value()));
}
// For handlers that go on after the commit: the response to send instead, if it failed.
template <class T>
std::optional<response> refusal(call const& c, std::optional<domain::result<T>> const& done) {
  if (!done) return unavailable(c.req);
  if (!*done) return error_response(c.req, done->err());
  return std::nullopt;
}

// Parses the body as a JSON object; on failure `out` holds the 400 to send.
std::optional<json> body_object(call& c, std::optional<response>& out);

std::vector<route> auth_routes();
std::vector<route> event_routes();
std::vector<route> registration_routes();
std::vector<route> checkin_routes();
std::vector<route> ticket_routes();
std::vector<route> unit_routes();     // units, quotas, leave, attendance by unit
std::vector<route> tally_routes();    // free-clinic service tallies
std::vector<route> report_routes();   // the programme report, JSON and XLSX
std::vector<route> competition_routes();  // skill competitions: items, draw, scores, results
std::vector<route> staff_routes();    // issue 11: edit a registration, accounts (api_staff.cpp)
std::vector<route> export_routes();   // issue 11: CSV and XLSX lists (api_exports.cpp)
std::vector<route> door_routes();  // the offline door: ticket-list feed, conflicts (issue 11)
std::vector<route> public_routes();       // the public's own sign-up (/s/), no sign-in
std::vector<route> board_public_routes();  // the public board for an audience (issue 13)

// GET /t/{code} (printable ticket) and /t/{code}/qr.svg.
net::awaitable<response> serve_ticket(app& a, request const& req);

// A path's segments, without allocating: a request's path is split once, and every route's
// pattern once at start-up. A path of more segments than any route has matches none.
struct path_parts {
  static constexpr std::size_t most = 12;
  std::array<std::string_view, most> part{};
  std::size_t n = 0;
  bool too_long = false;
};

class router {
 public:
  explicit router(app& a);
  net::awaitable<response> handle(request const& req, std::string remote);
  // The body limit of the route a request line names (the default for unknown paths).
  [[nodiscard]] std::size_t body_limit(http::verb method, std::string_view target) const;
  // handle() without the hop to the database pool.
  net::awaitable<response> dispatch(request const& req, std::string remote);

 private:
  std::optional<domain::actor> authenticate(request const& req);
  response health(request const& req);
  app& app_;
  std::vector<route> routes_;
  std::vector<path_parts> patterns_;  // routes_[i].pattern split, for match()
};

std::map<std::string, std::string> parse_query(std::string_view target);
std::string url_decode(std::string_view s);

}  // namespace qiandao::transport
