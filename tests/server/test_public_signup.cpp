// The public's own sign-up (/s/): open events, sign-up with the staff rules, the ALTCHA
// proof of work (solved here by brute force, as the widget does), "find my ticket", the
// holder's cancel, and a flood that gets 429 while a kiosk keeps checking people in.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "domain/public_guard.hpp"
#include "domain/validate.hpp"
#include "support/altcha.hpp"
#include "support/expect.hpp"
#include "support/test_db.hpp"
#include "support/test_server.hpp"

using namespace qiandao::test;
using nlohmann::json;

namespace {

constexpr std::int64_t test_pow_max = 2000;  // the server's default is 100000
constexpr char const* test_secret = "public-signup-test-secret";

server_options public_options() {
  server_options o;
  o.configure = [](qiandao::config& c) {
    c.pow_max_number = test_pow_max;
    c.pow_secret = test_secret;
  };
  return o;
}

std::int64_t id_of(json const& j) { return j["id"].get<std::int64_t>(); }
std::string signups(std::int64_t event_id) { return "/api/v1/public/events/" + std::to_string(event_id) + "/signups"; }

// An event open to the public, in the future.
json public_event(test_server& srv, json const& extra = json::object()) {
  json fields = {{"title", "名医义诊进社区"},
                 {"kind", "clinic"},
                 {"starts_at", "2099-08-19T09:00:00+08:00"},
                 {"ends_at", "2099-08-19T11:30:00+08:00"},
                 {"public_signup", true}};
  for (auto const& [k, v] : extra.items()) fields[k] = v;
  return srv.create_event(fields);
}

std::string solve(json const& challenge, std::int64_t counter_offset = 0) {
  return solve_altcha(challenge, test_pow_max, counter_offset);
}

std::string solved(http_client& c) { return solve(require_status(c.get("/api/v1/public/challenge"), 200)); }

json person(std::string const& name, std::string const& phone, std::string const& altcha) {
  return {{"name", name}, {"phone", phone}, {"consent", true}, {"altcha", altcha}, {"website", ""}};
}

}  // namespace

TEST_CASE("the public list shows only events open to the public, with no personal data", "[public]") {
  test_server srv(public_options());
  auto open = public_event(srv, {{"capacity", 2}, {"waitlist", true}, {"public_requires", {"id_number"}}});
  public_event(srv, {{"title", "内部培训"}, {"public_signup", false}});
  public_event(srv, {{"title", "报名已截止"}, {"public_closes_at", "2024-01-01T00:00:00+08:00"}});
  public_event(srv, {{"title", "已停止报名"}, {"status", "closed"}});
  public_event(srv, {{"title", "已取消"}, {"status", "cancelled"}});
  public_event(srv, {{"title", "已结束"}, {"starts_at", "2024-08-19T09:00:00+08:00"}, {"ends_at", "2024-08-19T11:30:00+08:00"}});
  srv.register_person(id_of(open), "张晓明", "13811112222");

  // Staff see the settings on the event.
  CHECK(open["public_signup"] == true);
  CHECK(open["public_requires"] == json::array({"id_number"}));
  CHECK(open["public_closes_at"].is_null());
  auto patched = require_status(srv.as("admin").patch("/api/v1/events/" + std::to_string(id_of(open)),
                                                      {{"public_closes_at", "2099-08-18T20:00:00+08:00"},
                                                       {"public_requires", {"id_number", "organization"}}}),
                                200);
  CHECK(patched["public_closes_at"] == "2099-08-18T20:00:00+08:00");
  CHECK(patched["public_requires"] == json::array({"id_number", "organization"}));
  require_invalid(srv.as("admin").patch("/api/v1/events/" + std::to_string(id_of(open)), {{"public_requires", {"email"}}}),
                  {"public_requires"});
  require_invalid(srv.as("admin").patch("/api/v1/events/" + std::to_string(id_of(open)), {{"public_closes_at", "soon"}}),
                  {"public_closes_at"});

  auto list = srv.client().get("/api/v1/public/events");
  auto items = require_status(list, 200)["items"];
  REQUIRE(items.size() == 1);
  CHECK(items[0]["id"] == open["id"]);
  CHECK(items[0]["seats_left"] == 1);
  CHECK(items[0]["full"] == false);
  CHECK(items[0]["closes_at"] == "2099-08-18T20:00:00+08:00");
  CHECK(items[0]["requires"] == json::array({"id_number", "organization"}));
  CHECK_FALSE(has_phone_like(list.body));
  CHECK(list.body.find("张晓明") == std::string::npos);
}

TEST_CASE("public sign-up follows the staff rules: capacity, waitlist, duplicates, consent, required fields",
          "[public]") {
  test_server srv(public_options());
  auto ev = public_event(srv, {{"capacity", 1}, {"waitlist", true}, {"public_requires", {"id_number"}}});
  auto id = id_of(ev);
  auto pub = srv.client();
  auto id_a = "110101199003077774";  // valid checksum
  auto a = person("陈秀英", "13312345678", solved(pub));
  a["id_number"] = id_a;
  a["organization"] = "盈浦街道社区";
  auto first = require_status(pub.post(signups(id), a), 201);
  CHECK(first["status"] == "confirmed");
  CHECK(first["name"] == "陈*英");
  CHECK(first["phone"] == "133****5678");
  CHECK(first["waitlist_position"].is_null());
  CHECK(first["code"].get<std::string>().size() == 26);
  CHECK(first["qr_svg"].get<std::string>().starts_with("<svg"));
  CHECK(first["event"]["title"] == "名医义诊进社区");

  auto b = person("王德伟", "13933334321", solved(pub));
  b["id_number"] = "11010519491231002X";
  auto second = require_status(pub.post(signups(id), b), 201);
  CHECK(second["status"] == "waitlisted");
  CHECK(second["waitlist_position"] == 1);

  // Staff see them whole, from source "public", audited as the public.
  auto staff_view = require_status(srv.as("staff").get("/api/v1/events/" + std::to_string(id) + "/registrations"), 200);
  REQUIRE(staff_view["total"] == 2);
  CHECK(staff_view["items"][0]["source"] == "public");
  CHECK(staff_view["items"][0]["name"] == "陈秀英");
  CHECK(staff_view["items"][0]["id_number"] == id_a);
  auto audit = require_status(srv.as("admin").get("/api/v1/audit"), 200)["items"];
  bool audited = std::any_of(audit.begin(), audit.end(), [](json const& row) {
    return row["action"] == "registration.create" && row["actor"] == "public:133****5678";
  });
  CHECK(audited);
  {
    auto db = open_db(srv.db_path());
    CHECK(query_int(*db, "SELECT count(*) FROM registrations WHERE source = 'public' AND consent_at IS NOT NULL") == 2);
  }

  // The same phone again: 409 in the contract's shape, naming the existing registration.
  auto again = person("陈秀英", "133 1234 5678", solved(pub));
  again["id_number"] = id_a;
  auto dup = require_error(pub.post(signups(id), again), 409, "duplicate");
  CHECK(dup["message"].get<std::string>().find("已报名") != std::string::npos);

  // The notice must be accepted; the event's required fields must be given. Refused before
  // the proof of work is spent: the same solution then goes through.
  auto c = person("李丽", "13922225678", solved(pub));
  c["consent"] = false;
  c["id_number"] = "110101199003074012";
  require_invalid(pub.post(signups(id), c), {"consent"});
  c.erase("consent");
  require_invalid(pub.post(signups(id), c), {"consent"});
  c["consent"] = true;
  c.erase("id_number");
  require_invalid(pub.post(signups(id), c), {"id_number"});
  c["id_number"] = "110101199003074013";  // bad checksum
  require_invalid(pub.post(signups(id), c), {"id_number"});
  c["id_number"] = "110101199003074012";
  CHECK(require_status(pub.post(signups(id), c), 201)["waitlist_position"] == 2);

  // The honeypot: a bot that fills the hidden field is refused and nothing is stored.
  auto bot = person("赵春华", "13944445678", solved(pub));
  bot["id_number"] = "110101199003078558";
  bot["website"] = "http://spam.example";
  require_error(pub.post(signups(id), bot), 400, "rejected");
  CHECK(require_status(srv.as("staff").get("/api/v1/events/" + std::to_string(id) + "/registrations"), 200)["total"] == 3);

  // Closed to the public: not found; unknown event: not found.
  auto internal = srv.create_event({{"title", "内部会议"}, {"starts_at", "2099-01-01T09:00:00+08:00"}, {"ends_at", "2099-01-01T10:00:00+08:00"}});
  require_error(pub.post(signups(id_of(internal)), person("钱晓明", "13955556666", solved(pub))), 404, "not_found");
  require_error(pub.post(signups(999999), person("钱晓明", "13955556666", solved(pub))), 404, "not_found");
  require_error(pub.post_text(signups(id), "{"), 400, "malformed");
}

TEST_CASE("the proof of work is refused when missing, forged, expired or replayed", "[public]") {
  test_server srv(public_options());
  auto id = id_of(public_event(srv));
  auto pub = srv.client();
  // A new phone number each time, so the per-phone limit (5 an hour) stays out of the way.
  int attempt = 0;
  auto send = [&](std::string const& name, json altcha) {
    json body = {{"name", name}, {"phone", test_phone(700 + ++attempt)}, {"consent", true}, {"altcha", std::move(altcha)}};
    return pub.post(signups(id), body);
  };
  require_error(send("周建国", nullptr), 403, "pow_required");
  require_error(send("周建国", ""), 403, "pow_required");
  require_error(send("周建国", "not base64 at all!"), 403, "pow_invalid");
  require_error(send("周建国", base64(R"({"challenge":null,"solution":null,"test":true})")), 403,
                "pow_invalid");

  auto ch = require_status(pub.get("/api/v1/public/challenge"), 200);
  CHECK(ch["parameters"]["algorithm"] == "SHA-256");
  CHECK(ch["parameters"]["keyPrefix"].get<std::string>().size() == 32);
  CHECK(ch["parameters"]["expiresAt"].get<std::int64_t>() > qiandao::domain::now_seconds());
  // A wrong counter, a changed parameter, a challenge signed with another secret.
  require_error(send("周建国", solve(ch, 1)), 403, "pow_invalid");
  auto tampered = ch;
  tampered["parameters"]["expiresAt"] = ch["parameters"]["expiresAt"].get<std::int64_t>() + 86400;
  require_error(send("周建国", solve(tampered)), 403, "pow_invalid");
  qiandao::domain::pow_guard other("another secret", test_pow_max, 600);
  auto foreign = other.issue(qiandao::domain::now_seconds());
  json foreign_json = {{"parameters",
                        {{"algorithm", "SHA-256"}, {"cost", 1}, {"expiresAt", foreign.parameters.expires_at},
                         {"keyLength", 32}, {"keyPrefix", foreign.parameters.key_prefix},
                         {"nonce", foreign.parameters.nonce}, {"salt", foreign.parameters.salt}}},
                       {"signature", foreign.signature}};
  require_error(send("周建国", solve(foreign_json)), 403, "pow_invalid");

  // Expired: a challenge this server's secret signed an hour ago, with a 20-minute life.
  qiandao::domain::pow_guard same(test_secret, test_pow_max, 1200);
  auto old = same.issue(qiandao::domain::now_seconds() - 3600);
  json old_json = foreign_json;
  old_json["parameters"] = {{"algorithm", "SHA-256"}, {"cost", 1}, {"expiresAt", old.parameters.expires_at},
                            {"keyLength", 32}, {"keyPrefix", old.parameters.key_prefix},
                            {"nonce", old.parameters.nonce}, {"salt", old.parameters.salt}};
  old_json["signature"] = old.signature;
  require_error(send("周建国", solve(old_json)), 403, "pow_expired");

  // The real solution works once; the same payload again is refused, for anyone.
  auto good = solve(ch);
  CHECK(require_status(send("周建国", good), 201)["status"] == "confirmed");
  require_error(send("吴桂英", good), 403, "pow_replayed");
  CHECK(require_status(srv.as("staff").get("/api/v1/events/" + std::to_string(id) + "/registrations"), 200)["total"] == 1);
}

TEST_CASE("find my ticket by phone and full name, and the holder cancels: the next in line is promoted", "[public]") {
  test_server srv(public_options());
  auto id = id_of(public_event(srv, {{"title", "健康科普讲堂"}, {"kind", "lecture"}, {"capacity", 1}, {"waitlist", true}}));
  auto pub = srv.client();
  auto a = require_status(pub.post(signups(id), person("孙志强", "13600001111", solved(pub))), 201);
  auto b = require_status(pub.post(signups(id), person("郑小红", "13600002222", solved(pub))), 201);
  REQUIRE(b["status"] == "waitlisted");

  auto found = require_status(pub.post("/api/v1/public/find", {{"phone", "136-0000-1111"}, {"name", " 孙志强 "}}), 200);
  REQUIRE(found["items"].size() == 1);
  CHECK(found["items"][0]["code"] == a["code"]);
  CHECK(found["items"][0]["name"] == "孙*强");
  CHECK(found["items"][0]["phone"] == "136****1111");
  CHECK(found["items"][0]["qr_svg"].get<std::string>().starts_with("<svg"));
  CHECK(require_status(pub.post("/api/v1/public/find", {{"phone", "13600001111"}, {"name", "孙志"}}), 200)["items"].empty());
  CHECK(require_status(pub.post("/api/v1/public/find", {{"phone", "13600009999"}, {"name", "孙志强"}}), 200)["items"].empty());
  require_invalid(pub.post("/api/v1/public/find", {{"phone", "12"}, {"name", "孙志强"}}), {"phone"});

  auto view = require_status(pub.post("/api/v1/public/ticket", {{"code", b["code"]}}), 200);
  CHECK(view["status"] == "waitlisted");
  CHECK(view["waitlist_position"] == 1);
  CHECK(view["promoted"] == false);
  require_error(pub.post("/api/v1/public/ticket", {{"code", "0000000000000000000000000Z"}}), 404, "not_found");
  // A ticket made by staff is not the public's to see or cancel by code.
  auto staff_made = srv.register_person(id, "冯建华", "13600003333");
  auto staff_code = require_status(srv.as("staff").get("/api/v1/registrations/" + std::to_string(id_of(staff_made))), 200)["code"];
  require_error(pub.post("/api/v1/public/ticket/cancel", {{"code", staff_code}}), 404, "not_found");

  auto cancelled = require_status(pub.post("/api/v1/public/ticket/cancel", {{"code", a["code"]}}), 200);
  CHECK(cancelled["status"] == "cancelled");
  require_error(pub.post("/api/v1/public/ticket/cancel", {{"code", a["code"]}}), 409, "already_cancelled");
  auto promoted = require_status(pub.post("/api/v1/public/ticket", {{"code", b["code"]}}), 200);
  CHECK(promoted["status"] == "confirmed");
  CHECK(promoted["promoted"] == true);
  CHECK(promoted["waitlist_position"].is_null());
  auto staff_b = require_status(srv.as("staff").get("/api/v1/events/" + std::to_string(id) + "/registrations?status=confirmed"), 200);
  REQUIRE(staff_b["total"] == 1);
  CHECK(staff_b["items"][0]["name"] == "郑小红");
  // The cancelled one is no longer found.
  CHECK(require_status(pub.post("/api/v1/public/find", {{"phone", "13600001111"}, {"name", "孙志强"}}), 200)["items"].empty());
}

TEST_CASE("a flood from one address gets 429 while a kiosk's check-ins all succeed", "[public]") {
  server_options o = public_options();
  std::vector<seeded_ticket> tickets;
  o.seed = [&](qiandao::storage::sql_store& s) {
    auto door = seed_event(s, "中国医师节庆祝大会");
    tickets = seed_tickets(s, {door}, 40);
  };
  test_server srv(o);
  auto id = id_of(public_event(srv));

  std::vector<int> statuses;
  std::vector<std::string> retry_after;
  std::thread flood([&] {
    http_client bot(srv.port());
    bot.bind_local("127.0.0.2");
    for (int i = 0; i < 300; ++i) {
      auto r = bot.post(signups(id), {{"name", "机器人"}, {"phone", test_phone(5000 + i)}, {"consent", true},
                                      {"altcha", "bm90IGEgc29sdXRpb24="}});
      statuses.push_back(r.status);
      if (r.status == 429) retry_after.push_back(r.header("Retry-After").value_or(""));
    }
  });
  auto kiosk = srv.as_kiosk();
  std::vector<double> ms;
  std::vector<int> kiosk_statuses;
  for (auto const& t : tickets) {
    auto start = std::chrono::steady_clock::now();
    auto r = kiosk.post("/api/v1/checkins", {{"code", t.code}, {"nonce", new_nonce()}});
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    kiosk_statuses.push_back(r.status);
  }
  flood.join();

  std::sort(ms.begin(), ms.end());
  std::printf("kiosk check-ins during the flood: %zu, median %.2f ms, p90 %.2f ms, max %.2f ms; flood requests %zu\n",
              ms.size(), ms[ms.size() / 2], ms[ms.size() * 9 / 10], ms.back(), statuses.size());
  CHECK(std::all_of(kiosk_statuses.begin(), kiosk_statuses.end(), [](int s) { return s == 201; }));
  auto limited = std::count(statuses.begin(), statuses.end(), 429);
  CHECK(limited >= static_cast<long>(statuses.size()) - 20);  // 20 sign-up attempts an hour per address
  CHECK(std::count(statuses.begin(), statuses.end(), 201) == 0);
  REQUIRE_FALSE(retry_after.empty());
  CHECK(std::stoi(retry_after.front()) > 0);
  auto last = http_client(srv.port());
  last.bind_local("127.0.0.2");
  auto e = require_error(last.post(signups(id), person("机器人", test_phone(4999), "x")), 429, "rate_limited");
  CHECK(e["message"].get<std::string>().find("/") != std::string::npos);
  // Another address is not held back by the flood.
  require_error(srv.client().post(signups(id), person("钱晓明", "13955556666", "x")), 403, "pow_invalid");
  CHECK(require_status(srv.as("staff").get("/api/v1/events/" + std::to_string(id) + "/registrations"), 200)["total"] == 0);
}

TEST_CASE("the client address comes from X-Forwarded-For only through a trusted proxy", "[public]") {
  server_options o = public_options();
  o.configure = [](qiandao::config& c) {
    c.pow_max_number = test_pow_max;
    c.public_signups_per_address = 2;
    c.trusted_proxies = {"127.0.0.2"};
  };
  test_server srv(o);
  auto id = id_of(public_event(srv));
  int n = 0;
  auto attempt = [&](http_client& c, std::string const& forwarded) {
    return c.post(signups(id), person("钱晓明", test_phone(800 + ++n), "x"), {{"X-Forwarded-For", forwarded}});
  };
  // A client that sends the header itself is still counted by its own address.
  auto direct = srv.client();
  require_error(attempt(direct, "10.0.0.1"), 403, "pow_invalid");
  require_error(attempt(direct, "10.0.0.2"), 403, "pow_invalid");
  require_error(attempt(direct, "10.0.0.3"), 429, "rate_limited");
  // Through the trusted proxy, each forwarded client has its own count; a hop forged before
  // the proxy's own entry does not help.
  http_client proxy(srv.port());
  proxy.bind_local("127.0.0.2");
  require_error(attempt(proxy, "10.0.0.1"), 403, "pow_invalid");
  require_error(attempt(proxy, "6.6.6.6, 10.0.0.1"), 403, "pow_invalid");
  require_error(attempt(proxy, "7.7.7.7, 10.0.0.1"), 429, "rate_limited");
  require_error(attempt(proxy, "10.0.0.2"), 403, "pow_invalid");
}
