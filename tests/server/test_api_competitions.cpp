// Skill competitions through the real server: items, roll-call, the draw (reproduced from
// its seed by an independent implementation), judges, corrections, ranking, publication.
#include <sodium.h>

#include <algorithm>
#include <atomic>
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

struct contest {
  test_server& srv;
  std::int64_t event_id = 0;
  std::vector<std::int64_t> items;
  std::vector<json> people;
  std::string base() const { return "/api/v1/events/" + std::to_string(event_id) + "/competition"; }
  std::string item(std::size_t i) const { return base() + "/items/" + std::to_string(items.at(i)); }
};

json make_judge(test_server& srv, std::string const& name) {
  return require_status(srv.as("admin").post("/api/v1/users", {{"username", name},
                                                               {"password", test_server::password(name)},
                                                               {"role", "judge"}}),
                        201);
}

// A competition with `items` items (max 100, `judges` judges each) and `n` competitors from
// two units, the first `present` of them checked in.
contest make_contest(test_server& srv, int n, int present, json rules = json::object(), std::int64_t judges = 2) {
  contest c{srv, 0, {}, {}};
  c.event_id = id_of(srv.create_event({{"title", "全科医师技能竞赛"}, {"kind", "competition"}}));
  json body = {{"items", {{{"name", "导尿术"}, {"max_score", 100}, {"judges", judges}, {"station", "A 站"}},
                          {{"name", "换药"}, {"max_score", 100}, {"judges", judges}, {"time_limit_s", 600}}}}};
  for (auto const& [k, v] : rules.items()) body[k] = v;
  auto comp = require_status(srv.as("admin").put(c.base(), body), 200);
  for (auto const& i : comp["items"]) c.items.push_back(id_of(i));
  for (int i = 0; i < n; ++i) {
    auto unit = i % 2 ? "朱家角社区卫生服务中心" : "盈浦街道社区卫生服务中心";
    c.people.push_back(srv.register_person(c.event_id, chinese_name(i), test_phone(i),
                                           {{"organization", unit}, {"category", "competitor"}}));
  }
  for (int i = 0; i < present; ++i)
    require_status(srv.as_kiosk().post("/api/v1/checkins", {{"code", c.people[static_cast<std::size_t>(i)]["code"]},
                                                            {"nonce", new_nonce()}}),
                   201);
  return c;
}

// The draw as the README specifies it, written again here from the text, not from the server.
std::vector<std::int64_t> redraw(std::vector<std::int64_t> ids, std::string const& seed_hex) {
  std::sort(ids.begin(), ids.end());
  std::vector<unsigned char> seed(seed_hex.size() / 2);
  for (std::size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<unsigned char>(std::stoi(seed_hex.substr(2 * i, 2), nullptr, 16));
  for (std::size_t i = ids.size() - 1; i >= 1; --i) {
    std::uint64_t const span = i + 1;
    // x must fall below the largest multiple of span that fits in 64 bits: 2^64 − (2^64 mod span).
    std::uint64_t const wrap = (UINT64_MAX % span + 1) % span;  // 2^64 mod span
    for (std::uint32_t k = 0;; ++k) {
      std::vector<unsigned char> msg = seed;
      for (std::uint32_t v : {static_cast<std::uint32_t>(i), k})
        for (int b = 0; b < 4; ++b) msg.push_back(static_cast<unsigned char>(v >> (8 * b)));
      unsigned char h[32];
      crypto_generichash(h, sizeof h, msg.data(), msg.size(), nullptr, 0);
      std::uint64_t x = 0;
      for (int b = 0; b < 8; ++b) x |= static_cast<std::uint64_t>(h[b]) << (8 * b);
      if (wrap == 0 || x < UINT64_MAX - wrap + 1) {
        std::swap(ids[i], ids[static_cast<std::size_t>(x % span)]);
        break;
      }
    }
  }
  return ids;
}

std::vector<std::int64_t> order_of(json const& draw) {
  std::vector<std::int64_t> out;
  for (auto const& o : draw["order"]) out.push_back(o["registration_id"]);
  return out;
}

json score(http_client& who, contest const& c, std::size_t item, std::int64_t reg, double points,
           json extra = json::object()) {
  json body = {{"item_id", c.items.at(item)}, {"registration_id", reg}, {"score", points}, {"nonce", new_nonce()}};
  for (auto const& [k, v] : extra.items()) body[k] = v;
  return require_status(who.post(c.base() + "/scores", body), 201);
}

json row_for(json const& results, std::int64_t reg) {
  for (auto const& r : results["individuals"])
    if (r["registration_id"] == reg) return r;
  FAIL("no row for registration " << reg);
  return nullptr;
}

}  // namespace

TEST_CASE("a competition's rules and items are set by admins and checked", "[competitions]") {
  test_server srv;
  auto lecture = id_of(srv.create_event({{"title", "健康科普大讲堂"}, {"kind", "lecture"}}));
  require_error(srv.as("admin").put("/api/v1/events/" + std::to_string(lecture) + "/competition",
                                    {{"items", json::array()}}),
                409, "not_competition");
  require_error(srv.as("staff").get("/api/v1/events/" + std::to_string(lecture) + "/competition"), 404,
                "not_competition");
  auto c = make_contest(srv, 3, 3);
  auto admin = srv.as("admin");
  auto got = require_status(srv.as("staff").get(c.base()), 200);
  CHECK(got["title"] == "全科医师技能竞赛");
  CHECK(got["scoring_rule"] == "mean");
  REQUIRE(got["items"].size() == 2);
  CHECK(got["items"][0]["name"] == "导尿术");
  CHECK(got["items"][0]["station"] == "A 站");
  CHECK(got["items"][1]["time_limit_s"] == 600);
  CHECK(got["items"][1]["max_score"].get<double>() == 100.0);

  require_invalid(admin.put(c.base(), {{"items", {{{"name", "换药"}, {"max_score", 100}}, {{"name", "换药"}, {"max_score", 50}}}}}),
                  {"items[1].name"});
  require_invalid(admin.put(c.base(), {{"items", {{{"name", "换药"}, {"max_score", 10.555}}}}}), {"items[0].max_score"});
  require_invalid(admin.put(c.base(), {{"items", {{{"name", "换药"}, {"max_score", 0}}}}}), {"items[0].max_score"});
  require_invalid(admin.put(c.base(), {{"items", {{{"name", "换药"}, {"max_score", 100}, {"judges", 0}}}}}), {"items[0].judges"});
  require_invalid(admin.put(c.base(), {{"items", {{{"name", "换药"}, {"max_score", 100}, {"roll_call_deadline", "soon"}}}}}),
                  {"items[0].roll_call_deadline"});
  require_invalid(admin.put(c.base(), {{"items", {{{"name", "换药"}, {"max_score", 100}, {"id", 9999}}}}}), {"items[0].id"});
  require_invalid(admin.put(c.base(), {{"scoring_rule", "median"}}), {"scoring_rule"});
  require_invalid(admin.put(c.base(), {{"unit_rule", "best_n"}, {"unit_best_n", 0}}), {"unit_best_n"});
  require_error(srv.as("staff").put(c.base(), {{"scoring_rule", "mean"}}), 403, "forbidden");
  CHECK(require_status(srv.as("staff").get(c.base()), 200) == got);  // refusals changed nothing

  // Renaming and reordering keep ids; swapping two names works.
  auto swapped = require_status(admin.put(c.base(), {{"items", {{{"id", c.items[1]}, {"name", "导尿术"}, {"max_score", 100}},
                                                                {{"id", c.items[0]}, {"name", "换药"}, {"max_score", 80}}}}}),
                                200);
  CHECK(swapped["items"][0]["id"] == c.items[1]);
  CHECK(swapped["items"][0]["name"] == "导尿术");
  CHECK(swapped["items"][1]["max_score"].get<double>() == 80.0);

  // A drawn item cannot be removed.
  require_status(srv.as("staff").post(c.item(0) + "/draw", json::object()), 201);
  auto in_use = require_error(admin.put(c.base(), {{"items", {{{"id", c.items[1]}, {"name", "导尿术"}, {"max_score", 100}}}}}),
                              409, "item_in_use");
  CHECK(in_use["item_id"] == c.items[0]);
  auto listed = require_status(srv.as("staff").get("/api/v1/competitions"), 200);
  REQUIRE(listed["items"].size() == 1);
  CHECK(listed["items"][0]["event_id"] == c.event_id);
}

TEST_CASE("roll-call, then a draw among those present, reproducible from its seed and never silently redrawn",
          "[competitions]") {
  test_server srv;
  auto c = make_contest(srv, 7, 5);
  auto staff = srv.as("staff");
  auto rc = require_status(staff.get(c.item(0) + "/roll-call"), 200);
  CHECK(rc["past_deadline"] == false);
  REQUIRE(rc["entries"].size() == 7);
  int present = 0, missing = 0;
  for (auto const& e : rc["entries"]) (e["status"] == "present" ? present : missing) += 1;
  CHECK(present == 5);
  CHECK(missing == 2);
  CHECK(rc["entries"][0]["name"] == c.people[0]["name"]);  // staff see whole names

  auto d = require_status(staff.post(c.item(0) + "/draw", json::object()), 201);
  CHECK(d["algorithm"] == "fisher-yates/blake2b-256/v1");
  CHECK(d["seed"].get<std::string>().size() == 32);
  CHECK(d["drawn_by"] == "user:staff");
  auto order = order_of(d);
  REQUIRE(order.size() == 5);
  std::vector<std::int64_t> present_ids;
  for (int i = 0; i < 5; ++i) present_ids.push_back(c.people[static_cast<std::size_t>(i)]["id"]);
  CHECK(redraw(present_ids, d["seed"]) == order);
  auto sorted = order;
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == present_ids);  // each present competitor exactly once
  CHECK(d["no_shows"] == json({c.people[5]["id"], c.people[6]["id"]}));
  CHECK(require_status(staff.get(c.item(0) + "/draw"), 200) == d);

  auto again = require_error(staff.post(c.item(0) + "/draw", json::object()), 409, "already_drawn");
  CHECK(again["draw_id"] == d["id"]);
  require_error(staff.post(c.item(0) + "/draw", {{"redraw_reason", "抽签机故障"}}), 403, "forbidden");
  require_invalid(srv.as("admin").post(c.item(0) + "/draw", {{"redraw_reason", " "}}), {"redraw_reason"});
  CHECK(require_status(staff.get(c.item(0) + "/draw"), 200) == d);  // still the first draw

  // An admin may redraw, with a reason: a new seed, the old draw kept and the change audited.
  auto redrawn = require_status(srv.as("admin").post(c.item(0) + "/draw", {{"redraw_reason", "抽签时选手未到齐"}}), 201);
  CHECK(redrawn["seed"] != d["seed"]);
  CHECK(redraw(present_ids, redrawn["seed"]) == order_of(redrawn));
  auto audit = require_status(srv.as("admin").get("/api/v1/audit?limit=50"), 200);
  int draws = 0, redraws = 0;
  for (auto const& row : audit["items"]) {
    if (row["action"] == "competition.draw") {
      ++draws;
      CHECK(row["detail"].get<std::string>().find("seed:") != std::string::npos);
    }
    if (row["action"] == "competition.redraw") ++redraws;
  }
  CHECK(draws == 2);
  CHECK(redraws == 1);
  srv.stop();
  auto db_owner = open_db(srv.db_path());
    auto& db = *db_owner;
  CHECK(query_int(db, "SELECT count(*) FROM draws WHERE voided_at IS NOT NULL AND void_reason = '抽签时选手未到齐'") == 1);
}

TEST_CASE("the draw algorithm is fixed: a known seed gives a known order", "[competitions]") {
  // Pinned so a change to the algorithm cannot pass silently: both implementations agree on
  // this order today, and any recorded seed must give the same order tomorrow.
  std::vector<std::int64_t> ids{11, 12, 13, 14, 15, 16, 17, 18};
  auto a = redraw(ids, "00112233445566778899aabbccddeeff");
  auto b = redraw(ids, "00112233445566778899aabbccddeefe");
  CHECK(a != b);
  CHECK(a != ids);
  test_server srv;
  auto c = make_contest(srv, 8, 8);
  auto d = require_status(srv.as("staff").post(c.item(1) + "/draw", json::object()), 201);
  std::vector<std::int64_t> all;
  for (auto const& p : c.people) all.push_back(p["id"]);
  CHECK(redraw(all, d["seed"]) == order_of(d));
}

TEST_CASE("no-shows after the roll-call deadline, and nobody present", "[competitions]") {
  test_server srv;
  auto c = make_contest(srv, 3, 0);
  require_error(srv.as("staff").post(c.item(0) + "/draw", json::object()), 409, "nobody_present");
  require_error(srv.as("staff").get(c.item(0) + "/draw"), 404, "not_drawn");
  require_status(srv.as("admin").put(c.base(), {{"items", {{{"id", c.items[0]}, {"name", "导尿术"}, {"max_score", 100},
                                                            {"roll_call_deadline", "2024-08-15T09:00:00+08:00"}},
                                                           {{"id", c.items[1]}, {"name", "换药"}, {"max_score", 100}}}}}),
                 200);
  auto rc = require_status(srv.as("staff").get(c.item(0) + "/roll-call"), 200);
  CHECK(rc["past_deadline"] == true);
  for (auto const& e : rc["entries"]) CHECK(e["status"] == "no_show");
  require_error(srv.as("staff").get(c.base() + "/items/9999/roll-call"), 404, "not_found");
}

TEST_CASE("judges score, correct only with a reason, and see masked names, and everything is checked", "[competitions]") {
  test_server srv;
  auto c = make_contest(srv, 4, 3);
  make_judge(srv, "judge-zhang");
  auto judge = srv.as("judge-zhang");
  CHECK(require_status(judge.get("/api/v1/me"), 200)["user"]["role"] == "judge");
  // A judge judges and does nothing else.
  require_error(judge.get("/api/v1/events"), 403, "forbidden");
  require_error(judge.post("/api/v1/checkins", {{"code", c.people[3]["code"]}, {"nonce", new_nonce()}}), 403, "forbidden");
  require_error(judge.post(c.item(0) + "/draw", json::object()), 403, "forbidden");
  require_error(judge.get(c.base() + "/results.csv"), 403, "forbidden");

  auto reg = c.people[0]["id"].get<std::int64_t>();
  json body = {{"item_id", c.items[0]}, {"registration_id", reg}, {"score", 88.5}, {"nonce", new_nonce()}};
  require_error(judge.post(c.base() + "/scores", body), 409, "not_drawn");
  auto d = require_status(srv.as("staff").post(c.item(0) + "/draw", json::object()), 201);
  auto seen = require_status(judge.get(c.item(0) + "/draw"), 200);
  CHECK(seen["order"][0]["name"] == mask_of(std::string(d["order"][0]["name"])));

  auto first = require_status(judge.post(c.base() + "/scores", body), 201);
  CHECK(first["first"] == true);
  CHECK(first["score"]["score"].get<double>() == 88.5);
  CHECK(first["score"]["judge"] == "user:judge-zhang");
  auto replay = require_status(judge.post(c.base() + "/scores", body), 200);
  CHECK(replay["first"] == false);
  CHECK(replay["score"] == first["score"]);
  auto other = body;
  other["score"] = 70;
  require_error(judge.post(c.base() + "/scores", other), 422, "nonce_reused");

  auto fresh = [&](json b) {
    b["nonce"] = new_nonce();
    return b;
  };
  auto dup = require_error(judge.post(c.base() + "/scores", fresh(other)), 409, "already_scored");
  CHECK(dup["score_id"] == first["score"]["id"]);
  auto with_blank = fresh(other);
  with_blank["reason"] = "";
  require_invalid(judge.post(c.base() + "/scores", with_blank), {"reason"});
  auto corrected_body = fresh(other);
  corrected_body["reason"] = "录入时看错行";
  auto corrected = require_status(judge.post(c.base() + "/scores", corrected_body), 201);
  CHECK(corrected["score"]["replaces"] == first["score"]["id"]);
  CHECK(corrected["score"]["reason"] == "录入时看错行");

  auto bad = [&](json b) { return judge.post(c.base() + "/scores", fresh(std::move(b))); };
  require_invalid(bad({{"item_id", c.items[0]}, {"registration_id", reg}, {"score", 100.01}}), {"score"});
  require_invalid(bad({{"item_id", c.items[0]}, {"registration_id", reg}, {"score", -1}}), {"score"});
  require_invalid(bad({{"item_id", c.items[0]}, {"registration_id", reg}, {"score", 9.999}}), {"score"});
  require_invalid(bad({{"item_id", c.items[0]}, {"registration_id", reg}, {"score", "九十"}}), {"score"});
  require_invalid(bad({{"item_id", c.items[0]}, {"registration_id", reg}}), {"score"});
  require_error(bad({{"item_id", c.items[0]}, {"registration_id", c.people[3]["id"]}, {"score", 50}}), 409, "not_in_draw");
  require_error(bad({{"item_id", 9999}, {"registration_id", reg}, {"score", 50}}), 404, "not_found");

  // Judges see their own scores and masked names; staff see all, whole.
  make_judge(srv, "judge-li");
  auto judge2 = srv.as("judge-li");
  score(judge2, c, 0, reg, 80);
  auto mine = require_status(judge.get(c.base() + "/scores"), 200)["items"];
  REQUIRE(mine.size() == 1);
  CHECK(mine[0]["score"].get<double>() == 70.0);
  CHECK(require_status(srv.as("staff").get(c.base() + "/scores?item_id=" + std::to_string(c.items[0])), 200)["items"].size() == 2);
  require_invalid(srv.as("staff").get(c.base() + "/scores?item_id=" + std::to_string(c.items[0]) + "x"), {"item_id"});
  auto results = require_status(judge.get(c.base() + "/results"), 200);
  CHECK(row_for(results, reg)["name"] == mask_of(std::string(c.people[0]["name"])));
  CHECK(row_for(results, reg)["items"][0]["score"].get<double>() == 75.0);  // (70 + 80) / 2
  CHECK(row_for(require_status(srv.as("staff").get(c.base() + "/results"), 200), reg)["name"] == c.people[0]["name"]);

  auto audit = require_status(srv.as("admin").get("/api/v1/audit?limit=50"), 200);
  bool correction_audited = false;
  for (auto const& row : audit["items"])
    if (row["action"] == "competition.score_correct") {
      correction_audited = true;
      CHECK(row["detail"].get<std::string>().find("88.50") != std::string::npos);
      CHECK(row["detail"].get<std::string>().find("录入时看错行") != std::string::npos);
    }
  CHECK(correction_audited);
  srv.stop();
  auto db_owner = open_db(srv.db_path());
    auto& db = *db_owner;
  CHECK(query_int(db, "SELECT count(*) FROM scores") == 3);  // the corrected one kept
  CHECK(query_int(db, "SELECT count(*) FROM scores WHERE replaced_at IS NOT NULL") == 1);
}

TEST_CASE("ranking: mean or trimmed mean, ties broken by the best item then shared, units by sum or best N",
          "[competitions]") {
  test_server srv;
  auto c = make_contest(srv, 5, 5, {{"scoring_rule", "trimmed_mean"}, {"unit_rule", "best_n"}, {"unit_best_n", 1}}, 3);
  for (auto const& j : {"j1", "j2", "j3"}) make_judge(srv, j);
  std::vector<http_client> judges;
  for (auto const& j : {"j1", "j2", "j3"}) judges.push_back(srv.as(j));
  require_status(srv.as("staff").post(c.item(0) + "/draw", json::object()), 201);
  require_status(srv.as("staff").post(c.item(1) + "/draw", json::object()), 201);
  auto id = [&](int i) { return c.people[static_cast<std::size_t>(i)]["id"].get<std::int64_t>(); };
  auto three = [&](std::size_t item, int who, double a, double b, double d) {
    score(judges[0], c, item, id(who), a);
    score(judges[1], c, item, id(who), b);
    score(judges[2], c, item, id(who), d);
  };
  // Person 0: trimmed means 80 (drop 60 and 99) + 90 = 170.
  three(0, 0, 60, 80, 99);
  three(1, 0, 90, 90, 90);
  // Person 1: 85 + 85 = 170, best item 85 < 90: ranked after person 0.
  three(0, 1, 85, 85, 85);
  three(1, 1, 85, 85, 85);
  // Person 2: 90 + 80 = 170, best item 90: tied with person 0 → shared rank.
  three(0, 2, 90, 90, 90);
  three(1, 2, 80, 80, 80);
  // Person 3: one item only so far: 50.
  three(0, 3, 50, 50, 50);
  auto r = require_status(srv.as("staff").get(c.base() + "/results"), 200);
  INFO(r.dump());
  CHECK(row_for(r, id(0))["total"].get<double>() == Approx(170));
  CHECK(row_for(r, id(0))["items"][0]["score"].get<double>() == Approx(80));
  CHECK(row_for(r, id(0))["rank"] == 1);
  CHECK(row_for(r, id(2))["rank"] == 1);
  CHECK(row_for(r, id(1))["rank"] == 3);
  CHECK(row_for(r, id(3))["rank"] == 4);
  CHECK(row_for(r, id(4))["rank"] == 5);
  CHECK(row_for(r, id(0))["complete"] == true);
  CHECK(row_for(r, id(3))["complete"] == false);
  // Units, best 1: 盈浦 (people 0, 2, 4) 170; 朱家角 (1, 3) 170: a shared first place.
  REQUIRE(r["units"].size() == 2);
  CHECK(r["units"][0]["rank"] == 1);
  CHECK(r["units"][1]["rank"] == 1);
  CHECK(r["units"][0]["counted"] == 1);
  // Now competing: person 4, the one left in item 1; next: the first not done in item 2.
  CHECK(r["now"]["item_id"] == c.items[0]);
  CHECK(r["now"]["registration_id"] == id(4));
  CHECK(r["next"]["item_id"] == c.items[1]);
  CHECK((r["next"]["registration_id"] == id(3) || r["next"]["registration_id"] == id(4)));

  // Sum of all competitors instead: 盈浦 170 + 170 + 0 = 340 > 朱家角 170 + 50 = 220.
  require_status(srv.as("admin").put(c.base(), {{"unit_rule", "sum"}}), 200);
  r = require_status(srv.as("staff").get(c.base() + "/results"), 200);
  CHECK(r["units"][0]["unit"] == "盈浦街道社区卫生服务中心");
  CHECK(r["units"][0]["total"].get<double>() == Approx(340));
  CHECK(r["units"][1]["total"].get<double>() == Approx(220));
  CHECK(r["units"][1]["rank"] == 2);
}

TEST_CASE("four judges scoring at once never lose a score", "[competitions][concurrency]") {
  test_server srv;
  auto c = make_contest(srv, 24, 24, json::object(), 4);
  std::vector<std::string> names{"ja", "jb", "jc", "jd"};
  for (auto const& n : names) make_judge(srv, n);
  require_status(srv.as("staff").post(c.item(0) + "/draw", json::object()), 201);
  require_status(srv.as("staff").post(c.item(1) + "/draw", json::object()), 201);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (std::size_t j = 0; j < names.size(); ++j) {
    threads.emplace_back([&, j] {
      try {
        auto judge = srv.as(names[j]);
        for (std::size_t item = 0; item < 2; ++item)
          for (std::size_t p = 0; p < c.people.size(); ++p) {
            json body = {{"item_id", c.items[item]}, {"registration_id", c.people[p]["id"]},
                         {"score", static_cast<double>(50 + p + j)}, {"nonce", new_nonce()}};
            if (judge.post(c.base() + "/scores", body).status != 201) ++failures;
            if (p % 5 == 0 && judge.post(c.base() + "/scores", body).status != 200) ++failures;  // a retry
          }
      } catch (std::exception const&) {
        ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  auto r = require_status(srv.as("staff").get(c.base() + "/results"), 200);
  REQUIRE(r["individuals"].size() == 24);
  for (auto const& row : r["individuals"]) {
    CHECK(row["complete"] == true);
    for (auto const& i : row["items"]) CHECK(i["scored_by"] == 4);
  }
  CHECK(r["now"].is_null());
  srv.stop();
  auto db_owner = open_db(srv.db_path());
    auto& db = *db_owner;
  CHECK(query_int(db, "SELECT count(*) FROM scores") == 4 * 2 * 24);
}

TEST_CASE("results are provisional on the board until an admin publishes them, and then scoring stops", "[competitions][board]") {
  test_server srv;
  auto c = make_contest(srv, 3, 3, json::object(), 1);
  make_judge(srv, "judge-wu");
  auto judge = srv.as("judge-wu");
  require_status(srv.as("staff").post(c.item(0) + "/draw", json::object()), 201);

  ws_client board(srv.port());
  board_view view;
  auto first = board.read_json(5s);
  REQUIRE(first);
  view.apply(*first);
  auto row = view.events[c.event_id]["competition"];
  CHECK(row["published"] == false);
  CHECK(row["items"] == json({"导尿术", "换药"}));
  REQUIRE(row["now"].is_object());
  REQUIRE(row["next"].is_object());
  auto now_name = row["now"]["name"].get<std::string>();

  auto d = require_status(judge.get(c.item(0) + "/draw"), 200);
  // The draw is on the board too: its seed, and the order with masked names.
  REQUIRE(row["draws"].size() == 1);
  CHECK(row["draws"][0]["item"] == "导尿术");
  CHECK(row["draws"][0]["seed"] == d["seed"]);
  REQUIRE(row["draws"][0]["order"].size() == 3);
  CHECK(row["draws"][0]["order"][0]["name"] == d["order"][0]["name"]);  // judges see the same mask
  CHECK(row["draws"][0]["order"][0]["done"] == false);
  score(judge, c, 0, d["order"][0]["registration_id"], 95.5);
  for (int i = 0; i < 20; ++i) {
    auto const& ranking = view.events[c.event_id]["competition"]["ranking"];
    if (!ranking.empty() && ranking[0]["total"].get<double>() > 0) break;
    auto f = board.read_json(2s);
    REQUIRE(f);
    view.apply(*f);
  }
  row = view.events[c.event_id]["competition"];
  CHECK(row["ranking"][0]["total"].get<double>() == 95.5);
  CHECK(row["ranking"][0]["name"] == now_name);  // the one who just competed leads
  CHECK(row["now"]["position"] == 2);             // and the next one is up
  CHECK(row["draws"][0]["order"][0]["done"] == true);
  CHECK(row["published"] == false);

  require_error(srv.as("staff").post(c.base() + "/publish", json::object()), 403, "forbidden");
  auto pub = require_status(srv.as("admin").post(c.base() + "/publish", json::object()), 200);
  CHECK(pub["published_by"] == "user:admin");
  for (int i = 0; i < 20 && view.events[c.event_id]["competition"]["published"] == false; ++i) {
    auto f = board.read_json(2s);
    REQUIRE(f);
    view.apply(*f);
  }
  CHECK(view.events[c.event_id]["competition"]["published"] == true);
  require_error(judge.post(c.base() + "/scores", {{"item_id", c.items[0]}, {"registration_id", d["order"][1]["registration_id"]},
                                                  {"score", 80}, {"nonce", new_nonce()}}),
                409, "published");
  require_error(srv.as("admin").put(c.base(), {{"scoring_rule", "trimmed_mean"}}), 409, "published");
  require_error(srv.as("admin").post(c.item(1) + "/draw", json::object()), 409, "published");

  // The printable export, for the award ceremony: admins only, audited, whole names.
  auto csv = srv.as("admin").get(c.base() + "/results.csv");
  REQUIRE(csv.status == 200);
  CHECK(csv.header("Content-Type").value_or("").starts_with("text/csv"));
  CHECK(csv.body.starts_with("\xEF\xBB\xBF名次,姓名,单位,导尿术,换药,总分"));
  CHECK(csv.body.find("95.50") != std::string::npos);
  CHECK(csv.body.find(c.people[0]["name"].get<std::string>()) != std::string::npos);
  CHECK(csv.body.find("最终 final") != std::string::npos);

  require_invalid(srv.as("admin").post(c.base() + "/unpublish", json::object()), {"reason"});
  auto reopened = require_status(srv.as("admin").post(c.base() + "/unpublish", {{"reason", "复核发现漏评"}}), 200);
  CHECK(reopened["published_at"].is_null());
  score(judge, c, 0, d["order"][1]["registration_id"], 80);

  auto audit = require_status(srv.as("admin").get("/api/v1/audit?limit=50"), 200);
  std::set<std::string> actions;
  for (auto const& a : audit["items"]) actions.insert(a["action"]);
  for (auto const* a : {"competition.publish", "competition.unpublish", "competition.export", "competition.configure"})
    CHECK(actions.count(a) == 1);
  // No whole names on the board.
  auto snap = srv.client().get("/api/v1/board");
  require_private(snap.body, c.people);
}

TEST_CASE("admins add judges with unique usernames and long enough passwords", "[competitions][auth]") {
  test_server srv;
  auto admin = srv.as("admin");
  auto made = make_judge(srv, "judge-chen");
  CHECK(made["role"] == "judge");
  require_error(admin.post("/api/v1/users", {{"username", "judge-chen"}, {"password", "another-password"}, {"role", "judge"}}),
                409, "duplicate");
  require_invalid(admin.post("/api/v1/users", {{"username", "x"}, {"password", "short"}, {"role", "judge"}}), {"password"});
  require_invalid(admin.post("/api/v1/users", {{"username", "x"}, {"password", "long-enough-pw"}, {"role", "kiosk"}}), {"role"});
  require_invalid(admin.post("/api/v1/users", {{"username", ""}, {"password", "long-enough-pw"}, {"role", "staff"}}), {"username"});
  require_error(srv.as("staff").post("/api/v1/users", {{"username", "y"}, {"password", "long-enough-pw"}, {"role", "judge"}}),
                403, "forbidden");
  auto users = require_status(admin.get("/api/v1/users"), 200)["items"];
  bool listed = false;
  for (auto const& u : users) {
    CHECK_FALSE(u.contains("password_hash"));
    listed = listed || u["username"] == "judge-chen";
  }
  CHECK(listed);
  // The new judge signs in and out like staff.
  auto judge = srv.as("judge-chen");
  CHECK(require_status(judge.get("/api/v1/competitions"), 200)["items"].empty());
  require_status(judge.post("/api/v1/logout", json::object()), 200);
  require_error(judge.get("/api/v1/competitions"), 401, "unauthorized");
}
