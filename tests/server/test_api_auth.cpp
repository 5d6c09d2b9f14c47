// Sign-in, sessions, roles, kiosk devices, the audit log and the HTTP edges every route
// shares: error shape, unknown routes, methods, body limits, chunked bodies, metrics.
#include <catch2/catch.hpp>
#include <regex>
#include <string>

#include "support/expect.hpp"
#include "support/test_server.hpp"

using namespace qiandao::test;

namespace {

std::string nested_array(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

std::string nested_object(int depth) {
  std::string s;
  for (int i = 0; i < depth; ++i) s += "{\"a\":";
  s += "1";
  s += std::string(depth, '}');
  return s;
}

// The value of one Prometheus sample line, or -1 when the line is missing.
double metric(std::string const& text, std::string const& series) {
  auto pos = text.find("\n" + series + " ");
  if (pos == std::string::npos) return -1;
  pos += series.size() + 2;
  return std::stod(text.substr(pos, text.find('\n', pos) - pos));
}

}  // namespace

TEST_CASE("login sets an HttpOnly SameSite=Strict session cookie that /me accepts", "[auth]") {
  test_server srv;
  auto c = srv.client();
  auto res = c.post("/api/v1/login", {{"username", "admin"}, {"password", test_server::password("admin")}});
  auto body = require_status(res, 200);
  CHECK(body["user"]["username"] == "admin");
  CHECK(body["user"]["role"] == "admin");
  CHECK_FALSE(body["user"].contains("password_hash"));

  auto cookie = res.header("Set-Cookie").value_or("");
  CHECK(cookie.starts_with("qiandao_session="));
  CHECK(cookie.find("HttpOnly") != std::string::npos);
  CHECK(cookie.find("SameSite=Strict") != std::string::npos);
  CHECK(cookie.find("Path=/") != std::string::npos);

  c.set_header("Cookie", cookie.substr(0, cookie.find(';')));
  auto me = require_status(c.get("/api/v1/me"), 200);
  CHECK(me["user"]["username"] == "admin");
  CHECK(me["user"]["role"] == "admin");

  auto staff_me = require_status(srv.as("staff").get("/api/v1/me"), 200);
  CHECK(staff_me["user"]["role"] == "staff");
  auto kiosk_me = require_status(srv.as_kiosk().get("/api/v1/me"), 200);
  CHECK(kiosk_me["user"]["role"] == "kiosk");
  CHECK(kiosk_me["user"]["name"] == "门口1");
}

TEST_CASE("login refuses wrong credentials and invalid bodies", "[auth]") {
  test_server srv;
  auto c = srv.client();
  auto wrong = c.post("/api/v1/login", {{"username", "admin"}, {"password", "not-the-password"}});
  require_error(wrong, 401, "bad_credentials");
  CHECK_FALSE(wrong.header("Set-Cookie").has_value());
  require_error(c.post("/api/v1/login", {{"username", "nobody"}, {"password", "whatever-it-is"}}), 401,
                "bad_credentials");

  require_invalid(c.post("/api/v1/login", {{"username", "admin"}}), {"password"});
  require_invalid(c.post("/api/v1/login", nlohmann::json::object()), {"username", "password"});
  require_invalid(c.post("/api/v1/login", {{"username", 7}, {"password", "x"}}), {"username"});

  require_error(c.post_text("/api/v1/login", R"({"username": "admin",)"), 400, "malformed");
  require_error(c.post_text("/api/v1/login", R"(["admin", "pw"])"), 400, "malformed");
  require_error(c.post_text("/api/v1/login", "\"admin\""), 400, "malformed");
  require_error(c.post_text("/api/v1/login", ""), 400, "malformed");
  require_error(c.post_text("/api/v1/login", nested_array(100)), 400, "malformed");
  require_error(c.post_text("/api/v1/login", nested_object(100)), 400, "malformed");
}

TEST_CASE("five failed logins lock the account with 429 and Retry-After", "[auth]") {
  test_server srv;
  auto c = srv.client();
  for (int i = 0; i < 5; ++i) {
    INFO("attempt " << i);
    require_error(c.post("/api/v1/login", {{"username", "admin"}, {"password", "guess-" + std::to_string(i)}}),
                  401, "bad_credentials");
  }
  // Even the right password waits now.
  auto locked = c.post("/api/v1/login", {{"username", "admin"}, {"password", test_server::password("admin")}});
  require_error(locked, 429, "rate_limited");
  auto retry = locked.header("Retry-After");
  REQUIRE(retry.has_value());
  auto seconds = std::stol(*retry);
  CHECK(seconds >= 1);
  CHECK(seconds <= 300);
  CHECK_FALSE(locked.header("Set-Cookie").has_value());

  // The throttle is per account: another user still signs in.
  require_status(c.post("/api/v1/login", {{"username", "staff"}, {"password", test_server::password("staff")}}), 200);
}

TEST_CASE("routes that need a session answer 401 without one", "[auth]") {
  test_server srv;
  auto c = srv.client();
  require_error(c.get("/api/v1/me"), 401, "unauthorized");
  require_error(c.get("/api/v1/events"), 401, "unauthorized");
  require_error(c.get("/api/v1/devices"), 401, "unauthorized");
  require_error(c.get("/api/v1/audit"), 401, "unauthorized");
  c.set_header("Cookie", "qiandao_session=forged-session-token-value");
  require_error(c.get("/api/v1/me"), 401, "unauthorized");
  auto bogus = srv.with_bearer("not-a-real-device-token");
  require_error(bogus.post("/api/v1/checkins", {{"code", "ABC"}, {"nonce", new_nonce()}}), 401, "unauthorized");
}

TEST_CASE("logout ends only its own session", "[auth]") {
  test_server srv;
  auto first = srv.login("staff");
  auto second = srv.login("staff");
  REQUIRE(first != second);
  auto c = srv.client();
  c.set_header("Cookie", first);
  require_status(c.get("/api/v1/me"), 200);

  auto out = c.post("/api/v1/logout", nlohmann::json::object());
  require_status(out, 200);
  auto cleared = out.header("Set-Cookie").value_or("");
  CHECK(cleared.starts_with("qiandao_session=;"));
  CHECK(cleared.find("Max-Age=0") != std::string::npos);

  require_error(c.get("/api/v1/me"), 401, "unauthorized");
  require_error(c.get("/api/v1/events"), 401, "unauthorized");

  auto other = srv.client();
  other.set_header("Cookie", second);
  require_status(other.get("/api/v1/me"), 200);
}

TEST_CASE("kiosk devices: admin lists and creates and revokes them and a revoked token gets 401", "[auth][devices]") {
  test_server srv;
  auto admin = srv.as("admin");
  auto list = require_status(admin.get("/api/v1/devices"), 200);
  REQUIRE(list["items"].size() == 1);
  CHECK(list["items"][0]["name"] == "门口1");
  CHECK(list["items"][0]["revoked_at"].is_null());
  // Tokens are shown once at creation; a listing never carries them or their digests.
  CHECK(list.dump().find(srv.kiosk_token()) == std::string::npos);
  CHECK_FALSE(list["items"][0].contains("token"));
  CHECK_FALSE(list["items"][0].contains("token_hash"));

  auto made = require_status(admin.post("/api/v1/devices", {{"name", "门口2"}}), 201);
  REQUIRE(made["token"].is_string());
  auto token = made["token"].get<std::string>();
  CHECK(token.size() >= 40);
  // A working kiosk token reaches the door: an unknown ticket is a 404, not a 401.
  auto kiosk = srv.with_bearer(token);
  auto unknown_ticket = nlohmann::json{{"code", "0123456789ABCDEFGHJKMNPQRS"}, {"nonce", new_nonce()}};
  require_error(kiosk.post("/api/v1/checkins", unknown_ticket), 404, "not_found");

  auto id = made["id"].get<std::int64_t>();
  auto revoked = require_status(admin.post("/api/v1/devices/" + std::to_string(id) + "/revoke",
                                           nlohmann::json::object()),
                                200);
  CHECK(revoked["revoked_at"].is_string());
  unknown_ticket["nonce"] = new_nonce();
  require_error(kiosk.post("/api/v1/checkins", unknown_ticket), 401, "unauthorized");
  require_error(kiosk.post("/api/v1/checkins/lookup", {{"event_id", 1}, {"phone", "5678"}}), 401, "unauthorized");
  // The fixture's own kiosk is untouched.
  unknown_ticket["nonce"] = new_nonce();
  require_error(srv.as_kiosk().post("/api/v1/checkins", unknown_ticket), 404, "not_found");

  require_error(admin.post("/api/v1/devices/9999/revoke", nlohmann::json::object()), 404, "not_found");
  require_invalid(admin.post("/api/v1/devices", {{"name", "  "}}), {"name"});
  require_invalid(admin.post("/api/v1/devices", nlohmann::json::object()), {"name"});
  require_error(admin.post("/api/v1/devices", {{"name", "门口3"}, {"event_id", 4242}}), 404, "not_found");
  require_error(admin.post_text("/api/v1/devices", "{name: 1}"), 400, "malformed");

  auto staff = srv.as("staff");
  require_error(staff.get("/api/v1/devices"), 403, "forbidden");
  require_error(staff.post("/api/v1/devices", {{"name", "门口9"}}), 403, "forbidden");
  require_error(srv.as_kiosk().get("/api/v1/devices"), 403, "forbidden");
  require_error(srv.client().post("/api/v1/devices", {{"name", "门口9"}}), 401, "unauthorized");
}

TEST_CASE("the audit log is admin-only and records sign-ins and device changes", "[auth][audit]") {
  test_server srv;
  auto admin = srv.as("admin");
  require_status(admin.post("/api/v1/devices", {{"name", "签到台"}}), 201);
  auto log = require_status(admin.get("/api/v1/audit"), 200);
  REQUIRE(log["items"].is_array());
  bool login = false, device = false;
  for (auto const& row : log["items"]) {
    if (row["action"] == "user.login" && row["actor"] == "user:admin") login = true;
    if (row["action"] == "device.create" && row["detail"] == "签到台") device = true;
    CHECK(row["at"].is_string());
  }
  CHECK(login);
  CHECK(device);
  auto limited = require_status(admin.get("/api/v1/audit?limit=1"), 200);
  CHECK(limited["items"].size() == 1);

  require_error(srv.as("staff").get("/api/v1/audit"), 403, "forbidden");
  require_error(srv.as_kiosk().get("/api/v1/audit"), 403, "forbidden");
  require_error(srv.client().get("/api/v1/audit"), 401, "unauthorized");
}

TEST_CASE("unknown routes answer 404 and wrong methods 405 in the error shape", "[http]") {
  test_server srv;
  auto admin = srv.as("admin");
  require_error(admin.get("/api/v1/nope"), 404, "not_found");
  require_error(admin.get("/api/v1/events/12/nope"), 404, "not_found");
  require_error(admin.get("/api/v1/events/not-a-number"), 404, "not_found");
  require_error(srv.client().get("/api/v2/events"), 404, "not_found");
  require_error(admin.del("/api/v1/events"), 405, "method_not_allowed");
  require_error(admin.request("PUT", "/api/v1/events/1", "{}"), 405, "method_not_allowed");
  require_error(srv.client().get("/api/v1/login"), 405, "method_not_allowed");
  require_error(admin.get("/api/v1/checkins"), 405, "method_not_allowed");
}

TEST_CASE("healthz answers ok and keep-alive reuses one connection", "[http]") {
  test_server srv;
  auto c = srv.client();
  for (int i = 0; i < 3; ++i) {
    auto res = c.get("/healthz");
    auto j = require_status(res, 200);
    CHECK(j["status"] == "ok");
  }
  CHECK(c.connections_opened() == 1);
}

TEST_CASE("bodies over 1 MiB get 413", "[http]") {
  test_server srv;
  auto c = srv.client();
  std::string big = "{\"username\":\"admin\",\"password\":\"" + std::string((1 << 20) + 10, 'x') + "\"}";
  std::string raw = "POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    "Content-Length: " + std::to_string(big.size()) + "\r\n\r\n" + big;
  require_error(c.send_raw(raw), 413, "too_large");

  // Under the limit the body is parsed, and refused for what it says, not for its size.
  std::string fits = "{\"username\":\"admin\",\"password\":\"" + std::string(100000, 'y') + "\"}";
  require_invalid(c.post_text("/api/v1/login", fits), {"password"});
  // The server is still up for everyone else.
  require_status(c.get("/healthz"), 200);
}

TEST_CASE("requests with Transfer-Encoding: chunked are refused with 400", "[http]") {
  test_server srv;
  auto c = srv.client();
  std::string body = R"({"username":"admin","password":"x"})";
  char size_hex[16];
  std::snprintf(size_hex, sizeof size_hex, "%zx", body.size());
  std::string raw = "POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n" + std::string(size_hex) + "\r\n" + body + "\r\n0\r\n\r\n";
  auto res = c.send_raw(raw);
  require_error(res, 400, "malformed");
  CHECK_FALSE(res.header("Set-Cookie").has_value());

  std::string get = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
  require_error(c.send_raw(get), 400, "malformed");

  require_error(c.send_raw("HELLO THERE\r\n\r\n"), 400, "malformed");
}

TEST_CASE("/metrics counts requests by route and status and shows the commit batch histogram", "[http][metrics]") {
  test_server srv;
  auto c = srv.client();
  auto before = c.get("/metrics");
  REQUIRE(before.status == 200);
  CHECK(before.header("Content-Type").value_or("").starts_with("text/plain"));
  std::string healthz = R"(qiandao_http_requests_total{route="/healthz",status="200"})";
  double was = std::max(0.0, metric(before.body, healthz));
  for (int i = 0; i < 3; ++i) require_status(c.get("/healthz"), 200);
  require_error(c.get("/api/v1/nope"), 404, "not_found");
  srv.login("admin");  // a commit: the session row

  auto after = c.get("/metrics").body;
  CHECK(metric(after, healthz) == was + 3);
  CHECK(metric(after, R"(qiandao_http_requests_total{route="unknown",status="404"})") >= 1);
  CHECK(metric(after, R"(qiandao_http_requests_total{route="/api/v1/login",status="200"})") == 1);

  CHECK(after.find("# TYPE qiandao_commit_batch_size histogram") != std::string::npos);
  double count = metric(after, "qiandao_commit_batch_size_count");
  CHECK(count >= 1);
  CHECK(metric(after, R"(qiandao_commit_batch_size_bucket{le="+Inf"})") == count);
  CHECK(metric(after, "qiandao_commit_batch_size_sum") >= count);
  CHECK(metric(after, R"(qiandao_commit_batch_size_bucket{le="1"})") >= 0);
}
