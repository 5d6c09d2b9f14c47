// The offline door (issue 11): the kiosks' ticket-list feed (cursor, deltas, masking), scans
// replayed with the kiosk's offline answer and the conflicts they make (待处理), staff
// resolving them (audited), the kiosk's staff PIN, and the service worker's script.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "domain/door.hpp"
#include "support/expect.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"

using namespace qiandao::test;
using nlohmann::json;

namespace {

std::int64_t id_of(json const& j) { return j["id"].get<std::int64_t>(); }
std::string feed(std::int64_t event_id, std::int64_t since) {
  return "/api/v1/events/" + std::to_string(event_id) + "/door-list?since=" + std::to_string(since);
}

// A replay of a scan the kiosk answered offline.
json replay(std::string const& code, std::string const& answer, std::int64_t event_id) {
  return {{"code", code}, {"nonce", new_nonce()}, {"event_id", event_id},
          {"offline", {{"answer", answer}, {"scanned_at", "2026-08-19T09:05:00+08:00"}}}};
}

json conflicts(test_server& srv, std::int64_t event_id, std::string const& state = "open") {
  return require_status(srv.as("staff").get("/api/v1/door/conflicts?event_id=" + std::to_string(event_id) +
                                            "&state=" + state), 200);
}

// The digest the kiosk's page computes with crypto.subtle for "abc": SHA-256, hex.
constexpr char const* abc_sha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

json paired_kiosk(test_server& srv, std::optional<std::int64_t> event_id, std::optional<std::string> pin = {}) {
  json body = {{"name", "东门 " + new_nonce().substr(0, 6)}};
  if (event_id) body["event_id"] = *event_id;
  if (pin) body["pin"] = *pin;
  return require_status(srv.as("admin").post("/api/v1/devices", body), 201);
}

}  // namespace

TEST_CASE("door list: a kiosk's ticket list, masked, with a cursor and deltas", "[door]") {
  test_server srv;
  auto event_id = id_of(srv.create_event());
  auto a = srv.register_person(event_id, "张晓明", "13812345678", {{"organization", "青浦区中心医院"}});
  auto b = srv.register_person(event_id, "李雅婷", "13912345678");
  auto other = id_of(srv.create_event({{"title", "健康讲堂"}}));
  srv.register_person(other, "王五", "13712345678");
  auto kiosk = srv.as_kiosk();

  auto first = kiosk.get(feed(event_id, 0));
  auto page = require_status(first, 200);
  REQUIRE(page["items"].size() == 2);
  CHECK(page["more"] == false);
  CHECK(page["conflicts_open"] == 0);
  auto item = page["items"][0];
  CHECK(item["id"] == a["id"]);
  CHECK(item["name"] == "张*明");
  CHECK(item["status"] == "confirmed");
  CHECK(item["organization"] == "青浦区中心医院");
  CHECK(item["checked_in_at"].is_null());
  CHECK(item["digest"].get<std::string>().size() == 64);
  // No phone, no code, no full name leaves the server for a kiosk.
  CHECK(first.body.find("13812345678") == std::string::npos);
  CHECK(first.body.find("张晓明") == std::string::npos);
  CHECK(first.body.find(a["code"].get<std::string>()) == std::string::npos);
  CHECK(!item.contains("phone"));
  auto cursor = page["cursor"].get<std::int64_t>();

  // Nothing changed: nothing new, the cursor stays.
  auto same = require_status(kiosk.get(feed(event_id, cursor)), 200);
  CHECK(same["items"].empty());
  CHECK(same["cursor"] == cursor);

  // A check-in, then a cancel, each come as a delta; an undo comes again.
  auto in = require_status(kiosk.post("/api/v1/checkins", {{"code", a["code"]}, {"nonce", new_nonce()}}), 201);
  auto d1 = require_status(kiosk.get(feed(event_id, cursor)), 200);
  REQUIRE(d1["items"].size() == 1);
  CHECK(d1["items"][0]["id"] == a["id"]);
  CHECK(d1["items"][0]["checked_in_at"] == in["checked_in_at"]);
  CHECK(d1["cursor"].get<std::int64_t>() > cursor);
  cursor = d1["cursor"].get<std::int64_t>();

  require_status(srv.as("staff").post("/api/v1/registrations/" + std::to_string(id_of(b)) + "/cancel", json::object()), 200);
  auto d2 = require_status(kiosk.get(feed(event_id, cursor)), 200);
  REQUIRE(d2["items"].size() == 1);
  CHECK(d2["items"][0]["id"] == b["id"]);
  CHECK(d2["items"][0]["status"] == "cancelled");
  cursor = d2["cursor"].get<std::int64_t>();

  require_status(srv.as("staff").del("/api/v1/checkins/" + std::to_string(in["checkin"]["id"].get<std::int64_t>())), 200);
  auto d3 = require_status(kiosk.get(feed(event_id, cursor)), 200);
  REQUIRE(d3["items"].size() == 1);
  CHECK(d3["items"][0]["id"] == a["id"]);
  CHECK(d3["items"][0]["checked_in_at"].is_null());

  // Paging: one at a time, `more` until the end, each cursor strictly later.
  std::int64_t since = 0, seen = 0;
  for (int guard = 0; guard < 10; ++guard) {
    auto p = require_status(kiosk.get(feed(event_id, since) + "&limit=1"), 200);
    seen += static_cast<std::int64_t>(p["items"].size());
    CHECK(p["cursor"].get<std::int64_t>() >= since);
    since = p["cursor"].get<std::int64_t>();
    if (!p["more"].get<bool>()) break;
  }
  CHECK(seen == 2);

  // Staff see the same feed; a kiosk paired to another event is refused; bad input is 4xx.
  require_status(srv.as("staff").get(feed(event_id, 0)), 200);
  auto bound = paired_kiosk(srv, other);
  auto elsewhere = srv.with_bearer(bound["token"]);
  CHECK(require_status(elsewhere.get(feed(event_id, 0)), 403)["error"]["code"] == "wrong_event");
  require_status(elsewhere.get(feed(other, 0)), 200);
  CHECK(srv.client().get(feed(event_id, 0)).status == 401);
  CHECK(require_status(kiosk.get(feed(event_id, 0) + "&limit=0"), 422)["error"]["fields"].contains("limit"));
  require_status(kiosk.get("/api/v1/events/" + std::to_string(event_id) + "/door-list?since=abc"), 422);
  require_status(kiosk.get(feed(999999, 0)), 404);
}

TEST_CASE("door list: the digest is SHA-256 of the code in hex", "[door]") {
  // The kiosk hashes the scanned (normalised) code with crypto.subtle; the server must agree.
  test_server srv;
  auto event_id = id_of(srv.create_event());
  auto r = srv.register_person(event_id, "张晓明", "13812345678");
  auto page = require_status(srv.as_kiosk().get(feed(event_id, 0)), 200);
  CHECK(page["items"][0]["digest"].get<std::string>() != abc_sha256);
  CHECK(qiandao::domain::code_digest("abc") == abc_sha256);
  CHECK(page["items"][0]["digest"] == qiandao::domain::code_digest(r["code"].get<std::string>()));
}

TEST_CASE("replays: admitted offline but cancelled meanwhile is a conflict, a good one is not", "[door]") {
  test_server srv;
  auto event_id = id_of(srv.create_event());
  auto good = srv.register_person(event_id, "陈建华", "13812340001");
  auto gone = srv.register_person(event_id, "林佳颖", "13812340002");
  require_status(srv.as("staff").post("/api/v1/registrations/" + std::to_string(id_of(gone)) + "/cancel", json::object()), 200);
  auto kiosk = srv.as_kiosk();

  CHECK(require_status(kiosk.post("/api/v1/checkins", replay(good["code"], "ok", event_id)), 201)["first"] == true);
  auto refused = require_status(kiosk.post("/api/v1/checkins", replay(gone["code"], "ok", event_id)), 409);
  CHECK(refused["error"]["code"] == "cancelled");
  // An unknown code the kiosk also refused offline: agreement, no conflict.
  require_status(kiosk.post("/api/v1/checkins", replay("ZZZZ9999", "bad", event_id)), 404);

  auto list = conflicts(srv, event_id);
  REQUIRE(list["items"].size() == 1);
  auto c = list["items"][0];
  CHECK(c["registration_id"] == gone["id"]);
  CHECK(c["kiosk_answer"] == "ok");
  CHECK(c["outcome"] == "cancelled");
  CHECK(c["device"] == "device:门口1");
  CHECK(c["scanned_at"] == "2026-08-19T09:05:00+08:00");
  CHECK(c["state"] == "open");
  CHECK(c["registration"]["name"] == "林佳颖");  // staff see the person whole
  CHECK(list["open"] == 1);

  // The kiosk sees how many of its own scans wait there.
  CHECK(require_status(kiosk.get(feed(event_id, 0)), 200)["conflicts_open"] == 1);
  // Replaying the same nonce again neither checks in nor adds a conflict.
  auto again = replay(gone["code"], "ok", event_id);
  require_status(kiosk.post("/api/v1/checkins", again), 409);
  require_status(kiosk.post("/api/v1/checkins", again), 409);
  CHECK(conflicts(srv, event_id)["items"].size() == 2);
}

TEST_CASE("replays: two kiosks admit the same ticket offline: one check-in, one conflict", "[door]") {
  test_server srv;
  auto event_id = id_of(srv.create_event());
  auto r = srv.register_person(event_id, "黄志强", "13812340003");
  auto east = srv.as_kiosk();
  auto west = srv.with_bearer(paired_kiosk(srv, event_id)["token"]);

  auto one = east.post("/api/v1/checkins", replay(r["code"], "ok", event_id));
  auto two = west.post("/api/v1/checkins", replay(r["code"], "ok", event_id));
  CHECK(one.status == 201);
  CHECK(two.status == 200);
  CHECK(require_status(srv.as("staff").get("/api/v1/events/" + std::to_string(event_id)), 200)["counts"]["checked_in"] == 1);
  auto list = conflicts(srv, event_id);
  REQUIRE(list["items"].size() == 1);
  CHECK(list["items"][0]["outcome"] == "already");
  CHECK(list["items"][0]["device"].get<std::string>().starts_with("device:东门"));
  CHECK(require_status(east.get(feed(event_id, 0)), 200)["conflicts_open"] == 0);
  CHECK(require_status(west.get(feed(event_id, 0)), 200)["conflicts_open"] == 1);
}

TEST_CASE("replays: turned away offline but valid is held, not checked in, staff admit it, audited", "[door]") {
  test_server srv;
  auto event_id = id_of(srv.create_event());
  auto r = srv.register_person(event_id, "吴海燕", "13812340004");
  auto kiosk = srv.as_kiosk();

  auto held = require_status(kiosk.post("/api/v1/checkins", replay(r["code"], "bad", event_id)), 409);
  CHECK(held["error"]["code"] == "held");
  auto staff = srv.as("staff");
  auto reg_path = "/api/v1/registrations/" + std::to_string(id_of(r));
  CHECK(require_status(staff.get(reg_path), 200)["checked_in_at"].is_null());
  auto list = conflicts(srv, event_id);
  REQUIRE(list["items"].size() == 1);
  auto c = list["items"][0];
  CHECK(c["kiosk_answer"] == "bad");
  CHECK(c["outcome"] == "held");
  auto path = "/api/v1/door/conflicts/" + std::to_string(id_of(c)) + "/resolve";

  // Kiosks and anonymous callers cannot list or resolve.
  CHECK(kiosk.get("/api/v1/door/conflicts").status == 403);
  CHECK(srv.client().get("/api/v1/door/conflicts").status == 401);
  CHECK(kiosk.post(path, {{"resolution", "admit"}}).status == 403);
  // Bad input.
  CHECK(require_status(staff.post(path, {{"resolution", "maybe"}}), 422)["error"]["fields"].contains("resolution"));
  require_status(staff.post(path, {{"note", "x"}}), 422);
  require_status(staff.post("/api/v1/door/conflicts/999999/resolve", {{"resolution", "admit"}}), 404);
  require_status(staff.get("/api/v1/door/conflicts?state=later"), 422);

  auto done = require_status(staff.post(path, {{"resolution", "admit"}, {"note", "本人在场，核对身份证后放行"}}), 200);
  CHECK(done["state"] == "resolved");
  CHECK(done["resolution"] == "admit");
  CHECK(done["resolved_by"] == "user:staff");
  CHECK(done["note"] == "本人在场，核对身份证后放行");
  CHECK(require_status(staff.get(reg_path), 200)["checked_in_at"].is_string());
  CHECK(require_status(staff.post(path, {{"resolution", "refuse"}}), 409)["error"]["code"] == "already_resolved");
  CHECK(conflicts(srv, event_id)["items"].empty());
  CHECK(conflicts(srv, event_id, "resolved")["items"].size() == 1);
  CHECK(conflicts(srv, event_id, "all")["items"].size() == 1);

  auto audit = require_status(srv.as("admin").get("/api/v1/audit?limit=50"), 200);
  bool resolved = false;
  for (auto const& row : audit["items"])
    if (row["action"] == "conflict.resolve" && row["target"] == "conflict:" + std::to_string(id_of(c))) {
      resolved = true;
      CHECK(row["actor"] == "user:staff");
      CHECK(row["detail"].get<std::string>().starts_with("admit checked_in"));
      CHECK(row["detail"].get<std::string>().find("吴海燕") == std::string::npos);  // masked
      CHECK(row["detail"].get<std::string>().find("吴*燕") != std::string::npos);
    }
  CHECK(resolved);
}

TEST_CASE("resolving: refuse closes without a check-in, admit of a cancelled one is refused", "[door]") {
  test_server srv;
  auto event_id = id_of(srv.create_event());
  auto r = srv.register_person(event_id, "徐浩然", "13812340005");
  auto kiosk = srv.as_kiosk();
  require_status(srv.as("staff").post("/api/v1/registrations/" + std::to_string(id_of(r)) + "/cancel", json::object()), 200);
  require_status(kiosk.post("/api/v1/checkins", replay(r["code"], "ok", event_id)), 409);
  auto c = conflicts(srv, event_id)["items"][0];
  auto path = "/api/v1/door/conflicts/" + std::to_string(id_of(c)) + "/resolve";
  auto staff = srv.as("staff");
  CHECK(require_status(staff.post(path, {{"resolution", "admit"}}), 409)["error"]["code"] == "cannot_admit");
  auto done = require_status(staff.post(path, {{"resolution", "refuse"}, {"note", "已取消报名，请其离场"}}), 200);
  CHECK(done["resolution"] == "refuse");
  CHECK(require_status(staff.get("/api/v1/registrations/" + std::to_string(id_of(r))), 200)["checked_in_at"].is_null());
  // Bad offline answers are refused before anything is stored.
  auto bad = replay(r["code"], "maybe", event_id);
  CHECK(require_status(kiosk.post("/api/v1/checkins", bad), 422)["error"]["fields"].contains("offline.answer"));
  json not_object = {{"code", r["code"]}, {"nonce", new_nonce()}, {"offline", "ok"}};
  require_status(kiosk.post("/api/v1/checkins", not_object), 422);
}

TEST_CASE("kiosk PIN: set at pairing, right and wrong, none, throttled, bad input", "[door]") {
  test_server srv;
  auto event_id = id_of(srv.create_event());
  auto admin = srv.as("admin");
  CHECK(require_status(admin.post("/api/v1/devices", {{"name", "西门"}, {"pin", "12ab"}}), 422)["error"]["fields"].contains("pin"));
  require_status(admin.post("/api/v1/devices", {{"name", "西门"}, {"pin", "123"}}), 422);
  require_status(admin.post("/api/v1/devices", {{"name", "西门"}, {"pin", "123456789"}}), 422);
  auto d = paired_kiosk(srv, std::nullopt, "2468");
  auto kiosk = srv.with_bearer(d["token"]);
  CHECK(require_status(kiosk.post("/api/v1/devices/pin", {{"pin", "2468"}}), 200)["ok"] == true);
  auto wrong = require_status(kiosk.post("/api/v1/devices/pin", {{"pin", "1357"}}), 403);
  CHECK(wrong["error"]["code"] == "wrong_pin");
  CHECK(wrong["error"]["message"].get<std::string>().find(" / ") != std::string::npos);
  require_status(kiosk.post("/api/v1/devices/pin", json::object()), 422);
  CHECK(srv.as("staff").post("/api/v1/devices/pin", {{"pin", "2468"}}).status == 403);

  // A kiosk paired before PINs (the fixture's) has none until an admin sets one.
  auto old = srv.as_kiosk();
  CHECK(require_status(old.post("/api/v1/devices/pin", {{"pin", "2468"}}), 403)["error"]["code"] == "no_pin");
  require_status(admin.post("/api/v1/devices/" + std::to_string(srv.kiosk_id()) + "/pin", {{"pin", "9999"}}), 200);
  require_status(old.post("/api/v1/devices/pin", {{"pin", "9999"}}), 200);
  CHECK(srv.as("staff").post("/api/v1/devices/" + std::to_string(srv.kiosk_id()) + "/pin", {{"pin", "9999"}}).status == 403);
  require_status(admin.post("/api/v1/devices/999999/pin", {{"pin", "9999"}}), 404);

  // Guessing is throttled: after a few wrong PINs even the right one waits.
  int limited = 0;
  for (int i = 0; i < 8; ++i)
    if (kiosk.post("/api/v1/devices/pin", {{"pin", "0000"}}).status == 429) ++limited;
  CHECK(limited > 0);
  CHECK(kiosk.post("/api/v1/devices/pin", {{"pin", "2468"}}).status == 429);
  (void)event_id;
}

TEST_CASE("service worker: /sw.js with a version digest, the door pages and no /api/", "[door]") {
  test_server srv;
  auto res = srv.client().get("/sw.js");
  REQUIRE(res.status == 200);
  CHECK(res.header("content-type").value_or("").starts_with("text/javascript"));
  CHECK(res.header("cache-control").value_or("") == "no-cache");
  CHECK(res.body.find("__QIANDAO_VERSION__") == std::string::npos);
  CHECK(res.body.find("__QIANDAO_ASSETS__") == std::string::npos);
  CHECK(res.body.find("\"/kiosk\"") != std::string::npos);
  CHECK(res.body.find("\"/web/kiosk/app.js\"") != std::string::npos);
  CHECK(res.body.find("\"/web/judge/app.js\"") != std::string::npos);
  CHECK(res.body.find("\"/api/") == std::string::npos);
  // The same binary gives the same version.
  CHECK(srv.client().get("/sw.js").body == res.body);
}

TEST_CASE("service worker: its version follows the web files, so a new build replaces the cache", "[door]") {
  temp_dir files;
  namespace fs = std::filesystem;
  fs::create_directories(files.path() / "web" / "shared");
  fs::create_directories(files.path() / "web" / "kiosk");
  fs::copy_file(fs::path(__FILE__).parent_path().parent_path().parent_path() / "web/shared/sw.js",
                files.path() / "web/shared/sw.js");
  std::ofstream(files.file("web/kiosk/app.js")) << "// v1";
  server_options opts;
  opts.configure = [&](qiandao::config& c) { c.web_root = files.file("web"); };
  test_server srv(opts);
  auto version = [&] {
    auto body = srv.client().get("/sw.js").body;
    auto at = body.find("const VERSION = '");
    REQUIRE(at != std::string::npos);
    return body.substr(at + 17, 16);
  };
  auto v1 = version();
  CHECK(v1.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(version() == v1);
  std::ofstream(files.file("web/kiosk/app.js")) << "// v2";
  CHECK(version() != v1);
}

TEST_CASE("door list: an imported list reaches a kiosk whole, page by page, each row after the cursor once",
          "[door][import]") {
  test_server srv;
  auto event_id = id_of(srv.create_event());
  srv.register_person(event_id, "张晓明", "13812345678");
  auto kiosk = srv.as_kiosk();
  auto before = require_status(kiosk.get(feed(event_id, 0)), 200);
  REQUIRE(before["items"].size() == 1);
  auto cursor = before["cursor"].get<std::int64_t>();

  // 300 people, then one of them again and one registered already: 300 new rows.
  std::string csv = "姓名,手机号,工作单位\n";
  for (int i = 0; i < 300; ++i) csv += "导入" + std::to_string(i) + ",1370000" + std::to_string(1000 + i) + ",青浦区中心医院\n";
  csv += "重复,13700001005,青浦区中心医院\n张晓明,13812345678,青浦区中心医院\n";
  auto imported = require_status(
      srv.as("staff").post_text("/api/v1/events/" + std::to_string(event_id) + "/registrations/import", csv), 200);
  CHECK(imported["accepted"] == 300);
  CHECK(imported["rejected"].size() == 2);
  auto after = srv.register_person(event_id, "李雅婷", "13912345678");

  // From the cursor taken before the import, 40 a page: every new row once, in order.
  std::set<std::int64_t> ids;
  std::int64_t since = cursor, rows = 0;
  for (int guard = 0; guard < 20; ++guard) {
    auto p = require_status(kiosk.get(feed(event_id, since) + "&limit=40"), 200);
    rows += static_cast<std::int64_t>(p["items"].size());
    for (auto const& item : p["items"]) ids.insert(id_of(item));
    CHECK(p["cursor"].get<std::int64_t>() > since);
    since = p["cursor"].get<std::int64_t>();
    if (!p["more"].get<bool>()) break;
  }
  CHECK(rows == 301);
  CHECK(ids.size() == 301);
  CHECK(ids.count(id_of(after)) == 1);
  CHECK(ids.count(id_of(before["items"][0])) == 0);
  // And nothing more after the last cursor.
  CHECK(require_status(kiosk.get(feed(event_id, since)), 200)["items"].empty());
}
