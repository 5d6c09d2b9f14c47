// The board after a reload (issue 11): the snapshot carries live check-ins per event and
// minute over the last hour, an undone check-in leaves it (and the stream says which minute
// to take it off), each row carries ends_at and the snapshot the programme's today, and
// GET /api/v1/board?events= selects events, their check-ins, chart and totals.
#include <catch2/catch.hpp>
#include <chrono>

#include "domain/validate.hpp"
#include "storage/store.hpp"
#include "support/board_view.hpp"
#include "support/expect.hpp"
#include "support/test_server.hpp"
#include "support/ws_client.hpp"

using namespace qiandao::test;
using nlohmann::json;
using namespace std::chrono_literals;
namespace domain = qiandao::domain;

namespace {

std::int64_t id_of(json const& j) { return j["id"].get<std::int64_t>(); }

// The snapshot's per-minute counts summed per event.
std::map<std::int64_t, std::int64_t> per_event(json const& snapshot) {
  std::map<std::int64_t, std::int64_t> out;
  for (auto const& m : snapshot["history"]) out[m["event_id"].get<std::int64_t>()] += m["count"].get<std::int64_t>();
  return out;
}

std::int64_t checkin_id_of(test_server& srv, json const& person) {
  auto r = require_status(srv.as("staff").get("/api/v1/registrations/" + std::to_string(id_of(person))), 200);
  return r["checkin_id"].get<std::int64_t>();
}

struct seeded {
  domain::id_t a = 0, b = 0;
};

// Event a: check-ins 10 and 30 minutes ago, one 2 hours ago (outside the hour), one 20
// minutes ago that was undone. Event b: one 5 minutes ago.
server_options with_history(seeded& ids) {
  server_options o;
  o.seed = [&ids](qiandao::storage::sql_store& s) {
    ids.a = seed_event(s, "中国医师节庆祝大会");
    ids.b = seed_event(s, "名医面对面义诊");
    auto a = seed_tickets(s, {ids.a}, 4);
    auto b = seed_tickets(s, {ids.b}, 1, 10);
    auto ago = [](int minutes) { return domain::format_time(domain::now_seconds() - minutes * 60); };
    auto in = [&](seeded_ticket const& t, int minutes) {
      return *s.insert_checkin(t.registration_id, t.event_id, ago(minutes), "code", "device:门口1");
    };
    in(a[0], 10);
    in(a[1], 30);
    in(a[2], 120);
    auto undone = in(a[3], 20);
    REQUIRE(s.undo_checkin(*s.find_checkin(undone), ago(15), "user:staff"));
    in(b[0], 5);
  };
  return o;
}

}  // namespace

TEST_CASE("board snapshot carries the last hour of live check-ins per event and minute", "[board][history]") {
  seeded ids;
  test_server srv(with_history(ids));
  auto minute_of = [](int minutes) {
    return domain::format_time(domain::now_seconds() - minutes * 60).substr(0, 16) + ":00+08:00";
  };

  auto snap = require_status(srv.client().get("/api/v1/board"), 200);
  REQUIRE(snap["history"].is_array());
  auto sums = per_event(snap);
  CHECK(sums[ids.a] == 2);  // 10 and 30 minutes ago; not 2 hours ago, not the undone one
  CHECK(sums[ids.b] == 1);
  for (auto const& m : snap["history"]) {
    CHECK(m["minute"].get<std::string>().size() == 25);
    CHECK(m["minute"].get<std::string>().ends_with(":00+08:00"));
    CHECK(m["count"].get<std::int64_t>() > 0);
  }
  // Oldest first, at the minute each check-in was made (a minute may roll over while the
  // test runs, so the two nearest minutes are accepted).
  auto has = [&](std::int64_t event, int minutes) {
    for (auto const& m : snap["history"])
      if (m["event_id"] == event && (m["minute"] == minute_of(minutes) || m["minute"] == minute_of(minutes + 1))) return true;
    return false;
  };
  CHECK(has(ids.a, 10));
  CHECK(has(ids.a, 30));
  CHECK_FALSE(has(ids.a, 20));
  CHECK(has(ids.b, 5));
  CHECK(snap["history"].front()["minute"] <= snap["history"].back()["minute"]);
  CHECK(snap["today"] == domain::now_text().substr(0, 10));
  for (auto const& e : snap["events"]) CHECK(e["ends_at"].is_string());

  // The WebSocket's first frame carries the same.
  ws_client ws(srv.port());
  auto first = ws.read_json(5s);
  REQUIRE(first);
  CHECK((*first)["type"] == "snapshot");
  CHECK(per_event(*first) == sums);
  CHECK((*first)["today"] == snap["today"]);
}

TEST_CASE("an undone check-in leaves the board's chart, live and after a reload", "[board][history][ws]") {
  test_server srv;
  auto a_id = id_of(srv.create_event());
  auto b_id = id_of(srv.create_event({{"title", "心理减压沙龙"}, {"kind", "salon"}}));
  std::vector<json> people = {srv.register_person(a_id, "王建国", "13800000001"),
                              srv.register_person(a_id, "刘春玲", "13800000002"),
                              srv.register_person(b_id, "赵海", "13800000003")};
  for (auto const& p : people)
    require_status(srv.as_kiosk().post("/api/v1/checkins", {{"code", p["code"]}, {"nonce", new_nonce()}}), 201);
  CHECK(per_event(require_status(srv.client().get("/api/v1/board"), 200)) ==
        std::map<std::int64_t, std::int64_t>{{a_id, 2}, {b_id, 1}});

  ws_client ws(srv.port());
  auto first = ws.read_json(5s);
  REQUIRE(first);
  CHECK(per_event(*first) == std::map<std::int64_t, std::int64_t>{{a_id, 2}, {b_id, 1}});

  auto undo = "/api/v1/checkins/" + std::to_string(checkin_id_of(srv, people[1]));
  auto at = require_status(srv.as("staff").get("/api/v1/registrations/" + std::to_string(id_of(people[1]))), 200)["checked_in_at"];
  require_status(srv.as("staff").del(undo), 200);
  auto up = ws.read_json(5s);
  REQUIRE(up);
  CHECK((*up)["type"] == "update");
  REQUIRE((*up)["undone"].size() == 1);
  CHECK((*up)["undone"][0]["event_id"] == a_id);
  CHECK((*up)["undone"][0]["at"] == at);  // the page takes it off this minute
  CHECK_FALSE((*up)["undone"][0].contains("name"));

  // After a reload (a fresh snapshot, from the hub and from the database alike) it is gone.
  ws_client late(srv.port());
  auto again = late.read_json(5s);
  REQUIRE(again);
  CHECK(per_event(*again) == std::map<std::int64_t, std::int64_t>{{a_id, 1}, {b_id, 1}});
  CHECK(per_event(require_status(srv.client().get("/api/v1/board"), 200)) ==
        std::map<std::int64_t, std::int64_t>{{a_id, 1}, {b_id, 1}});
  // A check-in made anew counts again, once.
  require_status(srv.as_kiosk().post("/api/v1/checkins", {{"code", people[1]["code"]}, {"nonce", new_nonce()}}), 201);
  auto back = ws.read_json(5s);
  REQUIRE(back);
  CHECK_FALSE(back->contains("undone"));
  ws_client third(srv.port());
  auto last = third.read_json(5s);
  REQUIRE(last);
  CHECK(per_event(*last) == std::map<std::int64_t, std::int64_t>{{a_id, 2}, {b_id, 1}});
}

TEST_CASE("GET /api/v1/board?events= shows just those events, their check-ins, chart and totals", "[board][history]") {
  seeded ids;
  test_server srv(with_history(ids));
  auto c_id = id_of(srv.create_event({{"title", "健康科普讲堂"}, {"kind", "lecture"}}));

  auto only_b = require_status(srv.client().get("/api/v1/board?events=" + std::to_string(ids.b)), 200);
  REQUIRE(only_b["events"].size() == 1);
  CHECK(only_b["events"][0]["id"] == ids.b);
  CHECK(only_b["totals"]["registered"] == 1);
  CHECK(only_b["totals"]["checked_in"] == 1);
  CHECK(per_event(only_b) == std::map<std::int64_t, std::int64_t>{{ids.b, 1}});
  for (auto const& r : only_b["recent"]) CHECK(r["event_id"] == ids.b);
  CHECK(only_b["recent"].size() == 1);

  // In the order given; an unknown id is left out; a repeat shows once.
  auto two = require_status(srv.client().get("/api/v1/board?events=" + std::to_string(c_id) + "," +
                                             std::to_string(ids.a) + ",99999," + std::to_string(c_id)), 200);
  REQUIRE(two["events"].size() == 2);
  CHECK(two["events"][0]["id"] == c_id);
  CHECK(two["events"][1]["id"] == ids.a);
  CHECK(two["totals"]["registered"] == 4);
  CHECK(two["totals"]["checked_in"] == 3);  // live check-ins of a, whenever made
  CHECK(per_event(two) == std::map<std::int64_t, std::int64_t>{{ids.a, 2}});

  // Without ?events= the whole programme, as the WebSocket's first frame.
  CHECK(require_status(srv.client().get("/api/v1/board"), 200)["events"].size() == 3);

  for (char const* bad : {"abc", "1,,2", "0", "-3", "x1", "2,", "99999999999999999999"}) {
    INFO(bad);
    require_invalid(srv.client().get(std::string("/api/v1/board?events=") + bad), {"events"});
  }
}
