#include "transport/router.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <array>
#include <cctype>
#include <cstdio>

#include "domain/validate.hpp"
#include "transport/client_address.hpp"
#include "transport/static_files.hpp"

namespace qiandao::transport {

namespace {

path_parts split_path(std::string_view path) {
  path_parts out;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    auto slash = path.find('/');
    if (out.n == path_parts::most) {
      out.too_long = true;
      break;
    }
    out.part[out.n++] = path.substr(0, slash);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return out;
}

std::optional<domain::id_t> parse_id(std::string_view s) {
  if (s.empty() || s.size() > 15) return std::nullopt;
  domain::id_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// Matches a split path against a split pattern, collecting the {id} parts; empty when it
// does not fit.
std::optional<std::vector<domain::id_t>> match(path_parts const& want, path_parts const& got) {
  if (got.too_long || want.n != got.n) return std::nullopt;
  for (std::size_t i = 0; i < want.n; ++i)
    if (want.part[i] != "{id}" && want.part[i] != got.part[i]) return std::nullopt;
  std::vector<domain::id_t> ids;
  for (std::size_t i = 0; i < want.n; ++i) {
    if (want.part[i] != "{id}") continue;
    auto id = parse_id(got.part[i]);
    if (!id) return std::nullopt;
    ids.push_back(*id);
  }
  return ids;
}

std::optional<std::string> cookie(request const& req, std::string_view name) {
  auto it = req.find(http::field::cookie);
  if (it == req.end()) return std::nullopt;
  std::string_view v = it->value();
  while (!v.empty()) {
    while (!v.empty() && (v.front() == ' ' || v.front() == ';')) v.remove_prefix(1);
    auto semi = v.find(';');
    auto pair = v.substr(0, semi);
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name)
      return std::string(pair.substr(eq + 1));
    if (semi == std::string_view::npos) break;
    v.remove_prefix(semi);
  }
  return std::nullopt;
}

std::optional<std::string> bearer(request const& req) {
  auto it = req.find(http::field::authorization);
  if (it == req.end()) return std::nullopt;
  std::string_view v = it->value();
  if (v.size() <= 7 || (v.substr(0, 7) != "Bearer " && v.substr(0, 7) != "bearer ")) return std::nullopt;
  return std::string(v.substr(7));
}

bool allowed(access need, std::optional<domain::actor> const& who, call const& c) {
  using role = domain::role_kind;
  switch (need) {
    case access::anyone:
    case access::open: return true;
    case access::signed_in: return who.has_value();
    case access::kiosk: return who && who->role != role::board && who->role != role::judge;
    case access::judge: return who && who->may_judge();
    case access::staff: return who && who->is_staff();
    case access::admin: return who && who->is_admin();
    case access::board: {
      auto const& token = c.a.cfg.board_token;
      if (!token || (who && who->is_staff())) return true;
      auto q = c.query.find("token");
      return (q != c.query.end() && q->second == *token) || bearer(c.req) == *token;
    }
  }
  return false;
}

}  // namespace

http::status status_of(domain::error_kind k) {
  using domain::error_kind;
  switch (k) {
    case error_kind::malformed: return http::status::bad_request;
    case error_kind::unauthorized: return http::status::unauthorized;
    case error_kind::forbidden: return http::status::forbidden;
    case error_kind::not_found: return http::status::not_found;
    case error_kind::conflict: return http::status::conflict;
    case error_kind::too_large: return http::status::payload_too_large;
    case error_kind::invalid: return http::status::unprocessable_entity;
    case error_kind::rate_limited: return http::status::too_many_requests;
    case error_kind::unavailable: return http::status::service_unavailable;
  }
  return http::status::internal_server_error;
}

response json_response(request const& req, http::status s, json const& body) {
  return json_text_response(req, s, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

response json_text_response(request const& req, http::status s, std::string body) {
  response res{s, req.version()};
  res.set(http::field::server, "qiandao");
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

response error_response(request const& req, domain::error const& e) {
  return json_response(req, status_of(e.kind), error_body(e));
}

response unavailable(request const& req) {
  auto res = error_response(
      req, domain::make_error(domain::error_kind::unavailable, "unavailable",
                              "暂时无法保存，请稍后重试 / storage is unavailable, nothing was saved; retry"));
  res.set(http::field::retry_after, "2");
  return res;
}

domain::error not_found_error() {
  return domain::make_error(domain::error_kind::not_found, "not_found", "找不到 / not found");
}

std::optional<json> body_object(call& c, std::optional<response>& out) {
  auto j = parse_object(c.req.body());
  if (!j) {
    out = error_response(c.req, j.err());
    return std::nullopt;
  }
  return std::move(j.value());
}

std::optional<std::int64_t> query_int(call const& c, char const* key, std::int64_t fallback, std::int64_t lo,
                                      std::int64_t hi, domain::field_errors& f) {
  auto it = c.query.find(key);
  if (it == c.query.end() || it->second.empty()) return fallback;
  try {
    std::size_t used = 0;
    auto v = std::stoll(it->second, &used);
    if (used == it->second.size() && v >= lo && v <= hi) return v;
  } catch (std::exception const&) {
  }
  f.add(key, "须为 " + std::to_string(lo) + "–" + std::to_string(hi) + " 的整数 / out of range");
  return std::nullopt;
}

bool query_flag(call const& c, char const* key) {
  auto it = c.query.find(key);
  return it != c.query.end() && it->second != "0" && it->second != "false";
}

std::string url_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') out += ' ';
    else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
             std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else out += s[i];
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view target) {
  std::map<std::string, std::string> q;
  auto qm = target.find('?');
  if (qm == std::string_view::npos) return q;
  auto rest = target.substr(qm + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    auto pair = rest.substr(0, amp);
    auto eq = pair.find('=');
    if (eq == std::string_view::npos) q.emplace(url_decode(pair), "");
    else q.emplace(url_decode(pair.substr(0, eq)), url_decode(pair.substr(eq + 1)));
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return q;
}

router::router(app& a) : app_(a) {
  for (auto make : {auth_routes, event_routes, registration_routes, checkin_routes, ticket_routes,
                    unit_routes, tally_routes, report_routes})
    for (auto& r : make()) routes_.push_back(std::move(r));
  for (auto& r : competition_routes()) routes_.push_back(std::move(r));
  for (auto make : {staff_routes, export_routes})
    for (auto& r : make()) routes_.push_back(std::move(r));
  for (auto& r : door_routes()) routes_.push_back(std::move(r));  // door (issue 11)
  for (auto& r : public_routes()) routes_.push_back(std::move(r));
  for (auto& r : board_public_routes()) routes_.push_back(std::move(r));
  for (auto const& r : routes_) patterns_.push_back(split_path(r.pattern));  // views into routes_
}

std::optional<domain::actor> router::authenticate(request const& req) {
  using role = domain::role_kind;
  if (auto token = cookie(req, "qiandao_session")) {
    auto s = app_.db.read();
    if (auto row = s->find_session(domain::token_digest(*token)); row && row->expires_at > domain::now_text())
      return domain::actor{domain::user_role(row->user.role), row->user.id, row->user.username, std::nullopt};
  }
  if (auto token = bearer(req)) {
    auto s = app_.db.read();
    if (auto d = s->find_device_by_token(domain::token_digest(*token)))
      return domain::actor{role::kiosk, d->id, d->name, d->event_id};
  }
  return std::nullopt;
}

std::size_t router::body_limit(http::verb method, std::string_view target) const {
  auto path = split_path(target.substr(0, target.find('?')));
  for (std::size_t i = 0; i < routes_.size(); ++i)
    if (routes_[i].method == method && routes_[i].max_body == route::body::import && match(patterns_[i], path))
      return app_.cfg.max_import_bytes;
  return app_.cfg.max_body_bytes;
}

namespace {
// A free function with by-value parameters (GCC 12 and coroutine lambdas, see README).
net::awaitable<response> dispatch_on(router* r, request const* req, std::string remote) {
  co_return co_await r->dispatch(*req, std::move(remote));
}
}  // namespace

// Whether this instance can serve: the database answers (a read of the programme's one row),
// and, with several instances, whether it hears the others (its LISTEN connection). 503 when
// the database does not answer; 200 "degraded" when only the doorbell is deaf (requests are
// served, the boards fall back on the once-a-second re-read when it returns).
response router::health(request const& req) {
  bool database = true;
  try {
    (void)app_.db.read()->get_programme();
  } catch (std::exception const&) {
    database = false;
  }
  bool shared = app_.db.shared();
  bool hears = app_.db.hears_peers();
  json body = {{"status", !database ? "down" : (hears ? "ok" : "degraded")},
               {"database", database ? "up" : "down"},
               {"listener", shared ? (hears ? "up" : "down") : "none"}};
  return json_response(req, database ? http::status::ok : http::status::service_unavailable, body);
}

net::awaitable<response> router::handle(request const& req, std::string remote) {
  // A read may wait on a database server: the request then runs on the database pool, and
  // the I/O thread goes on serving others.
  if (!app_.db.reads_block()) co_return co_await dispatch(req, std::move(remote));
  co_return co_await net::co_spawn(app_.db_pool, dispatch_on(this, &req, std::move(remote)), net::use_awaitable);
}

net::awaitable<response> router::dispatch(request const& req, std::string remote) {
  std::string_view target = req.target();
  std::string_view path = target.substr(0, target.find('?'));
  std::string_view route_name = "static";  // a literal or a route's pattern: both outlive the request
  response res;
  try {
    if (!path.starts_with("/api/")) {
      if (path == "/healthz") {
        res = health(req);
        route_name = "/healthz";
      } else if (path == "/metrics") {
        res = json_response(req, http::status::ok, nullptr);
        res.set(http::field::content_type, "text/plain; version=0.0.4");
        res.body() = app_.counters.render();
        res.prepare_payload();
        route_name = "/metrics";
      } else if (path.starts_with("/t/") && req.method() == http::verb::get) {
        res = co_await serve_ticket(app_, req);
        route_name = "/t/{code}";
      } else {
        res = serve_static(app_.cfg, req, path);
      }
    } else {
      call c{app_, req, client_address(app_.cfg, req, remote), {}, parse_query(target), std::nullopt};
      bool path_known = false;
      route const* found = nullptr;
      auto parts = split_path(path);
      for (std::size_t i = 0; i < routes_.size(); ++i) {
        auto const& r = routes_[i];
        if (auto ids = match(patterns_[i], parts)) {
          path_known = true;
          if (r.method == req.method()) {
            found = &r;
            c.ids = std::move(*ids);
            break;
          }
        }
      }
      if (!found) {
        route_name = "unknown";
        res = path_known ? json_response(req, http::status::method_not_allowed,
                                         error_body(domain::make_error(domain::error_kind::malformed,
                                                                       "method_not_allowed",
                                                                       "不支持该方法 / method not allowed")))
                         : error_response(req, not_found_error());
      } else {
        route_name = found->pattern;
        if (found->who != access::open) c.who = authenticate(req);
        if (!allowed(found->who, c.who, c)) {
          bool anonymous = !c.who || found->who == access::board;
          res = error_response(
              req, anonymous ? domain::make_error(domain::error_kind::unauthorized, "unauthorized",
                                                  "请先登录 / sign in first")
                             : domain::make_error(domain::error_kind::forbidden, "forbidden",
                                                  "无权操作 / not allowed for this role"));
        } else {
          res = co_await found->fn(c);
        }
      }
    }
  } catch (domain::storage_error const& e) {
    std::fprintf(stderr, "qiandao: %s %s: storage: %s\n", std::string(req.method_string()).c_str(),
                 std::string(route_name).c_str(), e.what());
    app_.counters.database_error(e.code);
    res = unavailable(req);
  } catch (std::exception const& e) {
    std::fprintf(stderr, "qiandao: %s %s: %s\n", std::string(req.method_string()).c_str(),
                 std::string(route_name).c_str(), e.what());
    res = json_response(req, http::status::internal_server_error,
                        error_body(domain::make_error(domain::error_kind::unavailable, "internal",
                                                      "服务器内部错误 / internal error")));
  }
  app_.counters.request(route_name, res.result_int());
  co_return res;
}

}  // namespace qiandao::transport
