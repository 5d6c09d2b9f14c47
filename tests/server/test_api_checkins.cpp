// The door: scans (idempotent by nonce), refusals, phone look-up, walk-ins and undo, and
// what kiosks may see of a person compared with signed-in staff.
#include <catch2/catch.hpp>
#include <cctype>

#include "support/expect.hpp"
#include "support/test_server.hpp"

using namespace qiandao::test;
using nlohmann::json;

namespace {

std::int64_t id_of(json const& j) { return j["id"].get<std::int64_t>(); }
std::string event_path(std::int64_t id) { return "/api/v1/events/" + std::to_string(id); }

json scan(std::string const& code, std::string const& nonce) { return {{"code", code}, {"nonce", nonce}}; }

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

TEST_CASE("kiosk scan: 201 first then the same nonce replays and a new nonce gets 200 first:false", "[checkins]") {
  test_server srv;
  auto event_id = id_of(srv.create_event());
  auto r = srv.register_person(event_id, "张晓明", "13812345678", {{"id_number", "310118198001011237"}});
  auto code = r["code"].get<std::string>();
  auto kiosk = srv.as_kiosk();

  auto nonce = new_nonce();
  auto first = kiosk.post("/api/v1/checkins", scan(code, nonce));
  auto a = require_status(first, 201);
  CHECK(a["outcome"] == "checked_in");
  CHECK(a["first"] == true);
  REQUIRE(a["checked_in_at"].is_string());
  auto at = a["checked_in_at"].get<std::string>();
  CHECK(at.ends_with("+08:00"));
  CHECK(a["event"]["id"] == event_id);
  CHECK(a["event"]["title"] == "中国医师节庆祝大会");
  CHECK(a["registration"]["id"] == r["id"]);
  CHECK(a["registration"]["checked_in_at"] == at);
  require_masked(a["registration"], "张晓明", "13812345678");
  CHECK(a["registration"]["name"] == "张*明");
  CHECK(a["registration"]["phone"] == "138****5678");
  CHECK(a["registration"]["id_number"] == "310***********1237");
  CHECK(first.body.find(code) == std::string::npos);

  auto replay = kiosk.post("/api/v1/checkins", scan(code, nonce));
  CHECK(replay.status == 201);
  CHECK(replay.json() == a);

  auto repeat = require_status(kiosk.post("/api/v1/checkins", scan(code, new_nonce())), 200);
  CHECK(repeat["outcome"] == "already");
  CHECK(repeat["first"] == false);
  CHECK(repeat["checked_in_at"] == at);
  require_masked(repeat["registration"], "张晓明", "13812345678");

  // Scanners may send lower case: the code is normalised.
  auto lowered = require_status(kiosk.post("/api/v1/checkins", scan(lower(code), new_nonce())), 200);
  CHECK(lowered["checked_in_at"] == at);

  auto ev = require_status(srv.as("staff").get(event_path(event_id)), 200);
  CHECK(ev["counts"]["checked_in"] == 1);
  auto reg = require_status(srv.as("staff").get("/api/v1/registrations/" + std::to_string(id_of(r))), 200);
  CHECK(reg["checked_in_at"] == at);
}

TEST_CASE("staff scans and look-ups show the person whole", "[checkins]") {
  test_server srv;
  auto event_id = id_of(srv.create_event());
  auto r = srv.register_person(event_id, "王建国", "13912345678");
  auto staff = srv.as("staff");
  auto a = require_status(staff.post("/api/v1/checkins", scan(r["code"], new_nonce())), 201);
  CHECK(a["registration"]["name"] == "王建国");
  CHECK(a["registration"]["phone"] == "13912345678");
  CHECK(a["registration"]["code"] == r["code"]);

  auto found = require_status(staff.post("/api/v1/checkins/lookup", {{"event_id", event_id}, {"phone", "5678"}}), 200);
  REQUIRE(found["candidates"].size() == 1);
  CHECK(found["candidates"][0]["name"] == "王建国");
  CHECK(found["candidates"][0]["phone"] == "13912345678");
}

TEST_CASE("scans of unknown or cancelled or waitlisted or other-event tickets are refused", "[checkins]") {
  test_server srv;
  auto event_id = id_of(srv.create_event({{"capacity", 2}, {"waitlist", true}}));
  auto other_id = id_of(srv.create_event({{"title", "全科医师技能竞赛"}, {"kind", "competition"}}));
  auto kept = srv.register_person(event_id, "李海平", "13700000001");
  auto gone = srv.register_person(event_id, "赵志华", "13700000002");
  auto waiting = srv.register_person(event_id, "刘春玲", "13700000003");
  REQUIRE(waiting["status"] == "waitlisted");
  auto staff = srv.as("staff");
  // Cancelling `gone` promotes `waiting`; cancel it too and register a new waitlisted one.
  require_status(staff.post("/api/v1/registrations/" + std::to_string(id_of(gone)) + "/cancel", json::object()), 200);
  auto late = srv.register_person(event_id, "陈德敏", "13700000004");
  REQUIRE(late["status"] == "waitlisted");
  auto kiosk = srv.as_kiosk();

  require_error(kiosk.post("/api/v1/checkins", scan("0123456789ABCDEFGHJKMNPQRS", new_nonce())), 404, "not_found");
  require_error(kiosk.post("/api/v1/checkins", {{"registration_id", 99999}, {"nonce", new_nonce()}}), 404, "not_found");

  auto cancelled = require_error(kiosk.post("/api/v1/checkins", scan(gone["code"], new_nonce())), 409, "cancelled");
  REQUIRE(cancelled.contains("registration"));
  require_masked(cancelled["registration"], "赵志华", "13700000002");
  CHECK(cancelled["registration"]["status"] == "cancelled");

  auto wl = require_error(kiosk.post("/api/v1/checkins", scan(late["code"], new_nonce())), 409, "waitlisted");
  REQUIRE(wl.contains("registration"));
  require_masked(wl["registration"], "陈德敏", "13700000004");

  auto wrong = kiosk.post("/api/v1/checkins", {{"code", kept["code"]}, {"nonce", new_nonce()}, {"event_id", other_id}});
  auto we = require_error(wrong, 409, "wrong_event");
  REQUIRE(we.contains("registration"));
  require_masked(we["registration"], "李海平", "13700000001");
  CHECK(wrong.body.find(kept["code"].get<std::string>()) == std::string::npos);

  // A kiosk paired to another event refuses the ticket without being told the event.
  auto paired = require_status(srv.as("admin").post("/api/v1/devices", {{"name", "竞赛签到"}, {"event_id", other_id}}), 201);
  auto paired_kiosk = srv.with_bearer(paired["token"]);
  require_error(paired_kiosk.post("/api/v1/checkins", scan(kept["code"], new_nonce())), 409, "wrong_event");

  // None of the refusals checked anyone in, and each was audited.
  auto ev = require_status(staff.get(event_path(event_id)), 200);
  CHECK(ev["counts"]["checked_in"] == 0);
  auto audit = require_status(srv.as("admin").get("/api/v1/audit"), 200);
  int refused = 0;
  for (auto const& row : audit["items"])
    if (row["action"] == "checkin.refused") ++refused;
  CHECK(refused >= 6);

  // The right event admits it.
  auto ok = kiosk.post("/api/v1/checkins", {{"code", kept["code"]}, {"nonce", new_nonce()}, {"event_id", event_id}});
  require_status(ok, 201);

  // A cancelled event admits nobody.
  auto other_reg = srv.register_person(other_id, "杨秀静", "13700000005");
  require_status(srv.as("admin").patch(event_path(other_id), {{"status", "cancelled"}}), 200);
  require_error(kiosk.post("/api/v1/checkins", scan(other_reg["code"], new_nonce())), 409, "event_cancelled");
}

TEST_CASE("scan requests are validated: nonce and code and nonce reuse", "[checkins]") {
  test_server srv;
  auto event_id = id_of(srv.create_event());
  auto a = srv.register_person(event_id, "黄文华", "13600000001");
  auto b = srv.register_person(event_id, "周国强", "13600000002");
  auto kiosk = srv.as_kiosk();
  auto post = [&](json const& body) { return kiosk.post("/api/v1/checkins", body); };

  require_invalid(post({{"code", a["code"]}}), {"nonce"});
  require_invalid(post(scan(a["code"], "short")), {"nonce"});
  require_invalid(post(scan(a["code"], "has a space in it")), {"nonce"});
  require_invalid(post(scan(a["code"], std::string(129, 'n'))), {"nonce"});
  require_invalid(post(scan(a["code"], "非ASCII的随机数值")), {"nonce"});
  require_invalid(post({{"code", a["code"]}, {"nonce", 12345678}}), {"nonce"});
  require_invalid(post({{"nonce", new_nonce()}}), {"code"});
  require_invalid(post(scan("", new_nonce())), {"code"});
  require_invalid(post({{"code", a["code"]}, {"registration_id", id_of(a)}, {"nonce", new_nonce()}}), {"code"});
  require_invalid(post({{"registration_id", "7"}, {"nonce", new_nonce()}}), {"registration_id"});
  require_error(kiosk.post_text("/api/v1/checkins", "{\"code\":"), 400, "malformed");
  require_error(kiosk.post_text("/api/v1/checkins", "[]"), 400, "malformed");
  require_error(kiosk.post_text("/api/v1/checkins", std::string(100, '[') + std::string(100, ']')), 400, "malformed");
  require_error(srv.client().post("/api/v1/checkins", scan(a["code"], new_nonce())), 401, "unauthorized");

  auto nonce = new_nonce();
  require_status(post(scan(a["code"], nonce)), 201);
  auto reused = require_error(post(scan(b["code"], nonce)), 422, "nonce_reused");
  CHECK(reused["fields"].contains("nonce"));
  // b was not checked in by the refused request.
  CHECK(require_status(srv.as("staff").get("/api/v1/registrations/" + std::to_string(id_of(b))), 200)["checked_in_at"]
            .is_null());
  CHECK(require_status(srv.as("staff").get(event_path(event_id)), 200)["counts"]["checked_in"] == 1);
}

TEST_CASE("check-in by registration id and undo by staff", "[checkins]") {
  test_server srv;
  auto event_id = id_of(srv.create_event());
  auto r = srv.register_person(event_id, "吴海芳", "13500000001");
  auto kiosk = srv.as_kiosk();
  auto staff = srv.as("staff");
  auto nonce = new_nonce();
  auto a = require_status(kiosk.post("/api/v1/checkins", {{"registration_id", id_of(r)}, {"nonce", nonce}}), 201);
  auto at = a["checked_in_at"];
  auto checkin_id = a["registration"]["checkin_id"].get<std::int64_t>();
  auto undo_path = "/api/v1/checkins/" + std::to_string(checkin_id);

  require_error(kiosk.del(undo_path), 403, "forbidden");
  require_error(srv.client().del(undo_path), 401, "unauthorized");
  auto undone = require_status(staff.del(undo_path), 200);
  CHECK(undone["id"] == r["id"]);
  CHECK(undone["checked_in_at"].is_null());
  CHECK(undone["checkin_id"].is_null());
  CHECK(require_status(staff.get(event_path(event_id)), 200)["counts"]["checked_in"] == 0);
  require_error(staff.del(undo_path), 409, "already_undone");
  require_error(staff.del("/api/v1/checkins/99999"), 404, "not_found");

  // The old nonce still replays its first answer; a new scan is a new first check-in.
  auto replay = kiosk.post("/api/v1/checkins", {{"registration_id", id_of(r)}, {"nonce", nonce}});
  CHECK(replay.status == 201);
  CHECK(replay.json()["checked_in_at"] == at);
  auto again = require_status(kiosk.post("/api/v1/checkins", scan(r["code"], new_nonce())), 201);
  CHECK(again["first"] == true);
  CHECK(again["registration"]["checkin_id"] != checkin_id);
  CHECK(require_status(staff.get(event_path(event_id)), 200)["counts"]["checked_in"] == 1);

  auto audit = require_status(srv.as("admin").get("/api/v1/audit"), 200);
  bool logged = false;
  for (auto const& row : audit["items"])
    if (row["action"] == "checkin.undo" && row["actor"] == "user:staff") logged = true;
  CHECK(logged);
}

TEST_CASE("qiandao_checkins_total counts first check-ins and not replays or repeats", "[checkins][metrics]") {
  test_server srv;
  auto event_id = id_of(srv.create_event());
  auto r = srv.register_person(event_id, "郑国平", "13412345678");
  auto kiosk = srv.as_kiosk();
  auto nonce = new_nonce();
  require_status(kiosk.post("/api/v1/checkins", scan(r["code"], nonce)), 201);
  require_status(kiosk.post("/api/v1/checkins", scan(r["code"], nonce)), 201);  // a retry: nothing new
  require_status(kiosk.post("/api/v1/checkins", scan(r["code"], nonce)), 201);
  require_status(kiosk.post("/api/v1/checkins", scan(r["code"], new_nonce())), 200);
  auto text = srv.client().get("/metrics").body;
  CHECK(text.find("\nqiandao_checkins_total 1\n") != std::string::npos);
}

TEST_CASE("check-in answers carry checkin id and at which undo takes and a repeat scan shows the same id",
          "[checkins]") {
  test_server srv;
  auto event_id = id_of(srv.create_event({{"walk_ins", true}}));
  auto r = srv.register_person(event_id, "吴海芳", "13500000002");
  auto kiosk = srv.as_kiosk();
  auto staff = srv.as("staff");
  auto nonce = new_nonce();
  auto a = require_status(kiosk.post("/api/v1/checkins", scan(r["code"], nonce)), 201);
  REQUIRE(a["checkin"].is_object());
  auto checkin_id = a["checkin"]["id"].get<std::int64_t>();
  CHECK(a["checkin"]["at"] == a["checked_in_at"]);
  CHECK(a["registration"]["checkin_id"] == checkin_id);
  CHECK(kiosk.post("/api/v1/checkins", scan(r["code"], nonce)).json() == a);  // a replay answers the same
  for (auto* who : {&kiosk, &staff}) {
    auto repeat = require_status(who->post("/api/v1/checkins", scan(r["code"], new_nonce())), 200);
    CHECK(repeat["outcome"] == "already");
    CHECK(repeat["checkin"] == a["checkin"]);
  }

  require_status(staff.del("/api/v1/checkins/" + std::to_string(checkin_id)), 200);
  // The first nonce's replay keeps its outcome, but the check-in it made is gone.
  auto replay = require_status(kiosk.post("/api/v1/checkins", scan(r["code"], nonce)), 201);
  CHECK(replay["checkin"].is_null());
  auto again = require_status(kiosk.post("/api/v1/checkins", scan(r["code"], new_nonce())), 201);
  REQUIRE(again["checkin"].is_object());
  CHECK(again["checkin"]["id"] != checkin_id);
  auto repeat = require_status(kiosk.post("/api/v1/checkins", {{"registration_id", id_of(r)}, {"nonce", new_nonce()}}), 200);
  CHECK(repeat["checkin"] == again["checkin"]);

  // Walk-ins share the answer: the check-in made, and the same one on a repeat.
  auto walk = [&] {
    return kiosk.post(event_path(event_id) + "/walk-ins",
                      {{"name", "陈秀英"}, {"phone", "13312345670"}, {"nonce", new_nonce()}, {"consent", true}});
  };
  auto w = require_status(walk(), 201);
  REQUIRE(w["checkin"].is_object());
  CHECK(w["checkin"]["id"] == w["registration"]["checkin_id"]);
  CHECK(w["checkin"]["at"] == w["checked_in_at"]);
  CHECK(require_status(walk(), 200)["checkin"] == w["checkin"]);
  require_status(staff.del("/api/v1/checkins/" + std::to_string(w["checkin"]["id"].get<std::int64_t>())), 200);
  // Refusals carry no check-in.
  require_status(staff.post("/api/v1/registrations/" + std::to_string(w["registration"]["id"].get<std::int64_t>()) +
                                "/cancel",
                            json::object()),
                 200);
  auto refused = require_error(kiosk.post("/api/v1/checkins", {{"registration_id", w["registration"]["id"]},
                                                               {"nonce", new_nonce()}}),
                               409, "cancelled");
  CHECK_FALSE(refused.contains("checkin"));
}
