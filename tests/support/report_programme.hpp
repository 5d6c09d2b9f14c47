#pragma once
// A Doctors' Day programme for the report tests, built through the API only: units with a
// parent, quotas by kind and by unit, leave (one taken back by turning up), late and
// undone check-ins, a cancellation, a waitlist, walk-ins, tallies at two sites with an
// undone tap and a retired service, a cancelled event; and its figures worked out by hand.
// Catch checks: main test thread only.
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "support/expect.hpp"
#include "support/test_server.hpp"

namespace qiandao::test {

struct programme_ids {
  std::int64_t conference = 0, lecture = 0, clinic = 0, salon = 0;
  std::map<std::string, std::int64_t> unit;
};

// One step of the programme each, through the API as admin, staff or the kiosk.
class report_builder {
 public:
  static std::int64_t id_of(json const& j) { return j["id"].get<std::int64_t>(); }
  static std::string ev(std::int64_t id) { return "/api/v1/events/" + std::to_string(id); }
  static std::string reg(json const& r) { return "/api/v1/registrations/" + std::to_string(id_of(r)); }

  explicit report_builder(test_server& srv)
      : srv_(srv), admin_(srv.as("admin")), staff_(srv.as("staff")), kiosk_(srv.as_kiosk()) {}

  std::int64_t unit(std::string const& name, std::string const& kind, std::optional<std::int64_t> parent = {}) {
    json body = {{"name", name}, {"kind", kind}};
    if (parent) body["parent_id"] = *parent;
    return id_of(require_status(admin_.post("/api/v1/units", body), 201));
  }
  void quotas(std::int64_t event, json const& items) {
    require_status(admin_.request("PUT", ev(event) + "/quotas", json{{"items", items}}.dump()), 200);
  }
  json person(std::int64_t event, std::optional<std::int64_t> unit = {}) {
    json extra = json::object();
    if (unit) extra = {{"unit_id", *unit}, {"organization", ""}};
    else extra = {{"organization", "青浦区市民"}};
    ++people_;
    return srv_.register_person(event, chinese_name(people_), test_phone(people_), extra);
  }
  json check_in(json const& r) {
    return require_status(staff_.post("/api/v1/checkins", {{"code", r["code"]}, {"nonce", new_nonce()}}), 201);
  }
  void undo(json const& r) {
    auto full = require_status(staff_.get(reg(r)), 200);
    require_status(staff_.del("/api/v1/checkins/" + std::to_string(full["checkin_id"].get<std::int64_t>())), 200);
  }
  void leave(json const& r) {
    require_status(staff_.post(reg(r) + "/leave", {{"reason", "值班 / on duty"}}), 200);
  }
  void cancel(json const& r) {
    require_status(staff_.post(reg(r) + "/cancel", json::object()), 200);
  }
  json walk_in(std::int64_t event, std::optional<std::int64_t> unit = {}) {
    ++people_;
    json body = {{"name", chinese_name(people_)}, {"phone", test_phone(people_)}, {"nonce", new_nonce()}, {"consent", true}};
    if (unit) body["unit_id"] = *unit;
    return require_status(kiosk_.post(ev(event) + "/walk-ins", body), 201);
  }
  std::string tally(std::int64_t event, std::string const& service, std::string const& site) {
    auto nonce = new_nonce();
    require_status(kiosk_.post(ev(event) + "/tallies", {{"service", service}, {"site", site}, {"nonce", nonce}}), 201);
    return nonce;
  }
  void undo_tally(std::int64_t event, std::string const& nonce) {
    require_status(kiosk_.post(ev(event) + "/tallies/undo", {{"nonce", nonce}}), 200);
  }
  void patch_event(std::int64_t event, json const& body) { require_status(admin_.patch(ev(event), body), 200); }

 private:
  test_server& srv_;
  http_client admin_, staff_, kiosk_;
  int people_ = 0;
};

// Conference (started: every check-in late), quotas community ×3 each, H1 4, H2 2, C2 2:
//   H1 4 (3 in, 1 on leave) and 1 cancelled; C1 2 (both in, one of them after leave);
//   C2 3 (1 in, 1 on leave, 1 checked in and undone); D 1 in; public 2 (1 in).
// Lecture (in the future, capacity 4): H1 2 (1 in, 1 on leave), C1 1 in, public 1, 1 waitlisted.
// Clinic (started): 1 booked and in, 3 walk-ins (one from C2); 8 live taps.
// Salon: cancelled, nobody.
inline programme_ids build_report_programme(test_server& srv) {
  report_builder b(srv);
  programme_ids p;
  require_status(srv.as("admin").patch("/api/v1/programme", {{"title", "青浦区卫生健康系统庆祝2024年中国医师节系列活动"}}), 200);
  auto& u = p.unit;
  u["G"] = b.unit("青浦区医疗集团", "group");
  u["H1"] = b.unit("青浦区中心医院", "hospital", u["G"]);
  u["H2"] = b.unit("青浦区中医医院", "hospital");
  u["C1"] = b.unit("盈浦街道社区卫生服务中心", "community", u["G"]);
  u["C2"] = b.unit("夏阳街道社区卫生服务中心", "community");
  u["C3"] = b.unit("香花桥街道社区卫生服务中心", "community");
  u["D"] = b.unit("青浦区疾病预防控制中心", "cdc");
  u["O"] = b.unit("区卫健委办公室", "office");

  p.conference = report_builder::id_of(srv.create_event({{"lead_departments", {"医政科", "办公室"}}}));
  b.quotas(p.conference, json::array({{{"unit_kind", "community"}, {"expected", 3}},
                                      {{"unit_id", u["H1"]}, {"expected", 4}},
                                      {{"unit_id", u["H2"]}, {"expected", 2}},
                                      {{"unit_id", u["C2"]}, {"expected", 2}}}));
  std::vector<json> h1, c1, c2;
  for (int i = 0; i < 4; ++i) h1.push_back(b.person(p.conference, u["H1"]));
  b.cancel(b.person(p.conference, u["H1"]));
  for (int i = 0; i < 3; ++i) b.check_in(h1[static_cast<std::size_t>(i)]);
  b.leave(h1[3]);
  for (int i = 0; i < 2; ++i) c1.push_back(b.person(p.conference, u["C1"]));
  b.leave(c1[0]);  // on leave, but turns up anyway: present
  b.check_in(c1[0]);
  b.check_in(c1[1]);
  for (int i = 0; i < 3; ++i) c2.push_back(b.person(p.conference, u["C2"]));
  b.check_in(c2[0]);
  b.leave(c2[1]);
  b.check_in(c2[2]);
  b.undo(c2[2]);  // absent after all
  b.check_in(b.person(p.conference, u["D"]));
  b.check_in(b.person(p.conference));
  (void)b.person(p.conference);

  p.lecture = report_builder::id_of(srv.create_event(
      {{"title", "健康知识汇·科普智慧堂"}, {"kind", "lecture"}, {"starts_at", "2030-08-20T14:00:00+08:00"},
       {"ends_at", "2030-08-20T16:00:00+08:00"}, {"capacity", 4}, {"waitlist", true}, {"lead_departments", {"科教科"}}}));
  b.check_in(b.person(p.lecture, u["H1"]));
  b.leave(b.person(p.lecture, u["H1"]));
  b.check_in(b.person(p.lecture, u["C1"]));
  (void)b.person(p.lecture);
  CHECK(b.person(p.lecture)["status"] == "waitlisted");

  // 健康咨询 is retired after its taps; 用药指导 is new and unused.
  p.clinic = report_builder::id_of(srv.create_event(
      {{"title", "名医面对面义诊"}, {"kind", "clinic"}, {"walk_ins", true}, {"starts_at", "2024-08-17T08:30:00+08:00"},
       {"ends_at", "2024-08-17T11:30:00+08:00"}, {"services", {"血压测量", "血糖检测", "健康咨询"}},
       {"sites", {"盈浦街道", "夏阳街道"}}, {"lead_departments", {"医政科", "疾控科"}}}));
  b.check_in(b.person(p.clinic));
  b.walk_in(p.clinic, u["C2"]);
  b.walk_in(p.clinic);
  b.walk_in(p.clinic);
  for (int i = 0; i < 3; ++i) b.tally(p.clinic, "血压测量", "盈浦街道");
  for (int i = 0; i < 2; ++i) b.tally(p.clinic, "血糖检测", "盈浦街道");
  b.tally(p.clinic, "血压测量", "夏阳街道");
  for (int i = 0; i < 2; ++i) b.tally(p.clinic, "健康咨询", "夏阳街道");
  b.undo_tally(p.clinic, b.tally(p.clinic, "血糖检测", "夏阳街道"));
  b.patch_event(p.clinic, {{"services", {"血压测量", "血糖检测", "用药指导"}}});

  p.salon = report_builder::id_of(srv.create_event(
      {{"title", "心理减压沙龙"}, {"kind", "salon"}, {"lead_departments", json::array()},
       {"starts_at", "2024-08-18T15:00:00+08:00"}, {"ends_at", "2024-08-18T17:00:00+08:00"}}));
  // Quotas set before it was called off must not count against anyone.
  b.quotas(p.salon, json::array({{{"unit_kind", "community"}, {"expected", 4}}}));
  b.patch_event(p.salon, {{"status", "cancelled"}});
  return p;
}

// The figures worked out by hand for build_report_programme.
inline void require_hand_figures(json const& r, programme_ids const& p) {
  CHECK(r["programme"]["title"] == "青浦区卫生健康系统庆祝2024年中国医师节系列活动");
  // Events, by start: the clinic, the salon, the conference, the lecture.
  REQUIRE(r["events"].size() == 4);
  std::vector<std::int64_t> order;
  for (auto const& e : r["events"]) order.push_back(e["id"].get<std::int64_t>());
  CHECK(order == std::vector<std::int64_t>{p.clinic, p.salon, p.conference, p.lecture});
  auto const& clinic = r["events"][0];
  auto const& salon = r["events"][1];
  auto const& conference = r["events"][2];
  auto const& lecture = r["events"][3];
  CHECK(conference["lead_departments"] == json({"医政科", "办公室"}));
  CHECK(conference["capacity"].is_null());
  CHECK(conference["registered"] == 12);
  CHECK(conference["checked_in"] == 8);
  CHECK(conference["late"] == 8);
  CHECK(conference["leave"] == 2);
  CHECK(conference["rate"].get<double>() == Approx(8.0 / 12.0));
  CHECK(lecture["capacity"] == 4);
  CHECK(lecture["registered"] == 4);
  CHECK(lecture["waitlisted"] == 1);
  CHECK(lecture["checked_in"] == 2);
  CHECK(lecture["late"] == 0);
  CHECK(lecture["leave"] == 1);
  CHECK(clinic["registered"] == 4);
  CHECK(clinic["walk_ins"] == 3);
  CHECK(clinic["checked_in"] == 4);
  CHECK(clinic["served"] == 8);
  // Configured services in order (one unused), then the retired one that has tallies.
  CHECK(clinic["services"] == json::parse(R"([{"name":"血压测量","served":4},{"name":"血糖检测","served":2},
                                             {"name":"用药指导","served":0},{"name":"健康咨询","served":2}])"));
  CHECK(salon["status"] == "cancelled");
  CHECK(salon["registered"] == 0);
  CHECK(salon["rate"].is_null());
  CHECK(salon["services"].empty());

  std::map<std::int64_t, json> units;
  for (auto const& u : r["units"]) units[u["unit_id"].get<std::int64_t>()] = u;
  auto const& h1 = units.at(p.unit.at("H1"));
  CHECK(h1["parent"] == "青浦区医疗集团");
  CHECK(h1["expected"] == 4);
  CHECK(h1["registered"] == 6);
  CHECK(h1["attended"] == 4);
  CHECK(h1["leave"] == 2);
  CHECK(h1["late"] == 3);
  CHECK(h1["rate"].get<double>() == Approx(4.0 / 6.0));  // quota 4 at the conference + 2 at the lecture
  auto const& c2 = units.at(p.unit.at("C2"));
  CHECK(c2["expected"] == 2);  // its own quota overrides the one for every community centre
  CHECK(c2["registered"] == 4);
  CHECK(c2["attended"] == 2);
  CHECK(c2["leave"] == 1);
  CHECK(c2["late"] == 2);
  CHECK(units.at(p.unit.at("C1"))["leave"] == 0);  // on leave but came
  CHECK(units.at(p.unit.at("C3"))["expected"] == 3);
  CHECK(units.at(p.unit.at("C3"))["rate"] == 0.0);
  CHECK(units.at(p.unit.at("O"))["rate"].is_null());

  // By site and service in the configured orders; the undone tap is gone.
  auto row = [&](char const* site, char const* service, int served) {
    return json{{"event_id", p.clinic}, {"event", "名医面对面义诊"}, {"site", site}, {"service", service}, {"served", served}};
  };
  CHECK(r["services"] == json::array({row("盈浦街道", "血压测量", 3), row("盈浦街道", "血糖检测", 2),
                                      row("夏阳街道", "血压测量", 1), row("夏阳街道", "健康咨询", 2)}));
  json yizheng;
  for (auto const& d : r["departments"])
    if (d["department"] == "医政科") yizheng = d["events"];
  CHECK(yizheng == json::array({{{"id", p.clinic}, {"title", "名医面对面义诊"}},
                                {{"id", p.conference}, {"title", "中国医师节庆祝大会"}}}));
  CHECK(r["totals"] == json({{"registered", 20}, {"checked_in", 14}, {"walk_ins", 3}, {"served", 8},
                             {"expected", 14}, {"leave", 3}}));
}

}  // namespace qiandao::test
