// Slow and stalled boards: 20 healthy boards and 5 that connect with a tiny receive buffer
// and then stop reading, while 300 check-ins go through. The healthy boards keep a gapless,
// exact stream; the stalled ones have their backlog dropped for a fresh snapshot (its
// oldest frame grew older than the age bound), or are closed by the server; the board gauge
// falls back when they are gone.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <thread>

#include "domain/events.hpp"
#include "domain/validate.hpp"
#include "support/board_view.hpp"
#include "support/expect.hpp"
#include "support/hostile.hpp"
#include "support/test_server.hpp"
#include "support/ws_client.hpp"

using namespace qiandao::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr int healthy_boards = 20, stalled_boards = 5, resumed_boards = 3, checkins = 300, kiosks = 4;

struct board_log {
  std::vector<json> frames;
  board_view view;
  bool done = false;  // reached the final counts
  std::string error;
};

// Reads until the view reaches `final_state` or nothing comes for `silence`. No Catch here.
void follow(ws_client& ws, board_log& log, std::function<bool(board_view const&)> const& final_state,
            std::chrono::milliseconds silence, std::atomic<int>* started = nullptr) {
  try {
    while (auto text = ws.read_text(silence)) {
      log.frames.push_back(json::parse(*text));
      log.view.apply(log.frames.back());
      if (started && log.frames.size() == 1) started->fetch_add(1);
      if (final_state(log.view)) {
        log.done = true;
        break;
      }
    }
  } catch (std::exception const& e) {
    log.error = e.what();
  }
  if (started && log.frames.empty()) started->fetch_add(1);
}

bool gapless(std::vector<json> const& frames) {
  for (std::size_t i = 0; i < frames.size(); ++i)
    if (frames[i]["seq"] != static_cast<std::int64_t>(i)) return false;
  return true;
}

// Events with long titles and venues make a snapshot of about 2.7 MB: more than loopback
// TCP buffers hold (about 1.7 MB here), so a board that stops reading really stalls.
void seed_padding_events(qiandao::storage::sql_store& s, int count) {
  std::string words = "青浦区卫生健康系统庆祝中国医师节系列活动之名医面对面义诊健康知识汇科普智慧堂";
  std::string title;
  while (qiandao::domain::utf8_length(title) < 190) title += words;
  while (qiandao::domain::utf8_length(title) > 190) title.resize(title.size() - 3);
  qiandao::domain::actor admin{qiandao::domain::role_kind::admin, 0, "seed", std::nullopt};
  for (int i = 0; i < count; ++i) {
    qiandao::domain::event_changes in;
    in.title = "第" + std::to_string(i) + "场" + title;
    in.kind = "other";
    in.venue = title;
    in.starts_at = "2024-08-19T09:00:00+08:00";
    in.ends_at = "2024-08-19T11:30:00+08:00";
    if (!qiandao::domain::create_event(s, admin, in)) throw std::runtime_error("padding event refused");
  }
}

std::int64_t board_gauge(test_server& srv) {
  return metric_value(srv.client().get("/metrics").body, "qiandao_board_connections");
}

bool gauge_reaches(test_server& srv, std::int64_t want, std::chrono::steady_clock::time_point deadline) {
  while (board_gauge(srv) != want) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(100ms);
  }
  return true;
}

}  // namespace

TEST_CASE("stalled boards are dropped to a snapshot or closed while healthy boards stay exact", "[faults][ws]") {
  std::vector<seeded_ticket> tickets;
  std::vector<qiandao::domain::id_t> events;
  server_options o;
  o.seed = [&](qiandao::storage::sql_store& s) {
    for (auto title : {"中国医师节庆祝大会", "名医面对面义诊", "预防接种技能竞赛"}) events.push_back(seed_event(s, title));
    tickets = seed_tickets(s, events, checkins);
    seed_padding_events(s, 2000);
  };
  test_server srv(o);
  std::map<std::int64_t, std::int64_t> expected;
  for (auto const& t : tickets) ++expected[t.event_id];
  auto final_state = [&](board_view const& v) {
    for (auto const& [id, n] : expected)
      if (v.checked_in(id) != n) return false;
    return v.totals.is_object() && v.totals["checked_in"] == checkins;
  };

  // The stalled boards first: each is stuck on its first snapshot from the start.
  auto stalled_since = std::chrono::steady_clock::now();
  std::vector<ws_client> stalled;
  ws_options tiny;
  tiny.receive_buffer = 1024;
  for (int i = 0; i < stalled_boards; ++i) stalled.emplace_back(srv.port(), tiny);

  std::vector<ws_client> healthy;
  for (int i = 0; i < healthy_boards; ++i) healthy.emplace_back(srv.port());
  std::vector<board_log> logs(healthy_boards);
  std::atomic<int> started{0};
  std::vector<std::thread> readers;
  for (std::size_t i = 0; i < healthy_boards; ++i)
    readers.emplace_back([&, i] { follow(healthy[i], logs[i], final_state, 15s, &started); });
  auto wait_until = std::chrono::steady_clock::now() + 15s;
  while (started.load() < healthy_boards && std::chrono::steady_clock::now() < wait_until)
    std::this_thread::sleep_for(10ms);
  REQUIRE(started.load() == healthy_boards);
  CHECK(board_gauge(srv) == healthy_boards + stalled_boards);

  // 300 check-ins from 4 kiosks, paced so that the updates span a couple of seconds.
  std::atomic<int> created{0};
  auto load_began = std::chrono::steady_clock::now();
  std::vector<std::thread> doors;
  for (int k = 0; k < kiosks; ++k) {
    doors.emplace_back([&, k] {
      auto kiosk = srv.as_kiosk();
      for (auto i = static_cast<std::size_t>(k); i < tickets.size(); i += kiosks) {
        try {
          created += kiosk.post("/api/v1/checkins", {{"code", tickets[i].code}, {"nonce", new_nonce()}}).status == 201;
        } catch (std::exception const&) {
        }
        std::this_thread::sleep_for(20ms);
      }
    });
  }
  for (auto& d : doors) d.join();
  auto load_done = std::chrono::steady_clock::now();
  for (auto& r : readers) r.join();
  auto healthy_done = std::chrono::steady_clock::now();
  REQUIRE(created == checkins);

  for (std::size_t i = 0; i < healthy_boards; ++i) {
    auto const& log = logs[i];
    INFO("healthy board " << i << ": " << log.frames.size() << " frames; error: " << log.error);
    REQUIRE_FALSE(log.frames.empty());
    CHECK(log.frames.front()["type"] == "snapshot");
    CHECK(gapless(log.frames));
    CHECK(log.done);
    for (auto const& [id, n] : expected) CHECK(log.view.checked_in(id) == n);
  }
  // Not slowed by the stalled ones: the last update came right after the last commit.
  CHECK(healthy_done - load_done < 2s);

  // Three stalled boards read again once their oldest waiting frame is past the backlog's
  // age bound (3 s, checked by the once-a-second sweep): they get a fresh snapshot (their
  // backlog was dropped) and end at the exact counts, or the server has closed them. They
  // resume once the server says every stalled board got its fresh snapshot (at the earliest
  // 5 s after the load began; at the latest before the 10 s write deadline that closes them):
  // on a loaded machine the sweep that drops a backlog can come later than 5 s.
  std::this_thread::sleep_until(load_began + 5s);
  auto drops = [&] { return metric_value(srv.client().get("/metrics").body, "qiandao_board_backlog_drops_total"); };
  while (drops() < stalled_boards && std::chrono::steady_clock::now() < stalled_since + 9s)
    std::this_thread::sleep_for(50ms);
  INFO("backlogs dropped before the boards resumed: " << drops());
  for (std::size_t i = 0; i < resumed_boards; ++i) {
    board_log log;
    follow(stalled[i], log, final_state, 5s);
    std::size_t snapshots = 0;
    for (auto const& f : log.frames) snapshots += f["type"] == "snapshot";
    INFO("resumed board " << i << ": " << log.frames.size() << " frames, " << snapshots
                          << " snapshots, open=" << stalled[i].is_open() << "; error: " << log.error);
    CHECK(gapless(log.frames));
    if (stalled[i].is_open()) {
      CHECK(log.frames.front()["type"] == "snapshot");
      CHECK(snapshots >= 2);  // the first, then a fresh one in place of the dropped backlog
      CHECK(log.done);
    }
  }
  // The two that never read again are closed by the server (its write deadline is 10 s).
  std::int64_t still_open = healthy_boards;
  for (std::size_t i = 0; i < resumed_boards; ++i) still_open += stalled[i].is_open();
  CHECK(gauge_reaches(srv, still_open, stalled_since + 16s));

  // When every board has gone, the gauge is back to zero.
  for (auto& b : healthy) b.close();
  for (auto& b : stalled) b.close();
  CHECK(gauge_reaches(srv, 0, std::chrono::steady_clock::now() + 5s));
  require_alive(srv);
}
