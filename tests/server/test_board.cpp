// The live board: the JSON snapshot, the WebSocket stream (snapshot first, gapless seq,
// updates that add up to the truth), the Origin check, the board token, and that nothing
// on it identifies a person.
#include <catch2/catch.hpp>
#include <chrono>

#include "support/board_view.hpp"
#include "support/expect.hpp"
#include "support/test_server.hpp"
#include "support/ws_client.hpp"

using namespace qiandao::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::int64_t id_of(json const& j) { return j["id"].get<std::int64_t>(); }

ws_options from(std::optional<std::string> origin) {
  ws_options o;
  o.origin = std::move(origin);
  return o;
}

ws_options to_target(std::string target) {
  ws_options o;
  o.target = std::move(target);
  return o;
}

std::int64_t checkin_id_of(test_server& srv, json const& person) {
  auto r = require_status(srv.as("staff").get("/api/v1/registrations/" + std::to_string(id_of(person))), 200);
  return r["checkin_id"].get<std::int64_t>();
}

json checkin(test_server& srv, json const& person) {
  return require_status(srv.as_kiosk().post("/api/v1/checkins", {{"code", person["code"]}, {"nonce", new_nonce()}}), 201);
}

}  // namespace

TEST_CASE("GET /api/v1/board shows counts and totals and masked recent check-ins only", "[board]") {
  test_server srv;
  auto a_id = id_of(srv.create_event());
  auto b_id = id_of(srv.create_event({{"title", "名医面对面义诊"}, {"kind", "clinic"}, {"capacity", 200}}));
  std::vector<json> people = {
      srv.register_person(a_id, "张晓明", "13812345678", {{"id_number", "310118198001011237"}}),
      srv.register_person(a_id, "李丽", "13912345678"),
      srv.register_person(b_id, "欧阳娜娜", "13712345678", {{"organization", "夏阳街道社区卫生服务中心"}}),
  };
  checkin(srv, people[0]);
  checkin(srv, people[2]);

  auto res = srv.client().get("/api/v1/board");
  auto board = require_status(res, 200);
  CHECK(board["type"] == "snapshot");
  REQUIRE(board["events"].size() == 2);
  board_view view;
  view.apply(board);
  CHECK(view.events[a_id]["registered"] == 2);
  CHECK(view.checked_in(a_id) == 1);
  CHECK(view.events[b_id]["registered"] == 1);
  CHECK(view.checked_in(b_id) == 1);
  CHECK(view.events[b_id]["capacity"] == 200);
  CHECK(view.events[b_id]["title"] == "名医面对面义诊");
  CHECK(board["totals"]["registered"] == 3);
  CHECK(board["totals"]["checked_in"] == 2);
  REQUIRE(board["recent"].size() == 2);
  CHECK(board["recent"][0]["name"] == "张*明");
  CHECK(board["recent"][0]["event_id"] == a_id);
  CHECK(board["recent"][1]["name"] == "欧**娜");
  CHECK(board["recent"][1]["organization"] == "夏阳街道社区卫生服务中心");
  CHECK(board["recent"][1]["at"].is_string());
  require_private(res.body, people);
  CHECK(res.body.find("310118198001011237") == std::string::npos);
}

TEST_CASE("board WebSocket sends a snapshot at seq 0 then updates with changed rows and masked names", "[board][ws]") {
  test_server srv;
  auto a_id = id_of(srv.create_event());
  auto b_id = id_of(srv.create_event({{"title", "心理减压沙龙"}, {"kind", "salon"}}));
  std::vector<json> people = {srv.register_person(a_id, "王建国", "13800000001"),
                              srv.register_person(b_id, "刘春玲", "13800000002"),
                              srv.register_person(b_id, "赵海", "13800000003")};
  checkin(srv, people[0]);

  ws_client ws(srv.port());
  auto snap_text = ws.read_text(5s);
  REQUIRE(snap_text);
  auto snap = json::parse(*snap_text);
  CHECK(snap["seq"] == 0);
  CHECK(snap["type"] == "snapshot");
  CHECK(snap["programme"].is_object());
  CHECK(snap["events"].size() == 2);
  CHECK(snap["totals"]["registered"] == 3);
  CHECK(snap["totals"]["checked_in"] == 1);
  REQUIRE(snap["recent"].size() == 1);
  CHECK(snap["recent"][0]["name"] == "王*国");
  require_private(*snap_text, people);

  checkin(srv, people[1]);
  auto up_text = ws.read_text(5s);
  REQUIRE(up_text);
  auto up = json::parse(*up_text);
  CHECK(up["seq"] == 1);
  CHECK(up["type"] == "update");
  REQUIRE(up["events"].size() == 1);  // only the row that changed
  CHECK(up["events"][0]["id"] == b_id);
  CHECK(up["events"][0]["checked_in"] == 1);
  CHECK(up["totals"]["checked_in"] == 2);
  REQUIRE(up["recent"].size() == 1);
  CHECK(up["recent"][0]["name"] == "刘*玲");
  CHECK(up["recent"][0]["event_id"] == b_id);
  require_private(*up_text, people);

  // A new registration changes the row's registered count.
  auto more = srv.register_person(a_id, "孙德敏", "13800000004");
  people.push_back(more);
  auto reg_text = ws.read_text(5s);
  REQUIRE(reg_text);
  auto reg = json::parse(*reg_text);
  CHECK(reg["seq"] == 2);
  CHECK(reg["type"] == "update");
  REQUIRE(reg["events"].size() == 1);
  CHECK(reg["events"][0]["id"] == a_id);
  CHECK(reg["events"][0]["registered"] == 2);
  CHECK(reg["totals"]["registered"] == 4);
  CHECK(reg["recent"].empty());
  require_private(*reg_text, people);

  // Undoing a check-in lowers the count; a programme change is sent too.
  auto undo = "/api/v1/checkins/" + std::to_string(checkin_id_of(srv, people[1]));
  require_status(srv.as("staff").del(undo), 200);
  auto undone = ws.read_json(5s);
  REQUIRE(undone);
  CHECK((*undone)["seq"] == 3);
  REQUIRE((*undone)["events"].size() == 1);
  CHECK((*undone)["events"][0]["id"] == b_id);
  CHECK((*undone)["events"][0]["checked_in"] == 0);
  CHECK((*undone)["totals"]["checked_in"] == 1);
  require_status(srv.as("admin").patch("/api/v1/programme", {{"title", "青浦区庆祝2024年中国医师节系列活动"}}), 200);
  auto prog = ws.read_json(5s);
  REQUIRE(prog);
  CHECK((*prog)["seq"] == 4);
  CHECK((*prog)["programme"]["title"] == "青浦区庆祝2024年中国医师节系列活动");
  checkin(srv, people[1]);
  auto back = ws.read_json(5s);
  REQUIRE(back);
  CHECK((*back)["seq"] == 5);
  CHECK((*back)["totals"]["checked_in"] == 2);

  // A second client starts from a snapshot of the current state at its own seq 0.
  ws_client late(srv.port());
  auto late_snap = late.read_json(5s);
  REQUIRE(late_snap);
  CHECK((*late_snap)["seq"] == 0);
  CHECK((*late_snap)["type"] == "snapshot");
  CHECK((*late_snap)["totals"]["checked_in"] == 2);
  CHECK((*late_snap)["totals"]["registered"] == 4);
  ws.close();
  late.close();
}

TEST_CASE("board WebSocket upgrades are refused with 403 from foreign origins", "[board][ws]") {
  server_options opts;
  opts.allowed_origins = {"https://board.example.org"};
  test_server srv(opts);
  auto own = "http://127.0.0.1:" + std::to_string(srv.port());
  CHECK(ws_upgrade_status(srv.port(), from(own)) == 101);
  CHECK(ws_upgrade_status(srv.port(), from(std::nullopt)) == 101);
  CHECK(ws_upgrade_status(srv.port(), from("https://board.example.org")) == 101);
  CHECK(ws_upgrade_status(srv.port(), from("http://evil.example")) == 403);
  CHECK(ws_upgrade_status(srv.port(), from("null")) == 403);
  CHECK(ws_upgrade_status(srv.port(), from("http://127.0.0.1:1")) == 403);
  CHECK(ws_upgrade_status(srv.port(), from(own + ".evil.example")) == 403);
  try {
    ws_client refused(srv.port(), from("http://evil.example"));
    FAIL("the upgrade should have been refused");
  } catch (ws_refused const& e) {
    CHECK(e.status == 403);
  }
  // An accepted connection from an allowed origin gets its snapshot.
  ws_client ok(srv.port(), from("https://board.example.org"));
  auto first = ok.read_json(5s);
  REQUIRE(first);
  CHECK((*first)["type"] == "snapshot");
}

TEST_CASE("with a board token GET /api/v1/board and the WebSocket need ?token=", "[board][ws]") {
  server_options opts;
  opts.board_token = "s3cret-board";
  test_server srv(opts);
  auto anon = srv.client();
  require_error(anon.get("/api/v1/board"), 401, "unauthorized");
  require_error(anon.get("/api/v1/board?token=wrong"), 401, "unauthorized");
  CHECK(require_status(anon.get("/api/v1/board?token=s3cret-board"), 200)["type"] == "snapshot");
  require_status(anon.get("/api/v1/board", {{"Authorization", "Bearer s3cret-board"}}), 200);
  require_status(srv.as("staff").get("/api/v1/board"), 200);

  CHECK(ws_upgrade_status(srv.port(), to_target("/api/v1/board/ws")) == 403);
  CHECK(ws_upgrade_status(srv.port(), to_target("/api/v1/board/ws?token=wrong")) == 403);
  ws_client ws(srv.port(), to_target("/api/v1/board/ws?token=s3cret-board"));
  auto first = ws.read_json(5s);
  REQUIRE(first);
  CHECK((*first)["type"] == "snapshot");
  CHECK((*first)["seq"] == 0);
}
