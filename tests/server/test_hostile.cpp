// Hostile HTTP input: oversized, malformed, deeply nested, mis-encoded or mistyped requests
// and path tricks. Every one ends in a contract error or a closed connection — never a
// crash, a hang, a 2xx or a 500 — and afterwards the server answers and the data is as it was.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "support/expect.hpp"
#include "support/hostile.hpp"
#include "support/test_server.hpp"

using namespace qiandao::test;
using nlohmann::json;
using namespace std::chrono_literals;
using namespace std::string_literals;

namespace {

// A server with one event and a few tickets; a request must arrive within 2 s.
struct hostile_fixture {
  qiandao::domain::id_t event_id = 0;
  std::vector<seeded_ticket> tickets;
  std::unique_ptr<test_server> srv;

  explicit hostile_fixture(std::function<void(qiandao::config&)> configure = {}) {
    server_options o;
    o.seed = [this](qiandao::storage::sql_store& s) {
      event_id = seed_event(s, "名医面对面义诊");
      tickets = seed_tickets(s, {event_id}, 10);
    };
    o.configure = [configure](qiandao::config& c) {
      c.header_timeout_seconds = 2;
      if (configure) configure(c);
    };
    srv = std::make_unique<test_server>(o);
  }
  [[nodiscard]] unsigned short port() const { return srv->port(); }
  [[nodiscard]] std::string registrations() const {
    return "/api/v1/events/" + std::to_string(event_id) + "/registrations";
  }
  // A request head with credentials; `extra` is more header lines, each ending in \r\n.
  [[nodiscard]] std::string head(std::string const& request_line, std::string const& auth,
                                 std::string const& extra = "") const {
    return request_line + "\r\nHost: 127.0.0.1:" + std::to_string(port()) + "\r\n" + auth + "\r\n" + extra;
  }
  [[nodiscard]] std::string kiosk_auth() const { return "Authorization: Bearer " + srv->kiosk_token(); }
};

std::string nested_arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

}  // namespace

TEST_CASE("headers over 16 KiB and bodies over 1 MiB are refused with 413 but imports may be up to 16 MiB",
          "[hostile]") {
  hostile_fixture f;
  auto before = data_fingerprint(f.srv->db_path());
  auto cookie = "Cookie: " + f.srv->login("staff");

  // One huge header, and many ordinary ones adding up past the limit.
  require_refused(send_hostile(f.port(), f.head("GET /healthz HTTP/1.1", "X-Big: " + std::string(17 * 1024, 'a')) + "\r\n"),
                  {413});
  std::string many;
  for (int i = 0; i < 1000; ++i) many += "X-H" + std::to_string(i) + ": " + std::string(20, 'b') + "\r\n";
  require_refused(send_hostile(f.port(), f.head("GET /healthz HTTP/1.1", cookie, many) + "\r\n"), {413});

  // A declared body over 1 MiB is refused from the header alone, with the contract's 413.
  auto big = send_hostile(f.port(), f.head("POST " + f.registrations() + " HTTP/1.1", cookie,
                                           "Content-Type: application/json\r\nContent-Length: 1048577\r\n") + "\r\n");
  REQUIRE(big.answer);
  require_error(*big.answer, 413, "too_large");

  // Exactly 1 MiB is still read (and then refused for its content, not its size).
  auto staff = f.srv->as("staff");
  json body = {{"name", ""}, {"phone", test_phone(900)}, {"organization", "青浦区中心医院"}};
  auto text = body.dump();
  body["name"] = std::string((1u << 20) - text.size(), 'x');
  REQUIRE(body.dump().size() == 1u << 20);
  require_invalid(staff.post(f.registrations(), body), {"name"});

  // An import over 1 MiB is accepted (blank padding lines are skipped), up to 16 MiB.
  std::string csv = "姓名,手机号,工作单位\n";
  for (int i = 0; i < 3; ++i) csv += chinese_name(500 + i) + "," + test_phone(500 + i) + ",青浦区中心医院\n";
  auto import_of = [&](std::size_t size) {
    std::string padded = csv;
    std::string blank = std::string(1023, ' ') + "\n";
    while (padded.size() + blank.size() <= size) padded += blank;
    padded.append(size - padded.size() - 1, ' ');
    padded += "\n";
    return padded;
  };
  for (std::size_t size : {std::size_t{2} << 20, (std::size_t{16} << 20) - 4096}) {
    INFO("import of " << size << " bytes");
    try {
      auto r = staff.post_text(f.registrations() + "/import?dry_run=1", import_of(size), {{"Content-Type", "text/csv"}});
      INFO("HTTP " << r.status << " " << r.body.substr(0, 300));
      CHECK(r.status == 200);
      if (r.status != 200) continue;
      auto j = r.json();
      CHECK(j["dry_run"] == true);
      CHECK(j["accepted"] == 3);
      CHECK(j["rejected"].empty());
    } catch (http_error const& e) {
      FAIL_CHECK("the import was cut off: " << e.what());
    }
  }
  auto huge = send_hostile(f.port(), f.head("POST " + f.registrations() + "/import HTTP/1.1", cookie,
                                            "Content-Type: text/csv\r\nContent-Length: 16777217\r\n") + "\r\n");
  REQUIRE(huge.answer);
  require_error(*huge.answer, 413, "too_large");

  require_alive(*f.srv);
  CHECK(data_fingerprint(f.srv->db_path()) == before);
}

TEST_CASE("JSON nested deeper than 32 is refused with 400 before it is parsed", "[hostile]") {
  hostile_fixture f;
  auto before = data_fingerprint(f.srv->db_path());
  auto kiosk = f.srv->as_kiosk();
  auto with_code = [&](std::string const& code_json) {
    return kiosk.post_text("/api/v1/checkins", R"({"nonce":")" + new_nonce() + R"(","code":)" + code_json + "}");
  };
  // The outer object is level 1: 31 arrays inside it make 32, which is parsed.
  require_invalid(with_code(nested_arrays(31)), {"code"});
  require_error(with_code(nested_arrays(32)), 400, "malformed");
  std::string objects;
  for (int i = 0; i < 40; ++i) objects += R"({"a":)";
  objects += "1" + std::string(40, '}');
  require_error(with_code(objects), 400, "malformed");

  // Very deep input is refused quickly: it never reaches a recursive parser.
  auto start = std::chrono::steady_clock::now();
  require_error(with_code(nested_arrays(400000)), 400, "malformed");
  CHECK(std::chrono::steady_clock::now() - start < 2s);
  // Unbalanced (only opening brackets) and brackets inside strings.
  require_error(with_code(std::string(100000, '[')), 400, "malformed");
  auto in_string = with_code(json(std::string(100, '[')).dump());
  CHECK(in_string.status != 400);
  CHECK(in_string.status < 500);

  require_alive(*f.srv);
  CHECK(data_fingerprint(f.srv->db_path()) == before);
}

TEST_CASE("invalid UTF-8 in JSON strings is refused with 400 or 422 and stores nothing", "[hostile]") {
  hostile_fixture f;
  auto before = data_fingerprint(f.srv->db_path());
  auto staff = f.srv->as("staff");
  auto kiosk = f.srv->as_kiosk();
  for (std::string bad : {"\xff\xfe", "\xc0\xaf", "\xe5\xbc", "\xed\xa0\x80", "\xf4\x90\x80\x80", "a\x80z", "\\ud800",
                          "\\udc00\\ud800"}) {
    INFO("bytes: " << json(bad).dump(-1, ' ', true, json::error_handler_t::replace));
    std::string name = "张" + bad + "明";
    auto r = staff.post_text(f.registrations(), R"({"name":")" + name + R"(","phone":")" + test_phone(700) +
                                                    R"(","organization":"青浦区中心医院"})");
    INFO("HTTP " << r.status << " " << r.body);
    CHECK((r.status == 400 || r.status == 422));
    if (r.status == 400) require_error(r, 400, "malformed");
    if (r.status == 422) require_invalid(r, {"name"});
    // In a key, and in a check-in nonce.
    auto key = staff.post_text(f.registrations(), "{\"na" + bad + "me\":\"张明\",\"phone\":\"" + test_phone(701) + "\"}");
    CHECK((key.status == 400 || key.status == 422));
    auto scan = kiosk.post_text("/api/v1/checkins", R"({"code":")" + f.tickets[0].code + R"(","nonce":"abcdefgh)" +
                                                        bad + R"("})");
    CHECK((scan.status == 400 || scan.status == 422));
  }
  require_alive(*f.srv);
  CHECK(data_fingerprint(f.srv->db_path()) == before);
}

TEST_CASE("numbers out of range and wrong types are refused with 422 naming the field", "[hostile]") {
  hostile_fixture f;
  auto before = data_fingerprint(f.srv->db_path());
  auto admin = f.srv->as("admin");
  json event = {{"title", "健康知识汇·科普智慧堂"}, {"kind", "lecture"}, {"venue", "青浦区图书馆"},
                {"starts_at", "2024-08-17T14:00:00+08:00"}, {"ends_at", "2024-08-17T16:00:00+08:00"},
                {"capacity", 100}};
  // `raw` is spliced in as JSON text, for numbers nlohmann would not write.
  auto post_event = [&](std::string const& field, std::string const& raw) {
    json body = event;
    body[field] = "@@";
    auto text = body.dump();
    text.replace(text.find("\"@@\""), 4, raw);
    return admin.post_text("/api/v1/events", text);
  };
  for (auto raw : {"-1", "1000001", "99999999999999999999999", "9223372036854775808", "18446744073709551615",
                   "-9223372036854775809", "10.5", "1e3", "\"10\"", "true", "[]", "{}"}) {
    INFO("capacity " << raw);
    require_invalid(post_event("capacity", raw), {"capacity"});
  }
  // Past the range of a double the JSON parser itself gives up (RFC 8259 allows the limit).
  for (auto raw : {"1e400", "-1e400"}) {
    INFO("capacity " << raw);
    auto r = post_event("capacity", raw);
    if (r.status == 400) require_error(r, 400, "malformed");
    else require_invalid(r, {"capacity"});
  }
  require_invalid(post_event("title", "42"), {"title"});
  require_invalid(post_event("waitlist", "\"yes\""), {"waitlist"});
  require_invalid(post_event("walk_ins", "1"), {"walk_ins"});
  require_invalid(post_event("lead_departments", "\"医政科\""), {"lead_departments"});
  require_invalid(post_event("lead_departments", "[1, 2]"), {"lead_departments"});
  require_invalid(post_event("starts_at", "20240817"), {"starts_at"});
  require_invalid(admin.patch("/api/v1/events/" + std::to_string(f.event_id), {{"capacity", -5}}), {"capacity"});

  auto kiosk = f.srv->as_kiosk();
  auto scan = [&](std::string const& field, std::string const& raw) {
    return kiosk.post_text("/api/v1/checkins", R"({"nonce":")" + new_nonce() + R"(",")" + field + "\":" + raw + "}");
  };
  for (auto raw : {"\"12\"", "1.5", "99999999999999999999999", "-9223372036854775809", "[]", "true"}) {
    INFO("registration_id " << raw);
    require_invalid(scan("registration_id", raw), {"registration_id"});
  }
  require_invalid(kiosk.post("/api/v1/checkins", {{"nonce", 12345678}, {"code", f.tickets[0].code}}), {"nonce"});
  require_invalid(kiosk.post("/api/v1/checkins", {{"nonce", new_nonce()}, {"code", 42}}), {"code"});
  require_invalid(kiosk.post("/api/v1/checkins/lookup", {{"event_id", "1"}, {"phone", "5678"}}), {"event_id"});
  require_invalid(kiosk.post("/api/v1/checkins/lookup", {{"event_id", f.event_id}, {"phone", 13912345678LL}}),
                  {"phone"});
  auto staff = f.srv->as("staff");
  require_invalid(staff.post(f.registrations(), {{"name", 123}, {"phone", test_phone(800)}}), {"name"});
  require_invalid(staff.post(f.registrations(), {{"name", "张明"}, {"phone", 13912345678LL}}), {"phone"});
  require_invalid(f.srv->client().post("/api/v1/login", {{"username", 123}, {"password", "x"}}), {"username"});
  // Integers past int64 must not wrap around to negative ids.
  CHECK(data_fingerprint(f.srv->db_path()) == before);
  for (auto raw : {"9223372036854775808", "18446744073709551615"}) {
    INFO("id " << raw);
    require_invalid(kiosk.post_text("/api/v1/checkins/lookup", R"({"phone":"5678","event_id":)" + std::string(raw) + "}"),
                    {"event_id"});
    require_invalid(scan("registration_id", raw), {"registration_id"});
  }

  require_alive(*f.srv);
  CHECK(data_fingerprint(f.srv->db_path()) == before);
}

TEST_CASE("Transfer-Encoding chunked and Trailer headers are refused with 400", "[hostile]") {
  hostile_fixture f;
  auto before = data_fingerprint(f.srv->db_path());
  // A real ticket: were the body read and acted on, someone would be checked in.
  std::string body = json{{"code", f.tickets[0].code}, {"nonce", new_nonce()}}.dump();
  char size_hex[16];
  std::snprintf(size_hex, sizeof size_hex, "%zx", body.size());
  std::string chunked = std::string(size_hex) + "\r\n" + body + "\r\n0\r\n\r\n";
  auto scan = f.head("POST /api/v1/checkins HTTP/1.1", f.kiosk_auth(), "Content-Type: application/json\r\n");

  auto r = send_hostile(f.port(), scan + "Transfer-Encoding: chunked\r\n\r\n" + chunked);
  REQUIRE(r.answer);
  require_error(*r.answer, 400, "malformed");
  r = send_hostile(f.port(), scan + "Content-Length: " + std::to_string(body.size()) + "\r\nTrailer: X-Checksum\r\n\r\n" + body);
  REQUIRE(r.answer);
  require_error(*r.answer, 400, "malformed");
  require_refused(send_hostile(f.port(), scan + "Transfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n" +
                                             std::string(size_hex) + "\r\n" + body + "\r\n0\r\nX-Checksum: 1\r\n\r\n"),
                  {400});
  require_refused(send_hostile(f.port(), scan + "Transfer-Encoding: gzip, chunked\r\n\r\n" + chunked), {400});
  require_refused(send_hostile(f.port(), scan + "Content-Length: " + std::to_string(chunked.size()) +
                                             "\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked),
                  {400});

  require_alive(*f.srv);
  CHECK(data_fingerprint(f.srv->db_path()) == before);
}

TEST_CASE("malformed HTTP gets 400 or a closed connection, never a hang", "[hostile]") {
  hostile_fixture f;
  auto before = data_fingerprint(f.srv->db_path());
  auto auth = f.kiosk_auth();
  std::string scan = "POST /api/v1/checkins HTTP/1.1\r\nHost: x\r\n" + auth + "\r\nContent-Type: application/json\r\n";
  std::mt19937 rng(20240819);
  std::string noise;
  for (int i = 0; i < 4000; ++i) noise += static_cast<char>(rng() & 0xff);

  std::vector<std::pair<char const*, std::string>> cases = {
      {"garbage", "\x01\x02\x03 hello \x7f\r\n\r\n"},
      {"random bytes", noise},
      {"random bytes after a request line", "GET /healthz HTTP/1.1\r\n" + noise + "\r\n\r\n"},
      {"bad method", "G@T /healthz HTTP/1.1\r\nHost: x\r\n\r\n"},
      {"method only", "GET\r\n\r\n"},
      {"bad version", "GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n"},
      {"no version", "GET /healthz\r\nHost: x\r\n\r\n"},
      {"header without colon", "GET /healthz HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n"},
      {"NUL in a header", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n"s},
      {"space before colon", "GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n"},
      {"huge Content-Length", scan + "Content-Length: 99999999999999999999999999\r\n\r\n{}"},
      {"negative Content-Length", scan + "Content-Length: -1\r\n\r\n{}"},
      {"Content-Length not a number", scan + "Content-Length: abc\r\n\r\n{}"},
      {"two Content-Lengths", scan + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{} "},
      {"request line over 16 KiB", "GET /" + std::string(20000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n"},
  };
  for (auto const& [what, bytes] : cases) {
    INFO(what);
    require_refused(send_hostile(f.port(), bytes), {400, 413});
  }
  // A body shorter than its Content-Length: the server stops waiting at the request deadline.
  {
    INFO("short body");
    require_refused(send_hostile(f.port(), scan + "Content-Length: 1000\r\n\r\n{\"code\":"), {400});
  }
  // A well-formed request with a method no route has is an error, not a success.
  auto brew = send_hostile(f.port(), "BREW /api/v1/checkins HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n\r\n");
  require_refused(brew, {400, 404, 405});

  require_alive(*f.srv);
  CHECK(data_fingerprint(f.srv->db_path()) == before);
}

TEST_CASE("path traversal out of the web root answers 404", "[hostile]") {
  temp_dir files;
  std::filesystem::create_directories(files.path() / "web" / "staff");
  std::ofstream(files.file("web/hello.txt")) << "hello from the web root";
  std::ofstream(files.file("secret.txt")) << "TOP-SECRET-DO-NOT-SERVE";
  hostile_fixture f([&](qiandao::config& c) { c.web_root = files.file("web"); });
  auto c = f.srv->client();
  auto ok = c.get("/web/hello.txt");
  REQUIRE(ok.status == 200);  // the web root is really served from disk
  REQUIRE(ok.body == "hello from the web root");

  for (std::string target :
       {"/web/../secret.txt", "/web/../../secret.txt", "/web/%2e%2e/secret.txt", "/web/%2E%2E/secret.txt",
        "/web/.%2e/secret.txt", "/web/..%2fsecret.txt", "/web/%2e%2e%2fsecret.txt", "/web/..\\secret.txt",
        "/web/..%5csecret.txt", "/web/%5c..%5csecret.txt", "/web/./../secret.txt", "/web/hello.txt/../../secret.txt",
        "/web/staff/../../secret.txt", "/web//etc/passwd", "/web/%2fetc%2fpasswd", "/web/vendor/../../secret.txt",
        "/web/vendor/%2e%2e/%2e%2e/secret.txt", "/../secret.txt", "/web/..", "/web/.hidden", "/web/%00secret.txt",
        "/web/../../../../../../etc/passwd", "/web/..%c0%afsecret.txt"}) {
    INFO(target);
    auto r = c.get(target);
    require_error(r, 404, "not_found");
    CHECK(r.body.find("TOP-SECRET") == std::string::npos);
    CHECK(r.body.find("root:") == std::string::npos);
  }
  require_alive(*f.srv);
}
