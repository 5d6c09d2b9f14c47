// Without a QR code: phone look-up and walk-ins, and kiosks paired to one event.
#include <catch2/catch.hpp>

#include "support/expect.hpp"
#include "support/test_server.hpp"

using namespace qiandao::test;
using nlohmann::json;

namespace {

std::int64_t id_of(json const& j) { return j["id"].get<std::int64_t>(); }
std::string event_path(std::int64_t id) { return "/api/v1/events/" + std::to_string(id); }

}  // namespace

TEST_CASE("phone look-up by full number or last four digits is masked for kiosks", "[checkins]") {
  test_server srv;
  auto event_id = id_of(srv.create_event());
  auto other_id = id_of(srv.create_event({{"title", "签约仪式"}, {"kind", "other"}}));
  auto a = srv.register_person(event_id, "张晓明", "13811115678");
  auto b = srv.register_person(event_id, "李丽", "13922225678");
  auto c = srv.register_person(event_id, "王德伟", "13933334321");
  srv.register_person(other_id, "赵春华", "13944445678");
  auto kiosk = srv.as_kiosk();
  auto lookup = [&](json const& body) { return kiosk.post("/api/v1/checkins/lookup", body); };

  auto four = require_status(lookup({{"event_id", event_id}, {"phone", "5678"}}), 200);
  REQUIRE(four["candidates"].size() == 2);
  CHECK(four["candidates"][0]["id"] == a["id"]);
  require_masked(four["candidates"][0], "张晓明", "13811115678");
  CHECK(four["candidates"][1]["id"] == b["id"]);
  CHECK(four["candidates"][1]["name"] == "李*");
  require_masked(four["candidates"][1], "李丽", "13922225678");

  auto full = require_status(lookup({{"event_id", event_id}, {"phone", "139 3333 4321"}}), 200);
  REQUIRE(full["candidates"].size() == 1);
  CHECK(full["candidates"][0]["id"] == c["id"]);
  require_masked(full["candidates"][0], "王德伟", "13933334321");
  CHECK(require_status(lookup({{"event_id", event_id}, {"phone", "0000"}}), 200)["candidates"].empty());

  // The candidate can then be checked in by id.
  require_status(kiosk.post("/api/v1/checkins", {{"registration_id", four["candidates"][1]["id"]}, {"nonce", new_nonce()}}),
                 201);

  // Cancelled registrations are not candidates.
  require_status(srv.as("staff").post("/api/v1/registrations/" + std::to_string(id_of(c)) + "/cancel", json::object()),
                 200);
  CHECK(require_status(lookup({{"event_id", event_id}, {"phone", "13933334321"}}), 200)["candidates"].empty());
  CHECK(require_status(lookup({{"event_id", event_id}, {"phone", "4321"}}), 200)["candidates"].empty());

  // A kiosk paired to another event may not look up this one.
  auto paired = require_status(srv.as("admin").post("/api/v1/devices", {{"name", "签约台"}, {"event_id", other_id}}), 201);
  require_error(srv.with_bearer(paired["token"]).post("/api/v1/checkins/lookup", {{"event_id", event_id}, {"phone", "5678"}}),
                403, "wrong_event");

  require_invalid(lookup({{"event_id", event_id}, {"phone", "12"}}), {"phone"});
  require_invalid(lookup({{"event_id", event_id}}), {"phone"});
  require_invalid(lookup({{"phone", "5678"}}), {"event_id"});
  require_error(lookup({{"event_id", 9999}, {"phone", "5678"}}), 404, "not_found");
  require_error(kiosk.post_text("/api/v1/checkins/lookup", "{"), 400, "malformed");
  require_error(srv.client().post("/api/v1/checkins/lookup", {{"event_id", event_id}, {"phone", "5678"}}), 401,
                "unauthorized");
}

TEST_CASE("walk-ins register and check in at once where the event allows", "[checkins]") {
  test_server srv;
  auto event_id = id_of(srv.create_event({{"title", "名医面对面义诊"}, {"kind", "clinic"}, {"capacity", 2}, {"walk_ins", true}}));
  auto closed_id = id_of(srv.create_event({{"title", "心理减压沙龙"}, {"kind", "salon"}, {"walk_ins", false}}));
  auto kiosk = srv.as_kiosk();
  auto walk = [&](std::int64_t id, json const& body) {
    return kiosk.post(event_path(id) + "/walk-ins", body);
  };
  auto nonce = new_nonce();
  json person = {{"name", "陈秀英"}, {"phone", "13312345678"}, {"organization", "盈浦街道"}, {"nonce", nonce}, {"consent", true}};
  auto first = walk(event_id, person);
  auto a = require_status(first, 201);
  CHECK(a["first"] == true);
  CHECK(a["registration"]["source"] == "walk_in");
  CHECK(a["registration"]["status"] == "confirmed");
  require_masked(a["registration"], "陈秀英", "13312345678");
  auto replay = walk(event_id, person);
  CHECK(replay.status == 201);
  CHECK(replay.json() == a);

  auto staff = srv.as("staff");
  auto full = require_status(staff.get("/api/v1/registrations/" + std::to_string(a["registration"]["id"].get<std::int64_t>())), 200);
  CHECK(full["name"] == "陈秀英");
  // The notice was accepted at the door: its time is stored with the registration.
  REQUIRE(full["consent_at"].is_string());
  CHECK(full["consent_at"] == full["created_at"]);
  CHECK_FALSE(a["registration"].contains("consent_at"));  // the kiosk's answer is masked
  // Without the notice accepted there is no walk-in.
  require_invalid(walk(event_id, {{"name", "周敏"}, {"phone", "13312349998"}, {"nonce", new_nonce()}}), {"consent"});
  require_invalid(walk(event_id, {{"name", "周敏"}, {"phone", "13312349998"}, {"nonce", new_nonce()}, {"consent", false}}),
                  {"consent"});
  require_invalid(walk(event_id, {{"name", "周敏"}, {"phone", "13312349998"}, {"nonce", new_nonce()}, {"consent", "yes"}}),
                  {"consent"});
  CHECK(full["checked_in_at"] == a["checked_in_at"]);

  // Someone already registered who walks up is admitted on their registration.
  auto pre = srv.register_person(event_id, "杨志强", "13312340000");
  auto admitted = require_status(walk(event_id, {{"name", "杨志强"}, {"phone", "13312340000"}, {"nonce", new_nonce()}, {"consent", true}}), 201);
  CHECK(admitted["registration"]["id"] == pre["id"]);
  auto again = require_status(walk(event_id, {{"name", "杨志强"}, {"phone", "13312340000"}, {"nonce", new_nonce()}, {"consent", true}}), 200);
  CHECK(again["first"] == false);
  auto ev = require_status(staff.get(event_path(event_id)), 200);
  CHECK(ev["counts"]["registered"] == 2);
  CHECK(ev["counts"]["checked_in"] == 2);

  // Walk-ins count against capacity.
  require_error(walk(event_id, {{"name", "周敏"}, {"phone", "13312349999"}, {"nonce", new_nonce()}, {"consent", true}}), 409, "event_full");
  require_error(walk(closed_id, {{"name", "周敏"}, {"phone", "13312349999"}, {"nonce", new_nonce()}, {"consent", true}}), 409,
                "walk_ins_closed");
  require_invalid(walk(event_id, {{"name", "周敏"}, {"phone", "123"}, {"nonce", new_nonce()}, {"consent", true}}), {"phone"});
  require_invalid(walk(event_id, {{"phone", "13312349999"}, {"nonce", new_nonce()}, {"consent", true}}), {"name"});
  require_invalid(walk(event_id, {{"name", "周敏"}, {"phone", "13312349999"}, {"nonce", "x"}}), {"nonce"});
  require_invalid(walk(event_id, {{"name", "周敏"}, {"phone", "13312349999"}}), {"nonce"});
  require_error(walk(9999, {{"name", "周敏"}, {"phone", "13312349999"}, {"nonce", new_nonce()}, {"consent", true}}), 404, "not_found");
  auto paired = require_status(srv.as("admin").post("/api/v1/devices", {{"name", "沙龙"}, {"event_id", closed_id}}), 201);
  require_error(srv.with_bearer(paired["token"])
                    .post(event_path(event_id) + "/walk-ins", {{"name", "周敏"}, {"phone", "13312349999"}, {"nonce", new_nonce()}, {"consent", true}}),
                403, "wrong_event");
  require_error(kiosk.post_text(event_path(event_id) + "/walk-ins", "nope"), 400, "malformed");
  require_error(srv.client().post(event_path(event_id) + "/walk-ins", person), 401, "unauthorized");
}

TEST_CASE("a kiosk paired to one event cannot admit another event's ticket by naming that event", "[checkins]") {
  test_server srv;
  auto a_id = id_of(srv.create_event());
  auto b_id = id_of(srv.create_event({{"title", "全科医师技能竞赛"}, {"kind", "competition"}}));
  auto theirs = srv.register_person(a_id, "张晓明", "13812345678");
  auto ours = srv.register_person(b_id, "李丽", "13912345678");
  auto paired = require_status(srv.as("admin").post("/api/v1/devices", {{"name", "竞赛签到"}, {"event_id", b_id}}), 201);
  auto kiosk = srv.with_bearer(paired["token"]);
  require_status(kiosk.post("/api/v1/checkins", {{"code", ours["code"]}, {"nonce", new_nonce()}}), 201);
  require_error(kiosk.post("/api/v1/checkins", {{"code", theirs["code"]}, {"nonce", new_nonce()}}), 409, "wrong_event");

  // Lookup and walk-ins refuse a paired kiosk naming another event (403 wrong_event); a scan
  // naming the ticket's own event must not slip past the pairing either.
  for (auto const& body : {json{{"code", theirs["code"]}, {"nonce", new_nonce()}, {"event_id", a_id}},
                           json{{"registration_id", theirs["id"]}, {"nonce", new_nonce()}, {"event_id", a_id}}}) {
    auto res = kiosk.post("/api/v1/checkins", body);
    INFO("request " << body.dump() << " answered " << res.status << " " << res.body);
    CHECK(res.status / 100 == 4);
    if (res.status / 100 == 4) CHECK(res.json()["error"]["code"] == "wrong_event");
  }
  auto reg = require_status(srv.as("staff").get("/api/v1/registrations/" + std::to_string(id_of(theirs))), 200);
  CHECK(reg["checked_in_at"].is_null());
  CHECK(require_status(srv.as("staff").get(event_path(a_id)), 200)["counts"]["checked_in"] == 0);
}
