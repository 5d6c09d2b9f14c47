#pragma once
// A live board as a client rebuilds it from WebSocket frames, and the privacy check every
// board text must pass. Catch checks: main test thread only.
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/expect.hpp"

namespace qiandao::test {

// A board as a client rebuilds it: the snapshot, then each update's rows and totals.
struct board_view {
  std::map<std::int64_t, nlohmann::json> events;
  nlohmann::json totals;
  std::vector<nlohmann::json> recent;

  void apply(nlohmann::json const& frame) {
    if (frame["type"] == "snapshot") {
      events.clear();
      recent.clear();
    }
    for (auto const& row : frame["events"]) events[row["id"].get<std::int64_t>()] = row;
    if (frame.contains("totals")) totals = frame["totals"];
    for (auto const& r : frame["recent"]) recent.push_back(r);
  }
  [[nodiscard]] std::int64_t checked_in(std::int64_t event_id) const {
    auto it = events.find(event_id);
    return it == events.end() ? -1 : it->second["checked_in"].get<std::int64_t>();
  }
};

// What must never appear on a board: full names, phone numbers, ticket codes.
inline void require_private(std::string const& text, std::vector<nlohmann::json> const& people) {
  CHECK_FALSE(has_phone_like(text));
  CHECK_FALSE(has_code_like(text));
  for (auto const& p : people) {
    INFO(p["name"].get<std::string>());
    CHECK(text.find(p["name"].get<std::string>()) == std::string::npos);
    CHECK(text.find(p["phone"].get<std::string>()) == std::string::npos);
    CHECK(text.find(p["code"].get<std::string>()) == std::string::npos);
  }
}

}  // namespace qiandao::test
