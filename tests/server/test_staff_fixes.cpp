// Staff fix things (issue 11): a registration corrected keeping its code and ticket,
// accounts disabled, enabled and given new passwords (also from the command line), the
// audit log searched, the "registered, not yet checked in" list, and exports that keep
// every digit of ID and phone numbers (XLSX read back, CSV imported back).
#include <catch2/catch.hpp>
#include <fstream>

#include "support/child_server.hpp"
#include "support/expect.hpp"
#include "support/test_server.hpp"
#include "support/xlsx_reader.hpp"

using namespace qiandao::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

std::string regs(std::int64_t event_id) { return "/api/v1/events/" + std::to_string(event_id) + "/registrations"; }
std::string reg(std::int64_t id) { return "/api/v1/registrations/" + std::to_string(id); }
std::int64_t id_of(json const& j) { return j["id"].get<std::int64_t>(); }

std::int64_t user_id(test_server& srv, std::string const& name) {
  auto users = require_status(srv.as("admin").get("/api/v1/users"), 200);
  for (auto const& u : users["items"])
    if (u["username"] == name) return id_of(u);
  throw std::runtime_error("no user " + name);
}

// A client signed in afresh (its own session), or the status of the failed sign-in.
std::optional<http_client> sign_in(test_server& srv, std::string const& user, std::string const& password) {
  auto c = srv.client();
  auto res = c.post("/api/v1/login", {{"username", user}, {"password", password}});
  if (res.status != 200) return std::nullopt;
  auto cookie = res.header("Set-Cookie").value_or("");
  c.set_header("Cookie", cookie.substr(0, cookie.find(';')));
  return c;
}

json audit(test_server& srv, std::string const& query) {
  return require_status(srv.as("admin").get("/api/v1/audit?" + query), 200);
}

}  // namespace

TEST_CASE("an edited registration keeps its code, and the printed ticket still checks in", "[staff]") {
  test_server srv;
  auto event_id = id_of(srv.create_event());
  auto r = srv.register_person(event_id, "张晓明", "13800000000", {{"organization", "青浦区中心医院"}});
  std::string id_number = resident_id("31011819800101123");
  auto edited = require_status(srv.as("staff").patch(reg(id_of(r)), {{"name", "张小明"},
                                                                     {"phone", "139-1111-1111"},
                                                                     {"id_number", id_number},
                                                                     {"category", "doctor"}}),
                               200);
  CHECK(edited["code"] == r["code"]);
  CHECK(edited["name"] == "张小明");
  CHECK(edited["phone"] == "13911111111");
  CHECK(edited["id_number"] == id_number);
  CHECK(edited["category"] == "doctor");
  CHECK(edited["organization"] == "青浦区中心医院");
  CHECK(edited["status"] == "confirmed");

  auto row = audit(srv, "action=registration.edit")["items"].at(0);
  CHECK(row["target"] == "registration:" + std::to_string(id_of(r)));
  auto detail = row["detail"].get<std::string>();
  CHECK(detail.find("name 张*明→张*明") != std::string::npos);
  CHECK(detail.find("phone 138****0000→139****1111") != std::string::npos);
  CHECK(detail.find("id_number —→310") != std::string::npos);
  CHECK_FALSE(has_phone_like(detail));
  CHECK(detail.find("张小明") == std::string::npos);
  CHECK(detail.find(id_number) == std::string::npos);

  // The ticket printed before the edit is the same ticket.
  auto in = require_status(srv.as_kiosk().post("/api/v1/checkins", {{"code", r["code"]}, {"nonce", new_nonce()}}), 201);
  CHECK(require_status(srv.as("staff").get(reg(id_of(r))), 200)["checked_in_at"].is_string());
  CHECK(in.dump().find("13911111111") == std::string::npos);  // the kiosk's answer stays masked
  // Nothing changed: no second audit row.
  require_status(srv.as("staff").patch(reg(id_of(r)), {{"name", "张小明"}}), 200);
  CHECK(audit(srv, "action=registration.edit")["total"] == 1);
}

TEST_CASE("an edit is checked like a sign-up: duplicate phone 409, bad fields 422", "[staff]") {
  test_server srv;
  auto event_id = id_of(srv.create_event());
  auto a = srv.register_person(event_id, "王丽", "13900000001");
  auto b = srv.register_person(event_id, "李文", "13900000002");
  auto staff = srv.as("staff");
  auto dup = require_error(staff.patch(reg(id_of(b)), {{"phone", "13900000001"}}), 409, "duplicate");
  CHECK(dup["registration_id"] == id_of(a));
  require_invalid(staff.patch(reg(id_of(b)), {{"phone", "12345"}, {"name", ""}, {"id_number", "110101199001011234"}}),
                  {"phone", "name", "id_number"});
  require_invalid(staff.patch(reg(id_of(b)), {{"code", "AAAA"}}), {"code"});
  require_invalid(staff.patch(reg(id_of(b)), {{"name", 5}}), {"name"});
  require_error(staff.patch(reg(999999), {{"name", "赵六"}}), 404, "not_found");
  require_error(srv.as_kiosk().patch(reg(id_of(b)), {{"name", "赵六"}}), 403, "forbidden");
  // A cancelled registration frees its phone for another one.
  require_status(staff.post(reg(id_of(a)) + "/cancel", json::object()), 200);
  require_error(staff.patch(reg(id_of(a)), {{"name", "王丽丽"}}), 409, "already_cancelled");
  CHECK(require_status(staff.patch(reg(id_of(b)), {{"phone", "13900000001"}}), 200)["phone"] == "13900000001");
  // A unit picked from the list names the organization.
  auto unit = require_status(srv.as("admin").post("/api/v1/units", {{"name", "朱家角社区卫生服务中心"}, {"kind", "community"}}), 201);
  auto linked = require_status(staff.patch(reg(id_of(b)), {{"unit_id", id_of(unit)}}), 200);
  CHECK(linked["unit_id"] == id_of(unit));
  CHECK(linked["organization"] == "朱家角社区卫生服务中心");
}

TEST_CASE("a disabled user is signed out at once, enabled again, passwords reset and changed", "[staff]") {
  test_server srv;
  auto admin = srv.as("admin");
  auto staff_id = user_id(srv, "staff");
  auto staff = srv.as("staff");
  require_status(staff.get("/api/v1/me"), 200);

  auto off = require_status(admin.patch("/api/v1/users/" + std::to_string(staff_id), {{"disabled", true}}), 200);
  CHECK(off["disabled"] == true);
  require_error(staff.get("/api/v1/me"), 401, "unauthorized");
  CHECK_FALSE(sign_in(srv, "staff", test_server::password("staff")));
  bool listed = false;
  auto users = require_status(admin.get("/api/v1/users"), 200);
  for (auto const& u : users["items"])
    if (u["username"] == "staff") listed = u["disabled"] == true;
  CHECK(listed);

  require_status(admin.patch("/api/v1/users/" + std::to_string(staff_id), {{"disabled", false}}), 200);
  auto again = sign_in(srv, "staff", test_server::password("staff"));
  REQUIRE(again);
  require_status(again->get("/api/v1/me"), 200);

  // An admin's reset: the old password and the old session stop working.
  require_invalid(admin.post("/api/v1/users/" + std::to_string(staff_id) + "/password", {{"password", "short"}}), {"password"});
  require_status(admin.post("/api/v1/users/" + std::to_string(staff_id) + "/password", {{"password", "reset-by-admin-1"}}), 200);
  require_error(again->get("/api/v1/me"), 401, "unauthorized");
  CHECK_FALSE(sign_in(srv, "staff", test_server::password("staff")));
  auto fresh = sign_in(srv, "staff", "reset-by-admin-1");
  REQUIRE(fresh);
  auto other = sign_in(srv, "staff", "reset-by-admin-1");
  REQUIRE(other);

  // One's own change needs the current password; the other sessions end, this one stays.
  require_invalid(fresh->post("/api/v1/me/password", {{"current_password", "wrong-password-1"}, {"new_password", "my-own-secret-2"}}),
                  {"current_password"});
  require_status(fresh->post("/api/v1/me/password", {{"current_password", "reset-by-admin-1"}, {"new_password", "my-own-secret-2"}}), 200);
  require_status(fresh->get("/api/v1/me"), 200);
  require_error(other->get("/api/v1/me"), 401, "unauthorized");
  CHECK(sign_in(srv, "staff", "my-own-secret-2"));

  // An admin cannot lock themself out, nor the commission out of its last admin account.
  auto admin_id = user_id(srv, "admin");
  require_error(admin.patch("/api/v1/users/" + std::to_string(admin_id), {{"disabled", true}}), 409, "self");
  require_invalid(admin.patch("/api/v1/users/" + std::to_string(staff_id), {{"disabled", "yes"}}), {"disabled"});
  require_error(staff.patch("/api/v1/users/" + std::to_string(admin_id), {{"disabled", true}}), 401, "unauthorized");
  require_error(fresh->patch("/api/v1/users/" + std::to_string(admin_id), {{"disabled", true}}), 403, "forbidden");
  auto second_id = id_of(require_status(
      admin.post("/api/v1/users", {{"username", "second"}, {"password", "second-admin-1"}, {"role", "admin"}}), 201));
  auto second = sign_in(srv, "second", "second-admin-1");
  REQUIRE(second);
  require_status(second->patch("/api/v1/users/" + std::to_string(admin_id), {{"disabled", true}}), 200);
  require_error(second->patch("/api/v1/users/" + std::to_string(second_id), {{"disabled", true}}), 409, "self");

  auto log = require_status(second->get("/api/v1/audit?action=user."), 200);  // "admin" is disabled now
  std::set<std::string> actions;
  for (auto const& row : log["items"]) actions.insert(row["action"].get<std::string>());
  for (auto const* a : {"user.disable", "user.enable", "user.password_reset", "user.password_change"})
    CHECK(actions.count(a) == 1);
}

TEST_CASE("qiandao user passwd gives a locked-out user a new password and enables the account", "[staff]") {
  test_server srv;
  auto staff_id = user_id(srv, "staff");
  require_status(srv.as("admin").patch("/api/v1/users/" + std::to_string(staff_id), {{"disabled", true}}), 200);
  temp_dir dir;
  auto input = dir.file("password.txt");
  std::ofstream(input) << "rescued-password-9\n";
  auto code = run_qiandao({"user", "passwd", "staff", "--db", srv.db_path()}, dir.file("passwd.log"), 60s, input);
  REQUIRE(code == 0);
  auto c = sign_in(srv, "staff", "rescued-password-9");
  REQUIRE(c);
  CHECK(require_status(c->get("/api/v1/me"), 200)["user"]["username"] == "staff");
  CHECK(audit(srv, "action=user.password_reset&actor=cli")["total"] == 1);
  CHECK(run_qiandao({"user", "passwd", "nobody", "--db", srv.db_path()}, dir.file("passwd.log"), 60s, input) == 1);
  std::ofstream(input) << "short\n";
  CHECK(run_qiandao({"user", "passwd", "staff", "--db", srv.db_path()}, dir.file("passwd.log"), 60s, input) == 1);
}

TEST_CASE("the audit log filters by action, actor and date, newest first and paged", "[staff]") {
  test_server srv;
  auto event_id = id_of(srv.create_event());
  for (int i = 0; i < 5; ++i) srv.register_person(event_id, chinese_name(i), test_phone(i));
  auto all = audit(srv, "action=registration.create");
  CHECK(all["total"] == 5);
  REQUIRE(all["items"].size() == 5);
  CHECK(all["items"][0]["id"].get<std::int64_t>() > all["items"][4]["id"].get<std::int64_t>());
  for (auto const& row : all["items"]) CHECK(row["actor"] == "user:staff");
  auto page = audit(srv, "action=registration.create&limit=2&offset=2");
  CHECK(page["total"] == 5);
  REQUIRE(page["items"].size() == 2);
  CHECK(page["items"][0]["id"] == all["items"][2]["id"]);
  CHECK(audit(srv, "actor=staff&action=event.")["total"] == 0);
  CHECK(audit(srv, "actor=admin&action=event.")["total"].get<int>() >= 1);
  auto today = all["items"][0]["at"].get<std::string>().substr(0, 10);
  CHECK(audit(srv, "action=registration.create&from=" + today + "&to=" + today)["total"] == 5);
  CHECK(audit(srv, "action=registration.create&to=2000-01-01")["total"] == 0);
  CHECK(audit(srv, "action=registration.create&from=2999-01-01")["total"] == 0);
  CHECK(audit(srv, "actor=" + url_encode("%"))["total"] == 0);  // a wildcard is just a character
  require_invalid(srv.as("admin").get("/api/v1/audit?from=yesterday"), {"from"});
  require_invalid(srv.as("admin").get("/api/v1/audit?limit=0"), {"limit"});
  require_error(srv.as("staff").get("/api/v1/audit?action=user"), 403, "forbidden");
}

TEST_CASE("registered, not yet checked in: the list, the CSV and the XLSX keep every digit", "[staff]") {
  test_server srv;
  auto event_id = id_of(srv.create_event({{"capacity", 4}, {"waitlist", true}}));
  auto staff = srv.as("staff");
  std::vector<json> people;
  for (int i = 0; i < 5; ++i) {
    std::string id = resident_id("3101181980010" + std::to_string(1000 + i));
    people.push_back(srv.register_person(event_id, chinese_name(i), test_phone(i), {{"id_number", id}}));
  }
  // 0 checked in, 1 on leave, 2 and 3 still expected, 4 waitlisted.
  require_status(srv.as_kiosk().post("/api/v1/checkins", {{"code", people[0]["code"]}, {"nonce", new_nonce()}}), 201);
  require_status(staff.post(reg(id_of(people[1])) + "/leave", {{"reason", "值班"}}), 200);
  CHECK(people[4]["status"] == "waitlisted");
  auto list = require_status(staff.get(regs(event_id) + "?not_checked_in=1"), 200);
  CHECK(list["total"] == 2);
  std::set<std::int64_t> ids;
  for (auto const& r : list["items"]) ids.insert(id_of(r));
  CHECK(ids == std::set<std::int64_t>{id_of(people[2]), id_of(people[3])});
  CHECK(require_status(staff.get(regs(event_id) + "?not_checked_in=0"), 200)["total"] == 5);

  auto admin = srv.as("admin");
  auto csv = admin.get(regs(event_id) + ".csv?not_checked_in=1");
  REQUIRE(csv.status == 200);
  CHECK(csv.header("Content-Disposition").value_or("").find("not-checked-in") != std::string::npos);
  CHECK(csv.body.find(std::string("\"=\"\"") + people[2]["phone"].get<std::string>() + "\"\"\"") != std::string::npos);
  CHECK(csv.body.find(std::string("\"=\"\"") + people[3]["id_number"].get<std::string>() + "\"\"\"") != std::string::npos);
  CHECK(csv.body.find(people[0]["name"].get<std::string>()) == std::string::npos);

  // The CSV export imports back into another event with every digit.
  auto other = id_of(srv.create_event({{"title", "第二场"}}));
  auto imported = require_status(staff.post_text(regs(other) + "/import", csv.body), 200);
  CHECK(imported["accepted"] == 2);
  CHECK(imported["rejected"].empty());
  auto landed = require_status(staff.get(regs(other)), 200);
  for (auto const& r : landed["items"]) {
    CHECK(r["phone"].get<std::string>().size() == 11);
    CHECK(r["id_number"].get<std::string>().size() == 18);
  }

  auto xlsx = admin.get(regs(event_id) + ".xlsx");
  REQUIRE(xlsx.status == 200);
  CHECK(xlsx.header("Content-Type") == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  temp_dir dir;
  std::ofstream(dir.file("list.xlsx"), std::ios::binary) << xlsx.body;
  auto book = read_xlsx(dir.file("list.xlsx"));
  auto const& sheet = book.sheets.at(0);
  REQUIRE(sheet.cell(1, 1)->text == "手机号");
  REQUIRE(sheet.cell(1, 4)->text == "身份证号");
  CHECK(sheet.last_row() == 6);
  for (int row = 2; row <= sheet.last_row(); ++row) {
    auto const* phone = sheet.cell(row, 1);
    auto const* id = sheet.cell(row, 4);
    REQUIRE(phone);
    REQUIRE(id);
    CHECK_FALSE(phone->number);
    CHECK_FALSE(id->number);
    CHECK(phone->text.size() == 11);
    CHECK(id->text.size() == 18);
  }
  std::ofstream(dir.file("absent.xlsx"), std::ios::binary) << admin.get(regs(event_id) + ".xlsx?not_checked_in=1").body;
  CHECK(read_xlsx(dir.file("absent.xlsx")).sheets.at(0).last_row() == 3);
  require_error(staff.get(regs(event_id) + ".xlsx"), 403, "forbidden");
  require_invalid(admin.get(regs(event_id) + ".xlsx?status=gone"), {"status"});
  auto exports = audit(srv, "action=registration.export");
  CHECK(exports["total"] == 3);
  CHECK(exports["items"][0]["detail"].get<std::string>().find("not checked in") != std::string::npos);
}

TEST_CASE("competition results export as XLSX", "[staff]") {
  test_server srv;
  auto event_id = id_of(srv.create_event({{"title", "全科医师技能竞赛"}, {"kind", "competition"}}));
  std::string base = "/api/v1/events/" + std::to_string(event_id) + "/competition";
  auto comp = require_status(srv.as("admin").put(base, {{"items", {{{"name", "导尿术"}, {"max_score", 100}, {"judges", 1}}}}}), 200);
  auto item = std::to_string(comp["items"][0]["id"].get<std::int64_t>());
  auto person = srv.register_person(event_id, "张晓明", "13800000001",
                                    {{"organization", "朱家角社区卫生服务中心"}, {"category", "competitor"}});
  require_status(srv.as_kiosk().post("/api/v1/checkins", {{"code", person["code"]}, {"nonce", new_nonce()}}), 201);
  require_status(srv.as("staff").post(base + "/items/" + item + "/draw", json::object()), 201);  // on the board from now
  auto res = srv.as("admin").get(base + "/results.xlsx");
  REQUIRE(res.status == 200);
  temp_dir dir;
  std::ofstream(dir.file("results.xlsx"), std::ios::binary) << res.body;
  auto book = read_xlsx(dir.file("results.xlsx"));
  REQUIRE(book.sheets.size() == 2);
  auto const& people = book.sheets.at(0);
  REQUIRE(people.cell(1, 3));
  CHECK(people.cell(1, 3)->text == "导尿术");
  REQUIRE(people.cell(2, 1));
  CHECK(people.cell(2, 1)->text == "张晓明");
  require_error(srv.as("staff").get(base + "/results.xlsx"), 403, "forbidden");
  auto lecture = id_of(srv.create_event({{"title", "讲座"}}));
  require_error(srv.as("admin").get("/api/v1/events/" + std::to_string(lecture) + "/competition/results.xlsx"), 404,
                "not_competition");
}
