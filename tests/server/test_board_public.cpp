// The public board (issue 13): GET /api/v1/board/public for a large audience behind a
// micro-cache. Not one person in it (no names, masked or whole, no phones, no codes, no
// per-person rows); the figures of the events a board shows by default, totals and the
// per-minute chart; the same bytes and ETag for every viewer within a second; 304 for a
// viewer who has them; Cache-Control for a shared cache; open whatever the board token.
#include <catch2/catch.hpp>
#include <chrono>
#include <numeric>
#include <thread>

#include "domain/validate.hpp"
#include "support/expect.hpp"
#include "support/gunzip.hpp"
#include "support/test_server.hpp"

using namespace qiandao::test;
using nlohmann::json;
using namespace std::chrono_literals;
namespace domain = qiandao::domain;

namespace {

constexpr char const* path = "/api/v1/board/public";

std::int64_t id_of(json const& j) { return j["id"].get<std::int64_t>(); }

// An event on today's programme: began an hour ago, ends in two.
json today_event(test_server& srv, json fields) {
  auto now = domain::now_seconds();
  fields["starts_at"] = domain::format_time(now - 3600);
  fields["ends_at"] = domain::format_time(now + 7200);
  return srv.create_event(fields);
}

void check_in(test_server& srv, json const& person) {
  require_status(srv.as_kiosk().post("/api/v1/checkins", {{"code", person["code"]}, {"nonce", new_nonce()}}), 201);
}

json event_row(json const& body, std::int64_t id) {
  for (auto const& e : body["events"])
    if (e["id"] == id) return e;
  FAIL("event " << id << " is not on the public board: " << body.dump());
  return nullptr;
}

std::int64_t chart_total(json const& body) {
  std::int64_t n = 0;
  for (auto const& m : body["per_minute"]) n += m["count"].get<std::int64_t>();
  return n;
}

// Two reads a test compares must not straddle a minute: the chart's window moves on then.
void clear_of_minute_turn() {
  auto into = domain::now_seconds() % 60;
  if (into >= 56) std::this_thread::sleep_for(std::chrono::seconds(61 - into));
}

}  // namespace

TEST_CASE("the public board carries figures and no person", "[board][public]") {
  test_server srv;
  auto conference = id_of(today_event(srv, {{"title", "中国医师节庆祝大会"}, {"kind", "conference"}, {"capacity", 50}}));
  auto clinic = id_of(today_event(srv, {{"title", "名医面对面义诊"}, {"kind", "clinic"}, {"services", {"血压测量", "血糖检测"}}}));
  auto contest = id_of(today_event(srv, {{"title", "全科医师技能竞赛"}, {"kind", "competition"}}));
  auto past = id_of(srv.create_event({{"title", "去年的健康讲座"}, {"kind", "lecture"}}));  // ended in 2024
  auto cancelled = id_of(today_event(srv, {{"title", "心理减压沙龙"}, {"kind", "salon"}}));

  std::vector<std::pair<std::string, std::string>> people = {
      {"王建国", "13800000001"}, {"刘春玲", "13800000002"}, {"欧阳晓明", "13800000003"},
      {"赵海", "13800000004"},   {"陈丽华", "13800000005"}, {"周德伟", "13800000006"},
      {"吴秀芳", "13800000007"}, {"黄志强", "13800000008"}};
  std::vector<json> regs;
  auto const event_of = [&](std::size_t i) {
    return i < 3 ? conference : i < 5 ? clinic : i < 6 ? contest : i < 7 ? past : cancelled;
  };
  for (std::size_t i = 0; i < people.size(); ++i)
    regs.push_back(srv.register_person(event_of(i), people[i].first, people[i].second));
  for (int i : {0, 2, 3, 5, 6, 7}) check_in(srv, regs[static_cast<std::size_t>(i)]);
  require_status(srv.as("admin").patch("/api/v1/events/" + std::to_string(cancelled), {{"status", "cancelled"}}), 200);
  require_status(srv.as_kiosk().post("/api/v1/events/" + std::to_string(clinic) + "/tallies",
                                     {{"service", "血压测量"}, {"site", ""}, {"nonce", new_nonce()}}),
                 201);
  // The competition's board rows would name its competitor (masked): the public one must not.
  require_status(srv.as("admin").put("/api/v1/events/" + std::to_string(contest) + "/competition",
                                     {{"items", {{{"name", "导尿术"}, {"max_score", 100}}}}}),
                 200);
  auto comp = require_status(srv.as("staff").get("/api/v1/events/" + std::to_string(contest) + "/competition"), 200);
  require_status(srv.as("staff").post("/api/v1/events/" + std::to_string(contest) + "/competition/items/" +
                                          std::to_string(id_of(comp["items"][0])) + "/draw",
                                      json::object()),
                 201);
  auto staff_board = require_status(srv.client().get("/api/v1/board"), 200).dump();
  REQUIRE(staff_board.find(mask_of("周德伟")) != std::string::npos);  // the control: the board shows it

  auto res = srv.client().get(path);
  REQUIRE(res.status == 200);
  CHECK(res.header("Content-Type").value_or("").starts_with("application/json"));
  CHECK(res.header("Cache-Control") == "public, max-age=1");
  auto etag = res.header("ETag").value_or("");
  CHECK(etag.size() == 34);
  CHECK(etag.front() == '"');
  CHECK(etag.back() == '"');
  CHECK_FALSE(res.header("Set-Cookie").has_value());

  // Not one person: no name (whole or masked), phone (whole or masked), code or check-in row.
  INFO(res.body);
  for (std::size_t i = 0; i < people.size(); ++i) {
    auto const& [name, phone] = people[i];
    CHECK(res.body.find(name) == std::string::npos);
    CHECK(res.body.find(mask_of(name)) == std::string::npos);
    CHECK(res.body.find(phone) == std::string::npos);
    CHECK(res.body.find(phone.substr(7)) == std::string::npos);
    CHECK(res.body.find(regs[i]["code"].get<std::string>()) == std::string::npos);
  }
  CHECK(res.body.find('*') == std::string::npos);
  CHECK(res.body.find("青浦区中心医院") == std::string::npos);  // each person's organization
  CHECK_FALSE(has_phone_like(res.body));
  CHECK_FALSE(has_code_like(res.body));
  auto body = res.json();
  CHECK_FALSE(body.contains("recent"));
  CHECK_FALSE(body.contains("history"));

  // The events a board shows by default: not the past one, not the cancelled one.
  std::vector<std::int64_t> shown;
  for (auto const& e : body["events"]) shown.push_back(id_of(e));
  CHECK(shown == std::vector<std::int64_t>{conference, clinic, contest});
  auto conf = event_row(body, conference);
  CHECK(conf["title"] == "中国医师节庆祝大会");
  CHECK(conf["kind"] == "conference");
  CHECK(conf["venue"] == "青浦区卫生健康委员会礼堂");
  CHECK(conf["capacity"] == 50);
  CHECK(conf["registered"] == 3);
  CHECK(conf["checked_in"] == 2);
  CHECK(conf["rate"].get<double>() == Approx(2.0 / 3.0));
  auto cl = event_row(body, clinic);
  CHECK(cl["registered"] == 2);
  CHECK(cl["checked_in"] == 1);
  CHECK(cl["served"] == 1);
  CHECK(cl["capacity"].is_null());
  auto co = event_row(body, contest);
  CHECK(co["checked_in"] == 1);
  CHECK_FALSE(co.contains("competition"));
  CHECK(body["totals"] == json{{"registered", 6}, {"waitlisted", 0}, {"checked_in", 4}, {"served", 1},
                               {"rate", body["totals"]["rate"]}});
  CHECK(body["totals"]["rate"].get<double>() == Approx(4.0 / 6.0));

  // The chart: every minute of the last hour, oldest first, counting the events shown.
  REQUIRE(body["per_minute"].size() == 60);
  CHECK(body["per_minute"].front()["minute"] < body["per_minute"].back()["minute"]);
  CHECK(body["per_minute"].back()["minute"].get<std::string>().ends_with(":00+08:00"));
  CHECK(chart_total(body) == 4);
  CHECK(body["programme"].contains("title"));
  CHECK(body["today"] == domain::now_text().substr(0, 10));
  CHECK(body["generated_at"].get<std::string>().size() == 25);
}

TEST_CASE("the public board: the same bytes within a second, 304, and a check-in within two seconds",
          "[board][public]") {
  test_server srv;
  auto id = id_of(today_event(srv, {{"title", "健康知识汇·科普智慧堂"}, {"kind", "lecture"}}));
  std::vector<json> regs;
  for (int i = 0; i < 4; ++i) regs.push_back(srv.register_person(id, chinese_name(i), test_phone(i)));
  check_in(srv, regs[0]);
  clear_of_minute_turn();

  // Two viewers, one after the other: the same bytes, the same ETag.
  auto one = srv.client().get(path);
  auto two = srv.client().get(path);
  REQUIRE(one.status == 200);
  REQUIRE(two.status == 200);
  CHECK(one.body == two.body);
  auto etag = one.header("ETag").value_or("");
  CHECK(two.header("ETag") == etag);
  // Nothing changed: a second later it is still the same (generated_at included).
  std::this_thread::sleep_for(1100ms);
  auto later = srv.client().get(path);
  CHECK(later.body == one.body);
  CHECK(later.header("ETag") == etag);

  // A viewer who has them gets 304 with no body; a list and a weak form match too.
  for (auto const& tag : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
    auto same = srv.client().get(path, {{"If-None-Match", tag}});
    INFO(tag);
    CHECK(same.status == 304);
    CHECK(same.body.empty());
    CHECK(same.header("ETag") == etag);
    CHECK(same.header("Cache-Control") == "public, max-age=1");
  }
  CHECK(srv.client().get(path, {{"If-None-Match", "\"other\""}}).status == 200);

  // A check-in shows within two seconds; the old ETag then gets the new body.
  check_in(srv, regs[1]);
  auto const start = std::chrono::steady_clock::now();
  json seen;
  http_response fresh;
  while (std::chrono::steady_clock::now() - start < 5s) {
    fresh = srv.client().get(path, {{"If-None-Match", etag}});
    if (fresh.status == 200) {
      seen = fresh.json();
      if (seen["totals"]["checked_in"] == 2) break;
    }
    std::this_thread::sleep_for(50ms);
  }
  auto const took = std::chrono::steady_clock::now() - start;
  REQUIRE(seen["totals"]["checked_in"] == 2);
  CHECK(took < 2s);
  CHECK(seen["events"][0]["checked_in"] == 2);
  CHECK(chart_total(seen) == 2);
  CHECK(fresh.header("ETag") != etag);
  CHECK(seen["generated_at"] >= one.json()["generated_at"]);

  // It was read just now, so for the rest of its second every viewer gets these bytes, even
  // with another check-in committed meanwhile: one read a second, whatever the audience.
  auto const seen_at = std::chrono::steady_clock::now();
  check_in(srv, regs[2]);
  auto cached = srv.client().get(path);
  if (std::chrono::steady_clock::now() - seen_at < 800ms) {
    CHECK(cached.body == fresh.body);
    CHECK(cached.header("ETag") == fresh.header("ETag"));
  }
}

TEST_CASE("the public board is gzip-compressed for a viewer that accepts it with its own ETag and 304",
          "[board][public]") {
  test_server srv;
  auto id = id_of(today_event(srv, {{"title", "健康知识汇·科普智慧堂"}, {"kind", "lecture"}}));
  check_in(srv, srv.register_person(id, chinese_name(0), test_phone(0)));
  clear_of_minute_turn();

  auto plain = srv.client().get(path);
  REQUIRE(plain.status == 200);
  CHECK_FALSE(plain.header("Content-Encoding"));
  CHECK(plain.header("Vary") == "Accept-Encoding");
  auto const plain_etag = plain.header("ETag").value_or("");

  // What browsers send: the same JSON, compressed, under an ETag of its own.
  auto gz = srv.client().get(path, {{"Accept-Encoding", "gzip, deflate, br, zstd"}});
  REQUIRE(gz.status == 200);
  CHECK(gz.header("Content-Encoding") == "gzip");
  CHECK(gz.header("Vary") == "Accept-Encoding");
  CHECK(gz.header("Content-Type") == "application/json; charset=utf-8");
  CHECK(gunzip(gz.body) == plain.body);
  CHECK(gz.body.size() * 3 < plain.body.size());
  auto const gz_etag = gz.header("ETag").value_or("");
  CHECK(gz_etag == plain_etag.substr(0, plain_etag.size() - 1) + "-gz\"");
  // Every viewer within the second gets these very bytes.
  CHECK(srv.client().get(path, {{"Accept-Encoding", "gzip"}}).body == gz.body);

  // 304 for the representation the viewer holds; the other one's tag does not match.
  auto same = srv.client().get(path, {{"Accept-Encoding", "gzip"}, {"If-None-Match", gz_etag}});
  CHECK(same.status == 304);
  CHECK(same.header("ETag") == gz_etag);
  CHECK(srv.client().get(path, {{"Accept-Encoding", "gzip"}, {"If-None-Match", plain_etag}}).status == 200);
  CHECK(srv.client().get(path, {{"If-None-Match", gz_etag}}).status == 200);

  // Refused or not named: the JSON as it is.
  for (auto const& refused : {"gzip;q=0", "identity", "deflate, br", "*;q=0", "gzip;q=0, *", "x-gzip;q=0.0"}) {
    INFO(refused);
    auto r = srv.client().get(path, {{"Accept-Encoding", refused}});
    CHECK_FALSE(r.header("Content-Encoding"));
    CHECK(r.body == plain.body);
  }
  for (auto const& accepted : {"GZIP", "x-gzip", "*", "br;q=1.0, gzip;q=0.5", "gzip;q=0.001", " gzip ; q=1 "}) {
    INFO(accepted);
    auto r = srv.client().get(path, {{"Accept-Encoding", accepted}});
    CHECK(r.header("Content-Encoding") == "gzip");
    CHECK(r.body == gz.body);
  }
}

TEST_CASE("the public board is open whatever the board token, and other methods get the contract's error",
          "[board][public]") {
  server_options o;
  o.board_token = "a-board-token-for-the-big-screen";
  test_server srv(o);
  today_event(srv, {{"title", "中国医师节庆祝大会"}, {"kind", "conference"}});

  // The board itself needs the token; the public board carries no one, so it does not.
  require_error(srv.client().get("/api/v1/board"), 401, "unauthorized");
  auto open = srv.client().get(path);
  REQUIRE(open.status == 200);
  CHECK(open.json()["events"].size() == 1);
  // A cookie or token is not even looked at: an unknown one changes nothing.
  CHECK(srv.client().get(path, {{"Authorization", "Bearer not-a-token"}, {"Cookie", "qiandao_session=nope"}}).body ==
        open.body);
  CHECK(srv.as("staff").get(path).status == 200);

  for (auto method : {"POST", "PUT", "PATCH", "DELETE", "HEAD"}) {
    INFO(method);
    auto r = srv.client().request(method, path, std::string(method) == "HEAD" ? std::nullopt
                                                                             : std::optional<std::string>("{}"));
    CHECK(r.status == 405);
    if (std::string(method) != "HEAD") require_error(r, 405, "method_not_allowed");
  }
  require_error(srv.client().get("/api/v1/board/public/1"), 404, "not_found");
}
