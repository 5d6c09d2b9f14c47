#include "support/door_load.hpp"

#include <catch2/catch.hpp>
#include <map>

#include "storage/sql.hpp"
#include "support/test_db.hpp"
#include "support/http_client.hpp"

namespace qiandao::test {

using nlohmann::json;
using namespace std::chrono_literals;

void door_load::start(unsigned short port, int clients) {
  for (int i = 0; i < clients; ++i) threads_.emplace_back([this, port] { run(port); });
}

std::vector<ack> door_load::stop() {
  stop_ = true;
  for (auto& t : threads_) t.join();
  threads_.clear();
  stop_ = false;
  return std::exchange(acks_, {});
}

std::vector<refusal> door_load::take_refusals() {
  std::lock_guard lock(mutex_);
  return std::exchange(refusals_, {});
}

void door_load::run(unsigned short port) {
  http_client c(port);
  c.set_header("Authorization", "Bearer " + token_);
  c.set_timeout(5s);
  while (!stop_) {
    // Mostly fresh tickets; every fourth scan repeats a recent one (a 200 first:false).
    auto i = next_.fetch_add(1);
    auto const& t = tickets_[(i % 4 == 3 && i > 64 ? i - 61 : i) % tickets_.size()];
    auto nonce = new_nonce();
    try {
      auto res = c.post("/api/v1/checkins", {{"code", t.code}, {"nonce", nonce}});
      if (res.status / 100 != 2) {
        std::lock_guard lock(mutex_);
        refusals_.push_back({t.code, nonce, res.status, t.registration_id});
        continue;
      }
      auto j = res.json();
      std::lock_guard lock(mutex_);
      acks_.push_back({t.code, nonce, j["checked_in_at"].get<std::string>(), res.status, j["first"].get<bool>(),
                       t.registration_id, std::chrono::steady_clock::now()});
    } catch (std::exception const&) {
      std::this_thread::sleep_for(5ms);  // the server is gone: keep trying until told to stop
    }
  }
}

// Retries every acknowledged nonce on 4 connections; returns the mismatches, described.
std::vector<std::string> replay(unsigned short port, std::string const& token, std::vector<ack> const& acks) {
  std::vector<std::string> bad;
  std::mutex m;
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      http_client c(port);
      c.set_header("Authorization", "Bearer " + token);
      for (std::size_t i = w; i < acks.size(); i += 4) {
        auto const& a = acks[i];
        std::string why;
        try {
          auto res = c.post("/api/v1/checkins", {{"code", a.code}, {"nonce", a.nonce}});
          auto j = res.json();
          if (res.status != a.status || j.value("checked_in_at", json()) != a.checked_in_at ||
              j.value("first", !a.first) != a.first)
            why = "nonce " + a.nonce + " first answered " + std::to_string(a.status) + " " + a.checked_in_at +
                  ", now " + std::to_string(res.status) + " " + res.body;
        } catch (std::exception const& e) {
          why = "nonce " + a.nonce + ": " + e.what();
        }
        if (!why.empty()) {
          std::lock_guard lock(m);
          bad.push_back(why);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  return bad;
}

// Every acknowledged check-in is in the file exactly once, at the time it was answered.
durability require_durable(std::string const& db_path, std::vector<ack> const& acks) {
  auto db_owner = open_db(db_path);
  auto& db = *db_owner;
  CHECK(integrity_ok(db));
  durability out;
  out.duplicated = query_int(db, "SELECT count(*) FROM (SELECT registration_id FROM checkins WHERE undone_at IS NULL "
                                 "GROUP BY registration_id HAVING count(*) > 1) AS dup");
  CHECK(out.duplicated == 0);
  CHECK(query_int(db, "SELECT count(*) FROM checkins") ==
        query_int(db, "SELECT count(DISTINCT registration_id) FROM checkins WHERE undone_at IS NULL"));
  // The board's counters agree with the rows they count.
  CHECK(query_int(db, "SELECT count(*) FROM events e WHERE e.checked_in_count <> "
                      "(SELECT count(*) FROM checkins c WHERE c.event_id = e.id AND c.undone_at IS NULL)") == 0);

  std::map<std::int64_t, std::string> first_time;  // registration → the time every answer gave
  int missing = 0, twice = 0, moved = 0, inconsistent = 0;
  for (auto const& a : acks) {
    auto [it, fresh] = first_time.emplace(a.registration_id, a.checked_in_at);
    if (!fresh && it->second != a.checked_in_at) ++inconsistent;
  }
  for (auto const& [reg, at] : first_time) {
    auto id = std::to_string(reg);
    auto live = query_int(db, "SELECT count(*) FROM checkins WHERE undone_at IS NULL AND registration_id = " + id);
    if (live == 0) ++missing;
    if (live > 1) ++twice;
    auto stored = query_text(db, "SELECT coalesce(checked_in_at, '') FROM registrations WHERE id = " + id);
    if (stored != at) ++moved;
  }
  INFO(first_time.size() << " registrations acknowledged as checked in");
  CHECK(missing == 0);
  CHECK(twice == 0);
  CHECK(moved == 0);
  CHECK(inconsistent == 0);
  out.registrations = first_time.size();
  out.missing = missing;
  out.twice = twice;
  return out;
}


}  // namespace qiandao::test
