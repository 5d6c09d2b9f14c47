// Races at the door and at the sign-up desk: many clients, each on its own connection,
// released at the same instant. The database has the last word.
#include <catch2/catch.hpp>
#include <latch>
#include <thread>

#include "storage/sql.hpp"
#include "support/test_db.hpp"
#include "support/expect.hpp"
#include "support/test_server.hpp"

using namespace qiandao::test;
using nlohmann::json;

namespace {

struct answer {
  int status = 0;
  json body;
  std::string error;
};

// Runs `send` on `n` threads, each with its own kiosk connection (already open), all
// released together.
template <class Send>
std::vector<answer> race(test_server& srv, int n, Send send) {
  std::vector<answer> out(static_cast<std::size_t>(n));
  std::latch ready(n);
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      auto& a = out[static_cast<std::size_t>(i)];
      try {
        auto c = srv.as_kiosk();
        c.get("/healthz");  // open the connection before the start line
        ready.arrive_and_wait();
        auto res = send(c, i);
        a.status = res.status;
        a.body = res.json();
      } catch (std::exception const& e) {
        a.error = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  return out;
}

}  // namespace

TEST_CASE("8 clients scan the same ticket at once: one 201 and seven 200 with the same time", "[concurrency]") {
  constexpr int clients = 8, rounds = 10;
  test_server srv;
  auto event_id = srv.create_event()["id"].get<std::int64_t>();
  std::vector<json> people;
  for (int i = 0; i < rounds; ++i) people.push_back(srv.register_person(event_id, chinese_name(i), test_phone(i)));

  for (int r = 0; r < rounds; ++r) {
    INFO("ticket " << r);
    auto code = people[static_cast<std::size_t>(r)]["code"].get<std::string>();
    auto answers = race(srv, clients, [&](http_client& c, int) {
      return c.post("/api/v1/checkins", {{"code", code}, {"nonce", new_nonce()}});
    });
    int firsts = 0, repeats = 0;
    std::string first_at;
    for (auto const& a : answers) {
      INFO(a.status << " " << a.body.dump() << " " << a.error);
      REQUIRE(a.error.empty());
      if (a.status == 201) {
        ++firsts;
        CHECK(a.body["first"] == true);
        first_at = a.body["checked_in_at"].get<std::string>();
      } else if (a.status == 200) {
        ++repeats;
        CHECK(a.body["first"] == false);
      }
    }
    CHECK(firsts == 1);
    CHECK(repeats == clients - 1);
    for (auto const& a : answers) CHECK(a.body["checked_in_at"] == first_at);
  }

  // The same nonce sent by all at once is one request: every answer is the first one.
  auto extra = srv.register_person(event_id, "孙建华", "13512345678");
  auto nonce = new_nonce();
  auto same = race(srv, clients, [&](http_client& c, int) {
    return c.post("/api/v1/checkins", {{"code", extra["code"]}, {"nonce", nonce}});
  });
  for (auto const& a : same) {
    INFO(a.status << " " << a.body.dump() << " " << a.error);
    CHECK(a.status == 201);
    CHECK(a.body == same.front().body);
  }

  srv.stop();
  auto db_owner = open_db(srv.db_path());
    auto& db = *db_owner;
  CHECK(query_int(db, "SELECT count(*) FROM checkins") == rounds + 1);
  CHECK(query_int(db, "SELECT count(*) FROM checkins WHERE undone_at IS NULL") == rounds + 1);
  CHECK(query_int(db, "SELECT count(DISTINCT registration_id) FROM checkins WHERE undone_at IS NULL") == rounds + 1);
  for (auto const& p : people) {
    auto id = std::to_string(p["id"].get<std::int64_t>());
    CHECK(query_int(db, "SELECT count(*) FROM checkins WHERE undone_at IS NULL AND registration_id = " + id) == 1);
    CHECK(query_int(db, "SELECT checked_in_at IS NOT NULL FROM registrations WHERE id = " + id) == 1);
  }
  CHECK(query_int(db, "SELECT checked_in_count FROM events WHERE id = " + std::to_string(event_id)) == rounds + 1);
  CHECK(query_int(db, "SELECT count(*) FROM audit_log WHERE action = 'checkin.create'") == rounds + 1);
  CHECK(query_int(db, "SELECT count(*) FROM audit_log WHERE action = 'checkin.repeat'") == rounds * (clients - 1));
}

TEST_CASE("concurrent sign-ups never overbook: 40 at once for capacity 10", "[concurrency]") {
  test_server srv;
  auto event_id = srv.create_event({{"capacity", 10}, {"waitlist", false}})["id"].get<std::int64_t>();
  auto path = "/api/v1/events/" + std::to_string(event_id) + "/registrations";
  auto staff_cookie = srv.login("staff");
  std::vector<answer> out(40);
  std::latch ready(8);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      auto c = srv.client();
      c.set_header("Cookie", staff_cookie);
      try {
        c.get("/healthz");
      } catch (std::exception const&) {
      }
      ready.arrive_and_wait();
      for (int k = 0; k < 5; ++k) {
        int i = t * 5 + k;
        auto& a = out[static_cast<std::size_t>(i)];
        try {
          auto res = c.post(path, {{"name", chinese_name(i)}, {"phone", test_phone(i)}});
          a.status = res.status;
          a.body = res.json();
        } catch (std::exception const& e) {
          a.error = e.what();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  int created = 0, full = 0;
  for (auto const& a : out) {
    INFO(a.status << " " << a.body.dump() << " " << a.error);
    REQUIRE(a.error.empty());
    if (a.status == 201) ++created;
    else if (a.status == 409 && a.body["error"]["code"] == "event_full") ++full;
  }
  CHECK(created == 10);
  CHECK(full == 30);
  auto ev = require_status(srv.as("staff").get("/api/v1/events/" + std::to_string(event_id)), 200);
  CHECK(ev["counts"]["registered"] == 10);

  srv.stop();
  auto db_owner = open_db(srv.db_path());
    auto& db = *db_owner;
  CHECK(query_int(db, "SELECT count(*) FROM registrations WHERE status = 'confirmed'") == 10);
  CHECK(query_int(db, "SELECT count(*) FROM registrations") == 10);
}
