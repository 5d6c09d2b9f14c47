// Many boards at once: 50 WebSocket clients follow 500 check-ins sent by 8 kiosks
// in parallel. Each board's stream must be gapless from a snapshot and add up to the truth.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <numeric>
#include <set>
#include <thread>

#include "support/board_view.hpp"
#include "support/expect.hpp"
#include "support/test_server.hpp"
#include "support/ws_client.hpp"

using namespace qiandao::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr int boards = 50, tickets = 500, senders = 8;

struct board_log {
  std::vector<std::string> frames;
  board_view view;
  std::string error;
  bool done = false;  // the view reached the expected final counts
};

// Reads frames until the view matches `final_state` or no frame comes for 15 s. Runs on its
// own thread: no Catch macros here. Bumps `started` once the first frame is in (or never
// will be).
void follow(ws_client& ws, board_log& log, std::function<bool(board_view const&)> const& final_state,
            std::atomic<int>& started) {
  try {
    while (auto text = ws.read_text(15s)) {
      log.frames.push_back(*text);
      log.view.apply(json::parse(*text));
      if (log.frames.size() == 1) started.fetch_add(1);
      if (final_state(log.view)) {
        log.done = true;
        break;
      }
    }
  } catch (std::exception const& e) {
    log.error = e.what();
  }
  if (log.frames.empty()) started.fetch_add(1);  // let the main thread go on and fail
}

// Every ticket scanned once, by `senders` kiosks in parallel; returns how many got 201.
int scan_all(test_server& srv, std::vector<seeded_ticket> const& seeded) {
  std::vector<int> created(senders, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < senders; ++t) {
    threads.emplace_back([&, t] {
      auto kiosk = srv.as_kiosk();
      for (auto k = static_cast<std::size_t>(t); k < seeded.size(); k += senders) {
        try {
          auto res = kiosk.post("/api/v1/checkins", {{"code", seeded[k].code}, {"nonce", new_nonce()}});
          created[static_cast<std::size_t>(t)] += res.status == 201;
        } catch (std::exception const&) {
          // counted as not created
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  return std::accumulate(created.begin(), created.end(), 0);
}

bool gapless_from_zero(std::vector<std::string> const& frames) {
  std::int64_t seq = 0;
  for (auto const& f : frames)
    if (json::parse(f)["seq"] != seq++) return false;
  return true;
}

}  // namespace

TEST_CASE("50 boards follow 500 concurrent check-ins with gapless seq and exact final counts", "[board][ws][load]") {
  std::vector<seeded_ticket> seeded;
  std::vector<qiandao::domain::id_t> events;
  server_options opts;
  opts.seed = [&](qiandao::storage::sql_store& s) {
    for (auto title : {"中国医师节庆祝大会", "名医面对面义诊", "预防接种技能竞赛"}) events.push_back(seed_event(s, title));
    seeded = seed_tickets(s, events, tickets);
  };
  test_server srv(opts);
  std::map<std::int64_t, std::int64_t> expected;
  for (auto const& t : seeded) ++expected[t.event_id];
  auto final_state = [&](board_view const& v) {
    for (auto const& [id, n] : expected)
      if (v.checked_in(id) != n) return false;
    return v.totals.is_object() && v.totals["checked_in"] == tickets && v.totals["registered"] == tickets;
  };

  std::vector<ws_client> clients;
  for (int i = 0; i < boards; ++i) clients.emplace_back(srv.port());
  std::vector<board_log> logs(boards);
  std::atomic<int> started{0};
  std::vector<std::thread> readers;
  for (std::size_t i = 0; i < boards; ++i)
    readers.emplace_back([&, i] { follow(clients[i], logs[i], final_state, started); });
  auto wait_until = std::chrono::steady_clock::now() + 10s;
  while (started.load() < boards && std::chrono::steady_clock::now() < wait_until) std::this_thread::sleep_for(5ms);
  REQUIRE(started.load() == boards);
  CHECK(srv.client().get("/metrics").body.find("\nqiandao_board_connections 50\n") != std::string::npos);

  auto begin = std::chrono::steady_clock::now();
  int created = scan_all(srv, seeded);
  for (auto& r : readers) r.join();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - begin).count();
  REQUIRE(created == tickets);

  for (std::size_t i = 0; i < boards; ++i) {
    auto const& log = logs[i];
    INFO("board " << i << " after " << log.frames.size() << " frames; error: " << log.error);
    REQUIRE_FALSE(log.frames.empty());
    CHECK(json::parse(log.frames.front())["type"] == "snapshot");
    CHECK(gapless_from_zero(log.frames));
    CHECK(log.done);
    for (auto const& [id, n] : expected) CHECK(log.view.checked_in(id) == n);
    CHECK(log.view.totals["checked_in"] == tickets);
    CHECK(log.view.totals["registered"] == tickets);
    // Every check-in arrives once, counted in some update's `checkins`; frames are coalesced by load,
    // so there are never more updates than check-ins (commits of a batch share one).
    std::size_t delivered = 0, updates = 0;
    for (auto const& text : log.frames) {
      auto f = json::parse(text);
      if (f["type"] != "update") continue;
      ++updates;
      // `checkins` counts them all; `recent` lists at most the last 20.
      CHECK(f["recent"].size() <= 20);
      CHECK(f["checkins"].get<std::size_t>() >= f["recent"].size());
      delivered += f["checkins"].get<std::size_t>();
      // A frame with more than 20 counts every check-in per event and minute for the chart.
      if (f["checkins"].get<std::size_t>() > f["recent"].size()) {
        REQUIRE(f.contains("minutes"));
        std::int64_t in_minutes = 0;
        for (auto const& m : f["minutes"]) in_minutes += m["count"].get<std::int64_t>();
        CHECK(in_minutes == f["checkins"].get<std::int64_t>());
      }
    }
    CHECK(delivered == static_cast<std::size_t>(tickets));
    CHECK(updates <= static_cast<std::size_t>(tickets));
  }
  INFO("500 check-ins took " << ms << " ms");

  // Nothing on any frame of the first board identifies a person.
  std::string all;
  for (auto const& f : logs[0].frames) all += f + "\n";
  CHECK_FALSE(has_phone_like(all));
  CHECK_FALSE(has_code_like(all));
  for (auto const& t : seeded) {
    if (all.find(t.name) != std::string::npos) FAIL_CHECK("full name on the board: " << t.name);
    if (all.find(t.code) != std::string::npos) FAIL_CHECK("ticket code on the board: " << t.code);
  }
  std::set<std::string> masks;
  for (auto const& t : seeded) masks.insert(mask_of(t.name));
  REQUIRE_FALSE(logs[0].view.recent.empty());
  for (auto const& r : logs[0].view.recent)
    if (!masks.contains(r["name"].get<std::string>())) FAIL_CHECK("unmasked name on the board: " << r["name"]);
}

TEST_CASE("a frame that coalesces more than 20 check-ins lists the last 20, counts all and counts them per minute", "[board][ws]") {
  std::vector<seeded_ticket> seeded;
  std::vector<qiandao::domain::id_t> events;
  server_options opts;
  opts.seed = [&](qiandao::storage::sql_store& s) {
    for (auto title : {"中国医师节庆祝大会", "名医面对面义诊"}) events.push_back(seed_event(s, title));
    seeded = seed_tickets(s, events, 26);
  };
  // A floor between frames makes the coalescing certain: the first check-in goes at once
  // (the hub is idle), the next 25 commit within the floor after it and ride one frame.
  opts.configure = [](qiandao::config& c) { c.board_interval_ms = 3000; };
  test_server srv(opts);
  ws_client board(srv.port());
  auto snap = board.read_text(5s);
  REQUIRE(snap);
  REQUIRE(json::parse(*snap)["type"] == "snapshot");

  auto kiosk = srv.as_kiosk();
  auto scan = [&](seeded_ticket const& t) {
    REQUIRE(kiosk.post("/api/v1/checkins", {{"code", t.code}, {"nonce", new_nonce()}}).status == 201);
  };
  scan(seeded[0]);
  auto first = board.read_text(5s);
  REQUIRE(first);
  auto one = json::parse(*first);
  CHECK(one["checkins"] == 1);
  CHECK(one["recent"].size() == 1);
  CHECK_FALSE(one.contains("minutes"));
  for (std::size_t i = 1; i < seeded.size(); ++i) scan(seeded[i]);

  auto second = board.read_text(10s);
  REQUIRE(second);
  auto many = json::parse(*second);
  CHECK(many["seq"] == 2);
  CHECK(many["checkins"] == 25);
  REQUIRE(many["recent"].size() == 20);
  REQUIRE(many.contains("minutes"));
  std::map<std::int64_t, std::int64_t> per_event_minutes, per_event_seeded;
  for (auto const& m : many["minutes"]) per_event_minutes[m["event_id"].get<std::int64_t>()] += m["count"].get<std::int64_t>();
  for (std::size_t i = 1; i < seeded.size(); ++i) ++per_event_seeded[seeded[i].event_id];
  CHECK(per_event_minutes == per_event_seeded);
  CHECK(many["totals"]["checked_in"] == 26);
  // The listed ones are the last 20 committed, oldest first: masked names only.
  CHECK_FALSE(has_phone_like(*second));
  for (auto const& t : seeded)
    if (second->find(t.name) != std::string::npos) FAIL_CHECK("full name on the board: " << t.name);
}
