// Free-clinic service tallies through the real server: taps, replays, undo, races, board.
#include <catch2/catch.hpp>
#include <thread>

#include "support/board_view.hpp"
#include "support/expect.hpp"
#include "support/test_server.hpp"
#include "support/ws_client.hpp"

using namespace qiandao::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::int64_t id_of(json const& j) { return j["id"].get<std::int64_t>(); }
std::string tallies(std::int64_t id) { return "/api/v1/events/" + std::to_string(id) + "/tallies"; }

json const services = {"血压测量", "血糖检测", "健康咨询", "用药指导", "复诊配药"};

json clinic(test_server& srv, json sites = json::array()) {
  return srv.create_event({{"title", "名医面对面义诊"},
                           {"kind", "clinic"},
                           {"walk_ins", true},
                           {"services", services},
                           {"sites", std::move(sites)}});
}

std::int64_t served(json const& counts, std::string const& key, std::string const& name) {
  for (auto const& n : counts[key])
    if (n["name"] == name) return n["served"];
  return -1;
}

}  // namespace

TEST_CASE("events carry services and sites, checked like other names", "[tallies]") {
  test_server srv;
  auto e = clinic(srv, {"广场东区", "广场西区"});
  CHECK(e["services"] == services);
  CHECK(e["sites"] == json({"广场东区", "广场西区"}));
  auto admin = srv.as("admin");
  auto path = "/api/v1/events/" + std::to_string(id_of(e));
  require_invalid(admin.patch(path, {{"services", {"血压测量", "血压测量"}}}), {"services"});
  require_invalid(admin.patch(path, {{"services", {""}}}), {"services"});
  require_invalid(admin.patch(path, {{"sites", {std::string(31 * 3, 'x')}}}), {"sites"});
  require_invalid(admin.patch(path, {{"sites", "广场"}}), {"sites"});
  require_invalid(admin.patch(path, {{"services", {1, 2}}}), {"services"});
  json many = json::array();
  for (int i = 0; i < 21; ++i) many.push_back("服务" + std::to_string(i));
  require_invalid(admin.patch(path, {{"services", many}}), {"services"});
  auto changed = require_status(admin.patch(path, {{"sites", json::array()}}), 200);
  CHECK(changed["sites"].empty());
  CHECK(changed["services"] == services);  // untouched lists stay
}

TEST_CASE("a tap is one service, idempotent by nonce, refused clearly when wrong", "[tallies]") {
  test_server srv;
  auto event_id = id_of(clinic(srv, {"广场东区", "广场西区"}));
  auto kiosk = srv.as_kiosk();
  auto nonce = new_nonce();
  json tap = {{"service", "血压测量"}, {"site", "广场东区"}, {"nonce", nonce}};

  auto first = require_status(kiosk.post(tallies(event_id), tap), 201);
  CHECK(first["first"] == true);
  CHECK(first["tally"]["service"] == "血压测量");
  CHECK(first["tally"]["site"] == "广场东区");
  CHECK(first["tally"]["undone_at"].is_null());
  CHECK(first["counts"]["served"] == 1);
  CHECK(served(first["counts"], "services", "血压测量") == 1);
  CHECK(served(first["counts"], "sites", "广场东区") == 1);
  CHECK(served(first["counts"], "sites", "广场西区") == 0);
  CHECK(first["counts"]["services"].size() == services.size());  // zeroes included, in order
  CHECK(first["counts"]["services"][4]["name"] == "复诊配药");

  auto again = require_status(kiosk.post(tallies(event_id), tap), 200);
  CHECK(again["first"] == false);
  CHECK(again["tally"] == first["tally"]);
  CHECK(again["counts"]["served"] == 1);

  require_error(kiosk.post(tallies(event_id), {{"service", "血糖检测"}, {"site", "广场东区"}, {"nonce", nonce}}), 422,
                "nonce_reused");
  require_invalid(kiosk.post(tallies(event_id), {{"service", "拔牙"}, {"site", "广场东区"}, {"nonce", new_nonce()}}),
                  {"service"});
  require_invalid(kiosk.post(tallies(event_id), {{"service", "血压测量"}, {"site", "别处"}, {"nonce", new_nonce()}}),
                  {"site"});
  require_invalid(kiosk.post(tallies(event_id), {{"service", "血压测量"}, {"nonce", new_nonce()}}), {"site"});
  require_invalid(kiosk.post(tallies(event_id), {{"service", "血压测量"}, {"site", "广场东区"}, {"nonce", "short"}}),
                  {"nonce"});
  require_invalid(kiosk.post(tallies(event_id), {{"site", "广场东区"}, {"nonce", new_nonce()}}), {"service"});
  require_invalid(kiosk.post(tallies(event_id), {{"service", 7}, {"nonce", new_nonce()}}), {"service"});
  require_error(kiosk.post_text(tallies(event_id), "[1]"), 400, "malformed");
  require_error(kiosk.post(tallies(9999), {{"service", "血压测量"}, {"nonce", new_nonce()}}), 404, "not_found");
  require_error(srv.client().post(tallies(event_id), tap), 401, "unauthorized");

  // An event without sites takes no site.
  auto single = id_of(clinic(srv));
  require_status(kiosk.post(tallies(single), {{"service", "健康咨询"}, {"nonce", new_nonce()}}), 201);
  require_invalid(kiosk.post(tallies(single), {{"service", "健康咨询"}, {"site", "广场东区"}, {"nonce", new_nonce()}}),
                  {"site"});
  auto counts = require_status(kiosk.get(tallies(single)), 200);
  CHECK(counts["served"] == 1);
  CHECK(counts["sites"].empty());
  REQUIRE(counts["by_site"].size() == 1);
  CHECK(counts["by_site"][0]["site"] == "");

  // A kiosk paired to another event may neither tap nor read this one.
  auto other = srv.create_event({{"title", "签约仪式"}, {"kind", "other"}});
  auto paired = srv.with_bearer(
      require_status(srv.as("admin").post("/api/v1/devices", {{"name", "签约台"}, {"event_id", other["id"]}}), 201)["token"]);
  require_error(paired.post(tallies(event_id), {{"service", "血压测量"}, {"site", "广场东区"}, {"nonce", new_nonce()}}),
                403, "wrong_event");
  require_error(paired.get(tallies(event_id)), 403, "wrong_event");

  // Closed and cancelled events take no more taps, but a replay still answers.
  auto admin = srv.as("admin");
  require_status(admin.patch("/api/v1/events/" + std::to_string(event_id), {{"status", "closed"}}), 200);
  require_error(kiosk.post(tallies(event_id), {{"service", "血压测量"}, {"site", "广场东区"}, {"nonce", new_nonce()}}), 409,
                "event_closed");
  CHECK(require_status(kiosk.post(tallies(event_id), tap), 200)["first"] == false);
  require_status(admin.patch("/api/v1/events/" + std::to_string(event_id), {{"status", "cancelled"}}), 200);
  require_error(kiosk.post(tallies(event_id), {{"service", "血压测量"}, {"site", "广场东区"}, {"nonce", new_nonce()}}), 409,
                "event_cancelled");
  CHECK(require_status(kiosk.get(tallies(event_id)), 200)["served"] == 1);
}

TEST_CASE("undo takes back one tap, once, and only the desk's own", "[tallies]") {
  test_server srv;
  auto event_id = id_of(clinic(srv));
  auto kiosk = srv.as_kiosk();
  auto other_desk = srv.with_bearer(
      require_status(srv.as("admin").post("/api/v1/devices", {{"name", "二号服务台"}}), 201)["token"]);
  std::vector<std::string> nonces;
  for (int i = 0; i < 3; ++i) {
    nonces.push_back(new_nonce());
    require_status(kiosk.post(tallies(event_id), {{"service", "血糖检测"}, {"nonce", nonces.back()}}), 201);
  }
  auto undo = [&](http_client& who, std::string const& nonce) {
    return who.post(tallies(event_id) + "/undo", {{"nonce", nonce}});
  };
  require_error(undo(other_desk, nonces[2]), 403, "forbidden");
  auto done = require_status(undo(kiosk, nonces[2]), 200);
  CHECK(done["undone"] == true);
  CHECK_FALSE(done["tally"]["undone_at"].is_null());
  CHECK(done["counts"]["served"] == 2);
  auto twice = require_status(undo(kiosk, nonces[2]), 200);
  CHECK(twice["tally"] == done["tally"]);
  CHECK(twice["counts"]["served"] == 2);
  // Staff may take back any desk's tap; an unknown nonce is 404; replaying the tap does not
  // bring it back.
  auto staff = srv.as("staff");
  CHECK(require_status(undo(staff, nonces[1]), 200)["counts"]["served"] == 1);
  require_error(undo(kiosk, new_nonce()), 404, "not_found");
  require_invalid(kiosk.post(tallies(event_id) + "/undo", json::object()), {"nonce"});
  CHECK(require_status(kiosk.post(tallies(event_id), {{"service", "血糖检测"}, {"nonce", nonces[2]}}), 200)["tally"]
            ["undone_at"]
                .is_string());
  CHECK(require_status(kiosk.get(tallies(event_id)), 200)["served"] == 1);

  auto audit = require_status(srv.as("admin").get("/api/v1/audit?limit=50"), 200);
  int taps = 0, undos = 0;
  for (auto const& row : audit["items"]) {
    if (row["action"] == "tally.create") ++taps;
    if (row["action"] == "tally.undo") ++undos;
  }
  CHECK(taps == 3);
  CHECK(undos == 2);
}

TEST_CASE("eight desks tapping and retrying at once never lose or double a tap", "[tallies][concurrency]") {
  test_server srv;
  auto event_id = id_of(clinic(srv, {"广场东区", "广场西区"}));
  constexpr int desks = 8, taps = 60;
  std::vector<std::vector<std::string>> made(desks);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int d = 0; d < desks; ++d) {
    threads.emplace_back([&, d] {
      try {
        auto desk = srv.as_kiosk();
        for (int i = 0; i < taps; ++i) {
          auto nonce = new_nonce();
          json tap = {{"service", services[static_cast<std::size_t>((d + i) % 5)]},
                      {"site", d % 2 ? "广场西区" : "广场东区"},
                      {"nonce", nonce}};
          if (desk.post(tallies(event_id), tap).status != 201) ++failures;
          if (i % 3 == 0 && desk.post(tallies(event_id), tap).status != 200) ++failures;  // a retry
          made[static_cast<std::size_t>(d)].push_back(nonce);
        }
      } catch (std::exception const&) {
        ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  auto counts = require_status(srv.as("staff").get(tallies(event_id)), 200);
  CHECK(counts["served"] == desks * taps);
  CHECK(served(counts, "sites", "广场东区") == desks / 2 * taps);
  CHECK(served(counts, "sites", "广场西区") == desks / 2 * taps);
  for (auto const& s : counts["services"]) CHECK(s["served"] == desks * taps / 5);
  srv.stop();
  auto db_owner = open_db(srv.db_path());
    auto& db = *db_owner;
  CHECK(query_int(db, "SELECT count(*) FROM tallies") == desks * taps);
  CHECK(query_int(db, "SELECT count(DISTINCT nonce) FROM tallies") == desks * taps);
}

TEST_CASE("the board shows people served per site and per service, live and anonymous", "[tallies][board]") {
  test_server srv;
  auto event_id = id_of(clinic(srv, {"广场东区", "广场西区"}));
  auto lecture_id = id_of(srv.create_event({{"title", "健康科普大讲堂"}, {"kind", "lecture"}}));
  ws_client board(srv.port());
  board_view view;
  auto first = board.read_json(5s);
  REQUIRE(first);
  view.apply(*first);
  CHECK(view.events[event_id]["served"] == 0);
  CHECK(view.events[event_id]["starts_at"] == "2024-08-19T09:00:00+08:00");  // board rows carry the start
  CHECK(view.events[event_id]["services"].size() == 5);
  CHECK_FALSE(view.events[lecture_id].contains("served"));
  CHECK(view.totals["served"] == 0);

  auto kiosk = srv.as_kiosk();
  std::string last;
  for (int i = 0; i < 7; ++i) {
    last = new_nonce();
    require_status(kiosk.post(tallies(event_id), {{"service", i < 4 ? "血压测量" : "用药指导"},
                                                  {"site", i % 2 ? "广场西区" : "广场东区"},
                                                  {"nonce", last}}),
                   201);
  }
  require_status(kiosk.post(tallies(event_id) + "/undo", {{"nonce", last}}), 200);  // 6 left
  for (int i = 0; i < 30 && view.totals["served"] != 6; ++i) {
    auto f = board.read_json(2s);
    REQUIRE(f);
    CHECK((*f)["type"] == "update");
    view.apply(*f);
  }
  auto const& row = view.events[event_id];
  CHECK(view.totals["served"] == 6);
  CHECK(row["served"] == 6);
  CHECK(served(row, "services", "血压测量") == 4);
  CHECK(served(row, "services", "用药指导") == 2);
  CHECK(served(row, "sites", "广场东区") == 3);
  CHECK(served(row, "sites", "广场西区") == 3);
  auto snap = require_status(srv.client().get("/api/v1/board"), 200);
  CHECK(snap["totals"]["served"] == 6);
  for (auto const& e : snap["events"])
    if (e["id"] == event_id) CHECK(e["sites"] == row["sites"]);
}
