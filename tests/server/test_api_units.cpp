// Work units, quotas, leave and attendance by unit, through the real server.
#include <catch2/catch.hpp>

#include "support/board_view.hpp"
#include "support/expect.hpp"
#include "support/test_server.hpp"
#include "support/ws_client.hpp"

using namespace qiandao::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::int64_t id_of(json const& j) { return j["id"].get<std::int64_t>(); }
std::string event_path(std::int64_t id) { return "/api/v1/events/" + std::to_string(id); }
std::string reg_path(std::int64_t id) { return "/api/v1/registrations/" + std::to_string(id); }

json make_unit(test_server& srv, std::string const& name, std::string const& kind,
               json parent = nullptr) {
  json body = {{"name", name}, {"kind", kind}};
  if (!parent.is_null()) body["parent_id"] = parent;
  return require_status(srv.as("admin").post("/api/v1/units", body), 201);
}

json check_in(test_server& srv, json const& reg) {
  return require_status(srv.as_kiosk().post("/api/v1/checkins", {{"code", reg["code"]}, {"nonce", new_nonce()}}), 201);
}

// The attendance row of one unit, by name.
json row_of(json const& units, std::string const& name) {
  for (auto const& r : units["items"])
    if (r["unit"] == name) return r;
  FAIL("no row for " << name << " in " << units.dump());
  return nullptr;
}

}  // namespace

TEST_CASE("units are created, named once, nested one level and listed by kind", "[units]") {
  test_server srv;
  auto admin = srv.as("admin");
  auto group = make_unit(srv, "青浦区示范医疗集团", "医联体");
  CHECK(group["kind"] == "group");
  CHECK(group["parent_id"].is_null());
  auto hospital = make_unit(srv, "青浦区示范第一医院", "hospital", group["id"]);
  CHECK(hospital["parent_id"] == group["id"]);
  CHECK(hospital["parent"] == "青浦区示范医疗集团");
  auto centre = make_unit(srv, "  湖滨社区卫生服务中心 ", "社区卫生服务中心");
  CHECK(centre["name"] == "湖滨社区卫生服务中心");
  CHECK(centre["kind"] == "community");

  auto dup = require_error(admin.post("/api/v1/units", {{"name", "湖滨社区卫生服务中心"}, {"kind", "hospital"}}), 409,
                           "duplicate");
  CHECK(dup["unit_id"] == centre["id"]);
  require_invalid(admin.post("/api/v1/units", {{"name", ""}, {"kind", "hospital"}}), {"name"});
  require_invalid(admin.post("/api/v1/units", {{"name", "某单位"}, {"kind", "bank"}}), {"kind"});
  require_invalid(admin.post("/api/v1/units", {{"name", "某单位"}}), {"kind"});
  require_invalid(admin.post("/api/v1/units", {{"name", std::string(101 * 3, 'x')}, {"kind", "other"}}), {"name"});
  require_invalid(admin.post("/api/v1/units", {{"name", "某单位"}, {"kind", "other"}, {"parent_id", 9999}}),
                  {"parent_id"});
  // One level deep: a child cannot be a parent, a parent cannot become a child, nor its own.
  require_invalid(admin.post("/api/v1/units", {{"name", "某科室"}, {"kind", "other"}, {"parent_id", hospital["id"]}}),
                  {"parent_id"});
  require_invalid(admin.patch("/api/v1/units/" + std::to_string(id_of(group)), {{"parent_id", centre["id"]}}),
                  {"parent_id"});
  require_invalid(admin.patch("/api/v1/units/" + std::to_string(id_of(centre)), {{"parent_id", centre["id"]}}),
                  {"parent_id"});
  require_invalid(admin.post("/api/v1/units", {{"name", 5}, {"kind", "other"}}), {"name"});
  require_error(admin.post_text("/api/v1/units", "{\"name\":"), 400, "malformed");

  auto renamed = require_status(
      admin.patch("/api/v1/units/" + std::to_string(id_of(centre)), {{"name", "湖滨街道社区卫生服务中心"}}), 200);
  CHECK(renamed["name"] == "湖滨街道社区卫生服务中心");
  CHECK(renamed["kind"] == "community");
  require_error(admin.patch("/api/v1/units/" + std::to_string(id_of(centre)), {{"name", "青浦区示范第一医院"}}), 409,
                "duplicate");
  auto detached = require_status(
      admin.patch("/api/v1/units/" + std::to_string(id_of(hospital)), {{"parent_id", nullptr}}), 200);
  CHECK(detached["parent_id"].is_null());
  require_error(admin.patch("/api/v1/units/9999", {{"name", "x"}}), 404, "not_found");

  // Listed group, hospital, community…; searchable; a kiosk may read the list, not change it.
  auto all = require_status(srv.as_kiosk().get("/api/v1/units"), 200)["items"];
  REQUIRE(all.size() == 3);
  CHECK(all[0]["kind"] == "group");
  CHECK(all[1]["kind"] == "hospital");
  CHECK(all[2]["kind"] == "community");
  auto found = require_status(srv.as("staff").get("/api/v1/units?q=" + url_encode("湖滨")), 200)["items"];
  REQUIRE(found.size() == 1);
  CHECK(found[0]["id"] == centre["id"]);
  CHECK(require_status(srv.as("staff").get("/api/v1/units?kind=hospital"), 200)["items"].size() == 1);
  CHECK(require_status(srv.as("staff").get("/api/v1/units?q=%25"), 200)["items"].empty());
  require_invalid(srv.as("staff").get("/api/v1/units?kind=bank"), {"kind"});
  require_error(srv.as("staff").post("/api/v1/units", {{"name", "某单位"}, {"kind", "other"}}), 403, "forbidden");
  require_error(srv.as_kiosk().post("/api/v1/units", {{"name", "某单位"}, {"kind", "other"}}), 403, "forbidden");
  require_error(srv.client().get("/api/v1/units"), 401, "unauthorized");
}

TEST_CASE("units are imported from CSV, parents in any order, by line", "[units]") {
  test_server srv;
  auto admin = srv.as("admin");
  make_unit(srv, "莲湖社区卫生服务中心", "other");
  std::string csv =
      "\xEF\xBB\xBF单位名称,类型,上级单位\r\n"
      "青浦区示范第一医院,医院,青浦区示范医疗集团\r\n"
      "青浦区示范医疗集团,医联体,\r\n"
      "莲湖社区卫生服务中心,社区卫生服务中心,\r\n"
      ",,\r\n"
      "某银行,银行,\r\n"
      "某诊所,其他,不存在的集团\r\n";
  auto dry = require_status(admin.post_text("/api/v1/units/import?dry_run=1", csv), 200);
  CHECK(dry["dry_run"] == true);
  CHECK(dry["accepted"] == 3);
  CHECK(dry["updated"] == 1);
  REQUIRE(dry["rejected"].size() == 2);
  CHECK(dry["rejected"][0]["line"] == 6);
  CHECK(dry["rejected"][1]["line"] == 7);
  CHECK(require_status(admin.get("/api/v1/units"), 200)["items"].size() == 1);  // nothing written

  auto done = require_status(admin.post_text("/api/v1/units/import", csv), 200);
  CHECK(done["accepted"] == 3);
  CHECK(done["updated"] == 1);
  auto units = require_status(admin.get("/api/v1/units"), 200)["items"];
  REQUIRE(units.size() == 4);
  std::map<std::string, json> by_name;
  for (auto const& u : units) by_name[u["name"]] = u;
  CHECK(by_name["青浦区示范第一医院"]["parent"] == "青浦区示范医疗集团");
  CHECK(by_name["莲湖社区卫生服务中心"]["kind"] == "community");
  CHECK(by_name["某诊所"]["kind"] == "other");  // kept, without the unknown parent
  CHECK(by_name["某诊所"]["parent_id"].is_null());

  require_error(admin.post_text("/api/v1/units/import", "姓名,手机号\n张三,13800000000\n"), 422, "missing_columns");
  require_error(admin.post_text("/api/v1/units/import", ""), 422, "empty");
  require_error(srv.as("staff").post_text("/api/v1/units/import", csv), 403, "forbidden");
}

TEST_CASE("registrations pick a unit or keep free text, and are found by unit", "[units]") {
  test_server srv;
  auto event_id = id_of(srv.create_event());
  auto hospital = make_unit(srv, "青浦区示范第一医院", "hospital");
  auto centre = make_unit(srv, "湖滨社区卫生服务中心", "community");

  auto picked = srv.register_person(event_id, "王建华", "13800000001", {{"unit_id", hospital["id"]}, {"organization", ""}});
  CHECK(picked["unit_id"] == hospital["id"]);
  CHECK(picked["organization"] == "青浦区示范第一医院");
  CHECK(picked["unit"] == "青浦区示范第一医院");
  auto typed = srv.register_person(event_id, "李桂英", "13800000002", {{"organization", "湖滨社区卫生服务中心"}});
  CHECK(typed["unit_id"] == centre["id"]);
  auto free_text = srv.register_person(event_id, "赵子涵", "13800000003", {{"organization", "湖滨街道居民"}});
  CHECK(free_text["unit_id"].is_null());
  CHECK(free_text["unit"].is_null());
  CHECK(free_text["organization"] == "湖滨街道居民");
  auto both = srv.register_person(event_id, "陈晓东", "13800000004",
                                  {{"unit_id", centre["id"]}, {"organization", "湖滨社区卫生服务中心 全科"}});
  CHECK(both["unit_id"] == centre["id"]);
  CHECK(both["organization"] == "湖滨社区卫生服务中心 全科");
  require_invalid(srv.as("staff").post(event_path(event_id) + "/registrations",
                                       {{"name", "周平"}, {"phone", "13800000005"}, {"unit_id", 9999}}),
                  {"unit_id"});
  require_invalid(srv.as("staff").post(event_path(event_id) + "/registrations",
                                       {{"name", "周平"}, {"phone", "13800000005"}, {"unit_id", "一院"}}),
                  {"unit_id"});

  // The spreadsheet import links by the organization column, like typed text.
  auto imported = require_status(
      srv.as("staff").post_text(event_path(event_id) + "/registrations/import",
                                "姓名,手机号,工作单位\n孙海燕,13800000006,青浦区示范第一医院\n"),
      200);
  CHECK(imported["accepted"] == 1);

  auto staff = srv.as("staff");
  auto by_hospital = require_status(
      staff.get(event_path(event_id) + "/registrations?unit_id=" + std::to_string(id_of(hospital))), 200);
  CHECK(by_hospital["total"] == 2);
  for (auto const& r : by_hospital["items"]) CHECK(r["unit_id"] == hospital["id"]);
  CHECK(require_status(staff.get(event_path(event_id) + "/registrations?unit_id=" + std::to_string(id_of(centre))),
                       200)["total"] == 2);
  require_invalid(staff.get(event_path(event_id) + "/registrations?unit_id=abc"), {"unit_id"});
}

TEST_CASE("quotas are set per unit or per kind, and only by admins", "[units]") {
  test_server srv;
  auto event_id = id_of(srv.create_event());
  auto hospital = make_unit(srv, "青浦区示范第一医院", "hospital");
  auto a = make_unit(srv, "湖滨社区卫生服务中心", "community");
  auto b = make_unit(srv, "莲湖社区卫生服务中心", "community");
  auto c = make_unit(srv, "淀湖社区卫生服务中心", "community");
  auto admin = srv.as("admin");
  auto path = event_path(event_id) + "/quotas";

  // A unit's own figure wins over its kind's, whatever the order given; 0 means none.
  auto set = require_status(admin.put(path, {{"items",
                                              {{{"unit_id", b["id"]}, {"expected", 8}},
                                               {{"unit_kind", "社区卫生服务中心"}, {"expected", 5}},
                                               {{"unit_id", c["id"]}, {"expected", 0}},
                                               {{"unit_id", hospital["id"]}, {"expected", 20}}}}}),
                            200);
  REQUIRE(set["items"].size() == 3);
  std::map<std::string, std::int64_t> expected;
  for (auto const& q : set["items"]) expected[q["unit"]] = q["expected"];
  CHECK(expected == std::map<std::string, std::int64_t>{
                        {"青浦区示范第一医院", 20}, {"湖滨社区卫生服务中心", 5}, {"莲湖社区卫生服务中心", 8}});
  CHECK(require_status(srv.as("staff").get(path), 200) == set);

  require_invalid(admin.put(path, {{"items", {{{"unit_id", a["id"]}, {"unit_kind", "community"}, {"expected", 1}}}}}),
                  {"items[0]"});
  require_invalid(admin.put(path, {{"items", {{{"unit_kind", "bank"}, {"expected", 1}}}}}), {"items[0].unit_kind"});
  require_invalid(admin.put(path, {{"items", {{{"unit_id", 9999}, {"expected", 1}}}}}), {"items[0].unit_id"});
  require_invalid(admin.put(path, {{"items", {{{"unit_id", a["id"]}, {"expected", -1}}}}}), {"items[0].expected"});
  require_invalid(admin.put(path, {{"items", {{{"unit_id", a["id"]}}}}}), {"items[0].expected"});
  require_invalid(admin.put(path, {{"items", "all"}}), {"items"});
  require_error(admin.put(event_path(9999) + "/quotas", {{"items", json::array()}}), 404, "not_found");
  require_error(srv.as("staff").put(path, {{"items", json::array()}}), 403, "forbidden");
  // Refusals changed nothing.
  CHECK(require_status(srv.as("staff").get(path), 200) == set);

  auto audit = require_status(admin.get("/api/v1/audit?limit=50"), 200);
  bool audited = false;
  for (auto const& row : audit["items"])
    if (row["action"] == "event.quotas") audited = true;
  CHECK(audited);

  CHECK(require_status(admin.put(path, {{"items", json::array()}}), 200)["items"].empty());
}

TEST_CASE("attendance by unit keeps late arrivals and leave apart from absence", "[units]") {
  test_server srv;
  // Starts in the past: every check-in now is late. The other event starts in 2030: on time.
  auto past_id = id_of(srv.create_event());
  auto future_id = id_of(srv.create_event({{"title", "健康科普大讲堂"},
                                           {"starts_at", "2030-08-19T09:00:00+08:00"},
                                           {"ends_at", "2030-08-19T11:00:00+08:00"}}));
  auto hospital = make_unit(srv, "青浦区示范第一医院", "hospital");
  auto centre = make_unit(srv, "湖滨社区卫生服务中心", "community");
  auto quiet = make_unit(srv, "莲湖社区卫生服务中心", "community");
  auto admin = srv.as("admin");
  for (auto id : {past_id, future_id})
    require_status(admin.put(event_path(id) + "/quotas",
                             {{"items", {{{"unit_kind", "community"}, {"expected", 3}},
                                         {{"unit_id", hospital["id"]}, {"expected", 2}}}}}),
                   200);

  for (auto id : {past_id, future_id}) {
    auto h1 = srv.register_person(id, "王建华", "13800000011", {{"unit_id", hospital["id"]}});
    auto h2 = srv.register_person(id, "李桂英", "13800000012", {{"unit_id", hospital["id"]}});
    auto h3 = srv.register_person(id, "张志强", "13800000013", {{"unit_id", hospital["id"]}});
    auto c1 = srv.register_person(id, "赵子涵", "13800000014", {{"unit_id", centre["id"]}});
    auto c2 = srv.register_person(id, "陈晓东", "13800000015", {{"unit_id", centre["id"]}});
    auto p1 = srv.register_person(id, "周平", "13800000016", {{"organization", "湖滨街道居民"}});
    check_in(srv, h1);
    check_in(srv, h2);
    check_in(srv, c1);
    check_in(srv, p1);
    // 请假 for one who will not come, and for one who comes anyway.
    auto staff = srv.as("staff");
    auto on_leave = require_status(staff.post(reg_path(id_of(c2)) + "/leave", {{"reason", "医院值班"}}), 200);
    CHECK(on_leave["leave"]["reason"] == "医院值班");
    CHECK(on_leave["leave"]["by"] == "user:staff");
    require_status(staff.post(reg_path(id_of(h3)) + "/leave", {{"reason", "外出培训"}}), 200);
    check_in(srv, h3);
    require_error(staff.post(reg_path(id_of(h1)) + "/leave", {{"reason", "值班"}}), 409, "checked_in");
  }

  auto staff = srv.as("staff");
  for (auto [id, late] : {std::pair{past_id, true}, std::pair{future_id, false}}) {
    INFO("event " << id);
    auto units = require_status(staff.get(event_path(id) + "/units"), 200);
    REQUIRE(units["items"].size() == 3);
    CHECK(units["items"][0]["unit"] == "青浦区示范第一医院");  // hospitals before community centres
    auto h = row_of(units, "青浦区示范第一医院");
    CHECK(h["expected"] == 2);
    CHECK(h["registered"] == 3);
    CHECK(h["checked_in"] == 3);  // the one on leave came anyway: present, not on leave
    CHECK(h["leave"] == 0);
    CHECK(h["absent"] == 0);
    CHECK(h["late"] == (late ? 3 : 0));
    CHECK(h["rate"].get<double>() == Approx(1.5));
    CHECK(h["below_quota"] == false);
    auto c = row_of(units, "湖滨社区卫生服务中心");
    CHECK(c["expected"] == 3);
    CHECK(c["registered"] == 2);
    CHECK(c["checked_in"] == 1);
    CHECK(c["leave"] == 1);
    CHECK(c["absent"] == 0);
    CHECK(c["rate"].get<double>() == Approx(1.0 / 3));
    CHECK(c["below_quota"] == true);
    auto q = row_of(units, "莲湖社区卫生服务中心");  // expected, sent nobody
    CHECK(q["unit_id"] == quiet["id"]);
    CHECK(q["registered"] == 0);
    CHECK(q["rate"].get<double>() == 0.0);
    CHECK(q["below_quota"] == true);
    CHECK(units["unassigned"]["registered"] == 1);
    CHECK(units["unassigned"]["checked_in"] == 1);
    CHECK(units["totals"]["expected"] == 8);
    CHECK(units["totals"]["registered"] == 6);
    CHECK(units["totals"]["checked_in"] == 5);
    CHECK(units["totals"]["late"] == (late ? 5 : 0));
    CHECK(units["totals"]["leave"] == 1);
    CHECK(units["totals"]["absent"] == 0);
  }
  require_error(staff.get(event_path(9999) + "/units"), 404, "not_found");
  require_error(srv.as_kiosk().get(event_path(past_id) + "/units"), 403, "forbidden");
}

TEST_CASE("leave needs a reason and a confirmed, absent registration, and clearing it is audited", "[units]") {
  test_server srv;
  auto event_id = id_of(srv.create_event({{"capacity", 1}, {"waitlist", true}}));
  auto first = srv.register_person(event_id, "王建华", "13800000021");
  auto waiting = srv.register_person(event_id, "李桂英", "13800000022");
  REQUIRE(waiting["status"] == "waitlisted");
  auto staff = srv.as("staff");
  auto path = reg_path(id_of(first)) + "/leave";

  require_invalid(staff.post(path, {{"reason", "  "}}), {"reason"});
  require_invalid(staff.post(path, json::object()), {"reason"});
  require_invalid(staff.post(path, {{"reason", std::string(201 * 3, 'x')}}), {"reason"});
  require_error(staff.post(reg_path(id_of(waiting)) + "/leave", {{"reason", "出差"}}), 409, "not_confirmed");
  require_error(staff.post(reg_path(9999) + "/leave", {{"reason", "出差"}}), 404, "not_found");
  require_error(srv.as_kiosk().post(path, {{"reason", "出差"}}), 403, "forbidden");

  require_status(staff.post(path, {{"reason", "出差"}}), 200);
  auto again = require_status(staff.post(path, {{"reason", "医院值班"}}), 200);
  CHECK(again["leave"]["reason"] == "医院值班");
  // Kiosks see no leave reason (it may be personal); staff do.
  auto scan = require_status(srv.as_kiosk().post("/api/v1/checkins", {{"code", first["code"]}, {"nonce", new_nonce()}}), 201);
  CHECK_FALSE(scan["registration"].contains("leave"));
  require_status(staff.del("/api/v1/checkins/" + std::to_string(scan["registration"]["checkin_id"].get<std::int64_t>())),
                 200);
  auto cleared = require_status(staff.del(path), 200);
  CHECK(cleared["leave"].is_null());
  CHECK(require_status(staff.del(path), 200)["leave"].is_null());  // clearing twice is harmless

  auto audit = require_status(srv.as("admin").get("/api/v1/audit?limit=50"), 200);
  int recorded = 0, cleared_rows = 0;
  for (auto const& row : audit["items"]) {
    if (row["action"] == "registration.leave") ++recorded;
    if (row["action"] == "registration.leave_cleared") ++cleared_rows;
    CHECK(row["detail"].get<std::string>().find("值班") == std::string::npos);  // reasons stay out of the log
  }
  CHECK(recorded == 2);
  CHECK(cleared_rows == 1);
}

TEST_CASE("the board ranks units by checked in over expected, live", "[units][board]") {
  test_server srv;
  auto event_id = id_of(srv.create_event());
  auto plain_id = id_of(srv.create_event({{"title", "签约仪式"}, {"kind", "other"}}));
  auto a = make_unit(srv, "湖滨社区卫生服务中心", "community");
  auto b = make_unit(srv, "莲湖社区卫生服务中心", "community");
  require_status(srv.as("admin").put(event_path(event_id) + "/quotas",
                                     {{"items", {{{"unit_id", a["id"]}, {"expected", 4}},
                                                 {{"unit_id", b["id"]}, {"expected", 2}}}}}),
                 200);
  std::vector<json> people;
  for (int i = 0; i < 3; ++i)
    people.push_back(srv.register_person(event_id, chinese_name(i), test_phone(i), {{"unit_id", a["id"]}}));
  people.push_back(srv.register_person(event_id, chinese_name(10), test_phone(10), {{"unit_id", b["id"]}}));
  check_in(srv, people[0]);
  check_in(srv, people[1]);

  ws_client board(srv.port());
  board_view view;
  auto first = board.read_json(5s);
  REQUIRE(first);
  view.apply(*first);
  REQUIRE(view.events.count(event_id));
  CHECK_FALSE(view.events[plain_id].contains("units"));
  auto units = view.events[event_id]["units"];
  REQUIRE(units.size() == 2);
  CHECK(units[0]["unit"] == "湖滨社区卫生服务中心");  // 2/4 beats 0/2
  CHECK(units[0]["checked_in"] == 2);
  CHECK(units[0]["expected"] == 4);
  CHECK(units[0]["rate"].get<double>() == Approx(0.5));

  check_in(srv, people[3]);  // 1/2 = 0.5 ties 2/4: more people checked in ranks first
  check_in(srv, people[2]);  // 3/4 > 1/2
  for (int i = 0; i < 20; ++i) {
    if (view.events[event_id]["units"][0]["checked_in"] == 3) break;
    auto f = board.read_json(2s);
    REQUIRE(f);
    view.apply(*f);
  }
  units = view.events[event_id]["units"];
  CHECK(units[0]["unit"] == "湖滨社区卫生服务中心");
  CHECK(units[0]["checked_in"] == 3);
  CHECK(units[1]["unit"] == "莲湖社区卫生服务中心");
  CHECK(units[1]["checked_in"] == 1);
  CHECK(units[1]["rate"].get<double>() == Approx(0.5));

  // The same rows through GET /api/v1/board, and no personal data anywhere.
  auto snap = srv.client().get("/api/v1/board");
  auto j = require_status(snap, 200);
  for (auto const& e : j["events"])
    if (e["id"] == event_id) CHECK(e["units"] == units);
  require_private(snap.body, people);
}
