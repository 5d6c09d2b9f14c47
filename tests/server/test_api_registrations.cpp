// Sign-ups through the API: validation, duplicates, capacity and waitlist, cancel with
// promotion, search and paging, and who may do each.
#include <catch2/catch.hpp>

#include "support/expect.hpp"
#include "support/test_server.hpp"

using namespace qiandao::test;
using nlohmann::json;

namespace {

std::string regs(std::int64_t event_id) { return "/api/v1/events/" + std::to_string(event_id) + "/registrations"; }
std::string reg(std::int64_t id) { return "/api/v1/registrations/" + std::to_string(id); }
std::int64_t id_of(json const& j) { return j["id"].get<std::int64_t>(); }

}  // namespace

TEST_CASE("staff register a participant and the answer is complete and normalised", "[registrations]") {
  test_server srv;
  auto event_id = id_of(srv.create_event());
  auto staff = srv.as("staff");
  std::string id_number = resident_id("31011819800101123");
  auto res = staff.post(regs(event_id), {{"name", " 张晓明 "},
                                         {"phone", "+86 138-0013-8000"},
                                         {"organization", "青浦区中心医院"},
                                         {"category", "doctor"},
                                         {"id_number", id_number}});
  auto r = require_status(res, 201);
  CHECK(r["event_id"] == event_id);
  CHECK(r["name"] == "张晓明");
  CHECK(r["phone"] == "13800138000");
  CHECK(r["organization"] == "青浦区中心医院");
  CHECK(r["category"] == "doctor");
  CHECK(r["id_number"] == id_number);
  CHECK(r["status"] == "confirmed");
  CHECK(r["source"] == "staff");
  CHECK(r["checked_in_at"].is_null());
  REQUIRE(r["code"].is_string());
  auto code = r["code"].get<std::string>();
  CHECK(code.size() >= 26);  // ≥ 128 random bits in base 32
  CHECK(has_code_like(code));
  CHECK(r["created_at"].get<std::string>().ends_with("+08:00"));

  auto again = require_status(staff.get(reg(id_of(r))), 200);
  CHECK(again == r);
  CHECK(srv.register_person(event_id, "王丽", "13900000002")["category"] == "public");

  // Two tickets never share a code.
  auto other = srv.register_person(event_id, "李文", "13900000003");
  CHECK(other["code"] != r["code"]);

  // The audit log records the sign-up without the full phone number or name.
  auto audit = require_status(srv.as("admin").get("/api/v1/audit"), 200).dump();
  CHECK(audit.find("registration.create") != std::string::npos);
  CHECK(audit.find("13800138000") == std::string::npos);
  CHECK(audit.find("张晓明") == std::string::npos);
}

TEST_CASE("registration fields are validated with 422 naming each bad field", "[registrations]") {
  test_server srv;
  auto event_id = id_of(srv.create_event());
  auto staff = srv.as("staff");
  auto post = [&](json const& b) { return staff.post(regs(event_id), b); };
  require_invalid(post({{"name", "张晓明"}, {"phone", "12345"}}), {"phone"});
  require_invalid(post({{"name", "张晓明"}, {"phone", "12800138000"}}), {"phone"});
  require_invalid(post({{"name", "张晓明"}, {"phone", "138001380001"}}), {"phone"});
  require_invalid(post({{"name", "张晓明"}}), {"phone"});
  require_invalid(post({{"phone", "13800138000"}}), {"name"});
  require_invalid(post({{"name", "  "}, {"phone", "13800138000"}}), {"name"});
  require_invalid(post({{"name", std::string(51 * 3, 'a')}, {"phone", "13800138000"}}), {"name"});
  require_invalid(post({{"name", "张晓明"}, {"phone", "13800138000"}, {"id_number", "310118198001011234"}}),
                  {"id_number"});  // wrong check character
  require_invalid(post({{"name", "张晓明"}, {"phone", "13800138000"}, {"id_number", "31011819800230123X"}}),
                  {"id_number"});  // 30 February
  require_invalid(post({{"name", 12}, {"phone", 13800138000LL}}), {"name", "phone"});
  require_invalid(post({{"phone", "abc"}, {"id_number", "123"}}), {"name", "phone", "id_number"});

  require_error(staff.post_text(regs(event_id), "{\"name\": \"张\""), 400, "malformed");
  require_error(staff.post_text(regs(event_id), "\"张晓明\""), 400, "malformed");
  require_error(staff.post_text(regs(event_id), std::string(100, '[') + std::string(100, ']')), 400,
                "malformed");
  require_error(staff.post(regs(9999), {{"name", "张晓明"}, {"phone", "13800138000"}}), 404, "not_found");
  CHECK(require_status(staff.get(regs(event_id)), 200)["total"] == 0);
}

TEST_CASE("the same phone cannot register twice for an event: 409 duplicate with the id", "[registrations]") {
  test_server srv;
  auto event_id = id_of(srv.create_event());
  auto other_event = id_of(srv.create_event({{"title", "心理减压沙龙"}, {"kind", "salon"}}));
  auto first = srv.register_person(event_id, "张晓明", "13800138000");
  auto dup = srv.as("staff").post(regs(event_id), {{"name", "张小明"}, {"phone", "138 0013 8000"}});
  auto e = require_error(dup, 409, "duplicate");
  CHECK(e["registration_id"] == first["id"]);

  // Another event is another list; a cancelled registration frees the number.
  srv.register_person(other_event, "张晓明", "13800138000");
  require_status(srv.as("staff").post(reg(id_of(first)) + "/cancel", json::object()), 200);
  auto again = srv.register_person(event_id, "张晓明", "13800138000");
  CHECK(again["id"] != first["id"]);
}

TEST_CASE("capacity: event_full without a waitlist and waitlisted with one and cancel promotes", "[registrations]") {
  test_server srv;
  auto staff = srv.as("staff");
  auto full_id = id_of(srv.create_event({{"capacity", 1}, {"waitlist", false}}));
  srv.register_person(full_id, "王建国", "13900000001");
  require_error(staff.post(regs(full_id), {{"name", "李海平"}, {"phone", "13900000002"}}), 409, "event_full");

  auto wl_id = id_of(srv.create_event({{"title", "健康知识汇·科普智慧堂"}, {"kind", "lecture"}, {"capacity", 1}, {"waitlist", true}}));
  auto a = srv.register_person(wl_id, "王建国", "13900000001");
  auto b = srv.register_person(wl_id, "李海平", "13900000002");
  auto c = srv.register_person(wl_id, "赵志华", "13900000003");
  CHECK(a["status"] == "confirmed");
  CHECK(b["status"] == "waitlisted");
  CHECK(c["status"] == "waitlisted");
  auto ev = require_status(staff.get("/api/v1/events/" + std::to_string(wl_id)), 200);
  CHECK(ev["counts"] == json({{"registered", 1}, {"waitlisted", 2}, {"checked_in", 0}}));

  auto cancelled = require_status(staff.post(reg(id_of(a)) + "/cancel", json::object()), 200);
  CHECK(cancelled["status"] == "cancelled");
  CHECK(require_status(staff.get(reg(id_of(b))), 200)["status"] == "confirmed");  // the oldest first
  CHECK(require_status(staff.get(reg(id_of(c))), 200)["status"] == "waitlisted");
  ev = require_status(staff.get("/api/v1/events/" + std::to_string(wl_id)), 200);
  CHECK(ev["counts"] == json({{"registered", 1}, {"waitlisted", 1}, {"checked_in", 0}}));

  require_error(staff.post(reg(id_of(a)) + "/cancel", json::object()), 409, "already_cancelled");
  require_status(staff.post(reg(id_of(c)) + "/cancel", json::object()), 200);
  ev = require_status(staff.get("/api/v1/events/" + std::to_string(wl_id)), 200);
  CHECK(ev["counts"] == json({{"registered", 1}, {"waitlisted", 0}, {"checked_in", 0}}));
  require_error(staff.post(reg(9999) + "/cancel", json::object()), 404, "not_found");
  require_error(staff.get(reg(9999)), 404, "not_found");
}

TEST_CASE("a checked-in registration cannot be cancelled until the check-in is undone", "[registrations]") {
  test_server srv;
  auto event_id = id_of(srv.create_event());
  auto r = srv.register_person(event_id, "周春芳", "13700000001");
  auto staff = srv.as("staff");
  auto in = require_status(staff.post("/api/v1/checkins", {{"code", r["code"]}, {"nonce", new_nonce()}}), 201);
  require_error(staff.post(reg(id_of(r)) + "/cancel", json::object()), 409, "checked_in");
  auto checkin_id = in["registration"]["checkin_id"].get<std::int64_t>();
  require_status(staff.del("/api/v1/checkins/" + std::to_string(checkin_id)), 200);
  require_status(staff.post(reg(id_of(r)) + "/cancel", json::object()), 200);
}

TEST_CASE("search finds by name or phone or organization or code and filters by status and pages", "[registrations]") {
  test_server srv;
  auto event_id = id_of(srv.create_event({{"capacity", 10}, {"waitlist", true}}));
  std::vector<json> people;
  for (int i = 0; i < 12; ++i)
    people.push_back(srv.register_person(event_id, chinese_name(i), test_phone(i),
                                         {{"organization", i % 2 ? "赵巷社区卫生服务中心" : "青浦区中心医院"}}));
  auto staff = srv.as("staff");
  auto get = [&](std::string const& query) { return require_status(staff.get(regs(event_id) + query), 200); };

  auto all = get("");
  CHECK(all["total"] == 12);
  CHECK(all["items"].size() == 12);
  CHECK(all["limit"] == 50);
  CHECK(all["offset"] == 0);
  CHECK(all["items"][0]["phone"] == test_phone(0));  // staff see data whole

  auto by_name = get("?q=" + url_encode(chinese_name(3)));
  REQUIRE(by_name["total"] == 1);
  CHECK(by_name["items"][0]["id"] == people[3]["id"]);
  auto by_phone = get("?q=" + test_phone(7).substr(5));
  REQUIRE(by_phone["total"] == 1);
  CHECK(by_phone["items"][0]["id"] == people[7]["id"]);
  auto by_org = get("?q=%E8%B5%B5%E5%B7%B7");  // 赵巷, URL-encoded
  CHECK(by_org["total"] == 6);
  auto by_code = get("?q=" + people[5]["code"].get<std::string>());
  REQUIRE(by_code["total"] == 1);
  CHECK(by_code["items"][0]["id"] == people[5]["id"]);
  CHECK(get("?q=nobody-here")["total"] == 0);
  CHECK(get("?q=%25")["total"] == 0);  // a literal %, not a wildcard

  auto waiting = get("?status=waitlisted");
  CHECK(waiting["total"] == 2);
  for (auto const& item : waiting["items"]) CHECK(item["status"] == "waitlisted");
  CHECK(get("?status=confirmed")["total"] == 10);

  auto page = get("?limit=5&offset=10");
  CHECK(page["total"] == 12);
  CHECK(page["limit"] == 5);
  CHECK(page["offset"] == 10);
  REQUIRE(page["items"].size() == 2);
  CHECK(page["items"][0]["id"] == people[10]["id"]);
  CHECK(page["items"][1]["id"] == people[11]["id"]);

  require_invalid(staff.get(regs(event_id) + "?status=maybe"), {"status"});
  require_invalid(staff.get(regs(event_id) + "?limit=0"), {"limit"});
  require_invalid(staff.get(regs(event_id) + "?limit=abc&offset=-1"), {"limit", "offset"});
  require_error(staff.get(regs(9999)), 404, "not_found");
}

TEST_CASE("kiosks and anonymous callers cannot read or write registrations", "[registrations]") {
  test_server srv;
  auto event_id = id_of(srv.create_event());
  auto r = srv.register_person(event_id, "吴德静", "13600000001");
  auto kiosk = srv.as_kiosk();
  require_error(kiosk.get(regs(event_id)), 403, "forbidden");
  require_error(kiosk.get(reg(id_of(r))), 403, "forbidden");
  require_error(kiosk.post(regs(event_id), {{"name", "吴德"}, {"phone", "13600000002"}}), 403, "forbidden");
  require_error(kiosk.post(reg(id_of(r)) + "/cancel", json::object()), 403, "forbidden");
  auto anon = srv.client();
  require_error(anon.get(regs(event_id)), 401, "unauthorized");
  require_error(anon.get(reg(id_of(r))), 401, "unauthorized");
  require_error(anon.post(regs(event_id), {{"name", "吴德"}, {"phone", "13600000002"}}), 401, "unauthorized");
  require_error(anon.post(reg(id_of(r)) + "/cancel", json::object()), 401, "unauthorized");
  CHECK(require_status(srv.as("staff").get(reg(id_of(r))), 200)["status"] == "confirmed");
}
