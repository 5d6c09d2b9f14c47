// Control characters in submitted text: C0 (NUL, ESC, TAB, CR…), DEL and C1 are refused with
// 422 naming the field, through every kind of write (JSON bodies and CSV imports), and
// nothing is stored; the one multi-line field, an event's description, keeps its newlines.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "support/expect.hpp"
#include "support/hostile.hpp"
#include "support/test_server.hpp"

using namespace qiandao::test;
using nlohmann::json;
using namespace std::string_literals;

namespace {

std::int64_t id_of(json const& j) { return j["id"].get<std::int64_t>(); }
std::string event_path(std::int64_t id) { return "/api/v1/events/" + std::to_string(id); }

// NUL and a terminal escape; DEL; C1 CSI (U+009B, C2 9B in UTF-8) and C1 NEL (U+0085); TAB;
// a lone CR; a newline inside a one-line field.
std::vector<std::string> const controls = {"张\0明\x1b[31m"s, "张\x7f" "明", "张\xc2\x9b" "2J明", "张\xc2\x85明",
                                           "张\t明", "张\r明", "张\n明"};

}  // namespace

TEST_CASE("a registration whose name holds NUL or a terminal escape is refused with 422 fields.name and nothing stored",
          "[hostile][text]") {
  test_server srv;
  auto event_id = id_of(srv.create_event({{"walk_ins", true}}));
  auto before = data_fingerprint(srv.db_path());
  auto staff = srv.as("staff");
  auto kiosk = srv.as_kiosk();
  auto path = event_path(event_id) + "/registrations";
  for (auto const& bad : controls) {
    INFO("text: " << json(bad).dump());
    require_invalid(staff.post(path, {{"name", bad}, {"phone", test_phone(1)}}), {"name"});
    require_invalid(staff.post(path, {{"name", "张明"}, {"phone", test_phone(1)}, {"organization", "医院" + bad}}),
                    {"organization"});
    require_invalid(staff.post(path, {{"name", "张明"}, {"phone", test_phone(1)}, {"category", bad}}), {"category"});
    require_invalid(kiosk.post(event_path(event_id) + "/walk-ins",
                               {{"name", bad}, {"phone", test_phone(2)}, {"nonce", new_nonce()}, {"consent", true}}),
                    {"name"});
  }
  CHECK(data_fingerprint(srv.db_path()) == before);
  CHECK(require_status(staff.get(path), 200)["total"] == 0);
  // Plain text, and a name whose only control characters are trimmed away, still register.
  CHECK(require_status(staff.post(path, {{"name", "  张明\r\n"}, {"phone", test_phone(3)}}), 201)["name"] == "张明");
}

TEST_CASE("an event description keeps its newlines while titles and names refuse control characters",
          "[hostile][text]") {
  test_server srv;
  auto admin = srv.as("admin");
  std::string description = "第一行\n第二行\r\n\n第三行";
  auto ev = require_status(admin.post("/api/v1/events", {{"title", "健康知识汇·科普智慧堂"},
                                                          {"kind", "lecture"},
                                                          {"starts_at", "2024-08-17T14:00:00+08:00"},
                                                          {"ends_at", "2024-08-17T16:00:00+08:00"},
                                                          {"description", description}}),
                           201);
  CHECK(ev["description"] == description);
  auto path = event_path(id_of(ev));
  CHECK(require_status(srv.as("staff").get(path), 200)["description"] == description);

  auto before = data_fingerprint(srv.db_path());
  for (auto const& bad : {"第一行\x1b[2J"s, "第一行\0"s, "一\r二"s, "一\t二"s, "一\xc2\x9b二"s}) {
    INFO("description: " << json(bad).dump());
    require_invalid(admin.patch(path, {{"description", bad}}), {"description"});
  }
  for (auto const& bad : controls) {
    INFO("text: " << json(bad).dump());
    require_invalid(admin.patch(path, {{"title", bad}}), {"title"});
    require_invalid(admin.patch(path, {{"venue", bad}}), {"venue"});
    require_invalid(admin.patch(path, {{"lead_departments", {"医政科", bad}}}), {"lead_departments"});
    require_invalid(admin.patch(path, {{"services", {"血压测量", bad}}}), {"services"});
    require_invalid(admin.patch(path, {{"sites", {bad}}}), {"sites"});
    require_invalid(admin.patch("/api/v1/programme", {{"title", bad}}), {"title"});
    require_invalid(admin.patch("/api/v1/programme", {{"theme", bad}}), {"theme"});
  }
  CHECK(data_fingerprint(srv.db_path()) == before);
  CHECK(require_status(srv.client().get("/api/v1/programme"), 200)["title"].get<std::string>().find('\x1b') ==
        std::string::npos);
}

TEST_CASE("unit names and accounts and devices and reasons refuse control characters", "[hostile][text]") {
  test_server srv;
  auto admin = srv.as("admin");
  auto staff = srv.as("staff");
  auto unit = require_status(admin.post("/api/v1/units", {{"name", "青浦区中心医院"}, {"kind", "hospital"}}), 201);
  auto event_id = id_of(srv.create_event({{"title", "全科医师技能竞赛"}, {"kind", "competition"}}));
  auto comp_path = event_path(event_id) + "/competition";
  auto comp = require_status(admin.put(comp_path, {{"items", {{{"name", "导尿术"}, {"max_score", 100}}}}}), 200);
  auto item_id = id_of(comp["items"][0]);
  auto person = srv.register_person(event_id, "王建华", test_phone(10));
  require_status(srv.as_kiosk().post("/api/v1/checkins", {{"code", person["code"]}, {"nonce", new_nonce()}, {"consent", true}}), 201);
  auto draw_path = comp_path + "/items/" + std::to_string(item_id) + "/draw";
  require_status(staff.post(draw_path, json::object()), 201);
  json score = {{"item_id", item_id}, {"registration_id", id_of(person)}, {"score", 90}};
  score["nonce"] = new_nonce();
  require_status(staff.post(comp_path + "/scores", score), 201);
  auto other = srv.register_person(srv.create_event()["id"].get<std::int64_t>(), "李桂英", test_phone(11));
  auto leave_path = "/api/v1/registrations/" + std::to_string(id_of(other)) + "/leave";

  auto units_before = require_status(admin.get("/api/v1/units"), 200);
  for (auto const& bad : controls) {
    INFO("text: " << json(bad).dump());
    require_invalid(admin.post("/api/v1/units", {{"name", "青浦" + bad + "医院"}, {"kind", "hospital"}}), {"name"});
    require_invalid(admin.patch("/api/v1/units/" + std::to_string(id_of(unit)), {{"name", bad}}), {"name"});
    require_invalid(staff.post(leave_path, {{"reason", "出差" + bad}}), {"reason"});
    require_invalid(admin.post("/api/v1/users", {{"username", "wang" + bad}, {"password", "a long password"},
                                                 {"role", "judge"}}),
                    {"username"});
    require_invalid(admin.post("/api/v1/devices", {{"name", "一号门" + bad}}), {"name"});
    require_invalid(admin.put(comp_path, {{"items", {{{"id", item_id}, {"name", "导尿术" + bad}, {"max_score", 100}}}}}),
                    {"items[0].name"});
    require_invalid(admin.put(comp_path, {{"items", {{{"id", item_id}, {"name", "导尿术"}, {"max_score", 100},
                                                      {"station", "A" + bad}}}}}),
                    {"items[0].station"});
    require_invalid(admin.post(draw_path, {{"redraw_reason", "重抽" + bad}}), {"redraw_reason"});
    score["nonce"] = new_nonce();
    score["reason"] = "更正" + bad;
    require_invalid(staff.post(comp_path + "/scores", score), {"reason"});
    require_invalid(admin.post(comp_path + "/unpublish", {{"reason", "撤回" + bad}}), {"reason"});
  }
  CHECK(require_status(admin.get("/api/v1/units"), 200) == units_before);
  CHECK(require_status(staff.get("/api/v1/registrations/" + std::to_string(id_of(other))), 200)["leave"].is_null());
  CHECK(require_status(admin.get("/api/v1/users"), 200)["items"].size() == 2);
  CHECK(require_status(admin.get(comp_path + "/scores"), 200)["items"].size() == 1);
  CHECK(require_status(admin.get(comp_path), 200)["items"][0]["name"] == "导尿术");
}

TEST_CASE("a CSV import rejects each line holding a control character by its line number", "[hostile][text]") {
  test_server srv;
  auto event_id = id_of(srv.create_event());
  auto staff = srv.as("staff");
  auto path = event_path(event_id) + "/registrations";
  std::string csv = "姓名,手机号,工作单位,类别\r\n" +
                    chinese_name(1) + "," + test_phone(1) + ",青浦区中心医院,doctor\r\n" +     // 2: good
                    "张\x1b[31m明," + test_phone(2) + ",青浦区中心医院,doctor\r\n" +           // 3: ESC
                    chinese_name(3) + "," + test_phone(3) + ",青浦\0医院,doctor\r\n"s +        // 4: NUL
                    chinese_name(4) + "," + test_phone(4) + ",青浦区中心医院,doc\xc2\x9btor\r\n" +  // 5: C1
                    chinese_name(5) + "," + test_phone(5) + ",青浦区中心医院,nurse\r\n" +       // 6: good
                    "\"王\n五\"," + test_phone(6) + ",青浦区中心医院,doctor\r\n";             // 7: newline
  for (bool dry_run : {true, false}) {
    INFO("dry run " << dry_run);
    auto r = require_status(staff.post_text(path + "/import" + (dry_run ? "?dry_run=1" : ""), csv,
                                            {{"Content-Type", "text/csv"}}),
                            200);
    INFO(r.dump());
    CHECK(r["accepted"] == 2);
    REQUIRE(r["rejected"].size() == 4);
    std::vector<std::pair<int, char const*>> const expected = {{3, "name"}, {4, "organization"}, {5, "category"},
                                                                {7, "name"}};
    for (std::size_t i = 0; i < expected.size(); ++i) {
      CHECK(r["rejected"][i]["line"] == expected[i].first);
      CHECK(r["rejected"][i]["reason"].get<std::string>().find(expected[i].second + ": "s) != std::string::npos);
    }
  }
  auto stored = require_status(staff.get(path), 200);
  CHECK(stored["total"] == 2);
  for (auto const& reg : stored["items"]) {
    auto text = reg.dump();
    CHECK(text.find("\\u001b") == std::string::npos);
    CHECK(text.find("\\u0000") == std::string::npos);
  }

  // Units the same way.
  auto admin = srv.as("admin");
  auto units = require_status(admin.post_text("/api/v1/units/import",
                                              "名称,类型\n青浦区中心医院,医院\n朱家角\x1b[2J医院,医院\n"),
                              200);
  CHECK(units["accepted"] == 1);
  REQUIRE(units["rejected"].size() == 1);
  CHECK(units["rejected"][0]["line"] == 3);
  CHECK(require_status(admin.get("/api/v1/units"), 200)["items"].size() == 1);
}
