// Events and the programme: who may create and change them, what is validated, and the
// counts staff see.
#include <catch2/catch.hpp>

#include "support/expect.hpp"
#include "support/test_server.hpp"

using namespace qiandao::test;
using nlohmann::json;

namespace {

json event_body(json const& over = json::object()) {
  json b = {{"title", "名医面对面义诊"},
            {"kind", "clinic"},
            {"venue", "青浦区人民医院门诊大厅"},
            {"starts_at", "2024-08-17T08:30:00+08:00"},
            {"ends_at", "2024-08-17T11:30:00+08:00"},
            {"capacity", 200},
            {"waitlist", true},
            {"walk_ins", true},
            {"lead_departments", {"医政科", "基层卫生科"}},
            {"description", "线上线下同步"}};
  for (auto const& [k, v] : over.items()) b[k] = v;
  return b;
}

std::string path(std::int64_t id) { return "/api/v1/events/" + std::to_string(id); }

}  // namespace

TEST_CASE("admin creates an event and staff read it with counts", "[events]") {
  test_server srv;
  auto admin = srv.as("admin");
  auto made = require_status(admin.post("/api/v1/events", event_body()), 201);
  REQUIRE(made["id"].is_number_integer());
  CHECK(made["title"] == "名医面对面义诊");
  CHECK(made["kind"] == "clinic");
  CHECK(made["capacity"] == 200);
  CHECK(made["waitlist"] == true);
  CHECK(made["walk_ins"] == true);
  CHECK(made["status"] == "open");
  CHECK(made["lead_departments"] == json({"医政科", "基层卫生科"}));
  CHECK(made["starts_at"] == "2024-08-17T08:30:00+08:00");
  CHECK(made["counts"] == json({{"registered", 0}, {"waitlisted", 0}, {"checked_in", 0}}));

  // Times without an offset are Asia/Shanghai; other offsets are converted to +08:00.
  auto utc = require_status(admin.post("/api/v1/events", event_body({{"title", "学术论坛"},
                                                                     {"kind", "other"},
                                                                     {"starts_at", "2024-08-19T01:00:00Z"},
                                                                     {"ends_at", "2024-08-19T11:00"},
                                                                     {"capacity", nullptr}})),
                            201);
  CHECK(utc["starts_at"] == "2024-08-19T09:00:00+08:00");
  CHECK(utc["ends_at"] == "2024-08-19T11:00:00+08:00");
  CHECK(utc["capacity"].is_null());

  auto id = made["id"].get<std::int64_t>();
  srv.register_person(id, "张晓明", "13800138000");
  auto list = require_status(srv.as("staff").get("/api/v1/events"), 200);
  REQUIRE(list["items"].size() == 2);
  json const* row = nullptr;
  for (auto const& e : list["items"])
    if (e["id"] == id) row = &e;
  REQUIRE(row != nullptr);
  CHECK((*row)["counts"]["registered"] == 1);

  auto one = require_status(srv.as("staff").get(path(id)), 200);
  CHECK(one["title"] == "名医面对面义诊");
  CHECK(one["counts"]["registered"] == 1);
  require_error(srv.as("staff").get(path(9999)), 404, "not_found");
  require_error(srv.client().get("/api/v1/events"), 401, "unauthorized");
  require_error(srv.client().get(path(id)), 401, "unauthorized");
}

TEST_CASE("only admins create or change events", "[events]") {
  test_server srv;
  auto id = srv.create_event()["id"].get<std::int64_t>();
  require_error(srv.as("staff").post("/api/v1/events", event_body()), 403, "forbidden");
  require_error(srv.as_kiosk().post("/api/v1/events", event_body()), 403, "forbidden");
  require_error(srv.client().post("/api/v1/events", event_body()), 401, "unauthorized");
  require_error(srv.as("staff").patch(path(id), {{"title", "改名"}}), 403, "forbidden");
  require_error(srv.as_kiosk().patch(path(id), {{"title", "改名"}}), 403, "forbidden");
  require_error(srv.client().patch(path(id), {{"title", "改名"}}), 401, "unauthorized");
  auto list = require_status(srv.as("admin").get("/api/v1/events"), 200);
  CHECK(list["items"].size() == 1);
  CHECK(list["items"][0]["title"] == "中国医师节庆祝大会");
}

TEST_CASE("event fields are validated with 422 naming each bad field", "[events]") {
  test_server srv;
  auto admin = srv.as("admin");
  auto post = [&](json const& b) { return admin.post("/api/v1/events", b); };
  auto without = [](std::string const& key) {
    auto b = event_body();
    b.erase(key);
    return b;
  };
  require_invalid(post(without("title")), {"title"});
  require_invalid(post(without("kind")), {"kind"});
  require_invalid(post(without("starts_at")), {"starts_at"});
  require_invalid(post(event_body({{"title", "   "}})), {"title"});
  require_invalid(post(event_body({{"kind", "party"}})), {"kind"});
  require_invalid(post(event_body({{"starts_at", "tomorrow morning"}})), {"starts_at"});
  require_invalid(post(event_body({{"ends_at", "2024-02-30T10:00:00+08:00"}})), {"ends_at"});
  require_invalid(post(event_body({{"ends_at", "2024-08-17T08:00:00+08:00"}})), {"ends_at"});
  require_invalid(post(event_body({{"capacity", -1}})), {"capacity"});
  require_invalid(post(event_body({{"capacity", "ten"}})), {"capacity"});
  require_invalid(post(event_body({{"capacity", 2.5}})), {"capacity"});
  require_invalid(post(event_body({{"waitlist", "yes"}})), {"waitlist"});
  require_invalid(post(event_body({{"status", "maybe"}})), {"status"});
  require_invalid(post(event_body({{"lead_departments", "医政科"}})), {"lead_departments"});
  require_invalid(post(event_body({{"title", std::string(201, 'x')}})), {"title"});
  // Every problem at once, not just the first.
  require_invalid(post(event_body({{"kind", "party"}, {"capacity", -5}, {"starts_at", "soon"}})),
                  {"kind", "capacity", "starts_at"});

  require_error(admin.post_text("/api/v1/events", "{\"title\": }"), 400, "malformed");
  require_error(admin.post_text("/api/v1/events", "[1, 2, 3]"), 400, "malformed");
  require_error(admin.post_text("/api/v1/events", std::string(100, '[') + std::string(100, ']')), 400,
                "malformed");
  // Nothing of the refused requests was saved.
  CHECK(require_status(admin.get("/api/v1/events"), 200)["items"].empty());
}

TEST_CASE("admin changes an event and capacity growth promotes the waitlist", "[events]") {
  test_server srv;
  auto ev = srv.create_event({{"capacity", 1}, {"waitlist", true}});
  auto id = ev["id"].get<std::int64_t>();
  auto first = srv.register_person(id, "王建国", "13900000001");
  auto second = srv.register_person(id, "李海平", "13900000002");
  CHECK(first["status"] == "confirmed");
  CHECK(second["status"] == "waitlisted");

  auto admin = srv.as("admin");
  auto changed = require_status(admin.patch(path(id), {{"title", "健康知识汇·科普智慧堂"}, {"capacity", 2}}), 200);
  CHECK(changed["title"] == "健康知识汇·科普智慧堂");
  CHECK(changed["capacity"] == 2);
  CHECK(changed["kind"] == "conference");  // untouched fields stay
  CHECK(changed["counts"]["registered"] == 2);
  CHECK(changed["counts"]["waitlisted"] == 0);
  auto promoted = require_status(
      srv.as("staff").get("/api/v1/registrations/" + std::to_string(second["id"].get<std::int64_t>())), 200);
  CHECK(promoted["status"] == "confirmed");

  require_invalid(admin.patch(path(id), {{"capacity", 1}}), {"capacity"});
  require_invalid(admin.patch(path(id), {{"ends_at", "2024-08-18T08:00:00+08:00"}, {"starts_at", "2024-08-19T08:00:00+08:00"}}),
                  {"ends_at"});
  require_invalid(admin.patch(path(id), {{"title", ""}}), {"title"});
  require_error(admin.patch(path(9999), {{"title", "x"}}), 404, "not_found");
  require_error(admin.post_text(path(id), "{}"), 405, "method_not_allowed");
  require_error(admin.request("PATCH", path(id), std::string("{\"title\":")), 400, "malformed");

  auto closed = require_status(admin.patch(path(id), {{"status", "closed"}}), 200);
  CHECK(closed["status"] == "closed");
  auto refused = srv.as("staff").post(path(id) + "/registrations",
                                      {{"name", "赵志华"}, {"phone", "13900000003"}});
  require_error(refused, 409, "event_closed");
}

TEST_CASE("the programme is public to read and admin-only to change", "[events]") {
  test_server srv;
  auto admin = srv.as("admin");
  auto set = require_status(admin.patch("/api/v1/programme",
                                        {{"title", "青浦区卫生健康系统庆祝2024年中国医师节系列活动"},
                                         {"theme", "弘扬崇高精神 勇担健康使命"}}),
                            200);
  CHECK(set["title"] == "青浦区卫生健康系统庆祝2024年中国医师节系列活动");
  auto got = require_status(srv.client().get("/api/v1/programme"), 200);
  CHECK(got["title"] == "青浦区卫生健康系统庆祝2024年中国医师节系列活动");
  CHECK(got["theme"] == "弘扬崇高精神 勇担健康使命");

  require_invalid(admin.patch("/api/v1/programme", {{"title", " "}}), {"title"});
  require_error(srv.as("staff").patch("/api/v1/programme", {{"title", "x"}}), 403, "forbidden");
  require_error(srv.client().patch("/api/v1/programme", {{"title", "x"}}), 401, "unauthorized");
  CHECK(require_status(srv.client().get("/api/v1/programme"), 200)["theme"] == "弘扬崇高精神 勇担健康使命");
}
