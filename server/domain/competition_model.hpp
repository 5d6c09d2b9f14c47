#pragma once
// The nouns of a skill competition as plain values (no SQL, no JSON). Scores are kept in
// hundredths of a point, so sums and limits are exact.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/model.hpp"

namespace qiandao::domain {

struct competition_item {
  id_t id = 0;
  std::int64_t position = 0;
  std::string name;
  std::int64_t max_score = 0;  // hundredths
  std::optional<std::int64_t> time_limit_s;
  std::int64_t judges = 1;  // scores needed before a competitor is done with the item
  std::string station;
  std::optional<std::string> roll_call_deadline;
};

struct competition {
  id_t event_id = 0;
  std::string scoring_rule = "mean";  // mean | trimmed_mean
  std::string unit_rule = "sum";      // sum | best_n
  std::int64_t unit_best_n = 3;
  std::optional<std::string> published_at, published_by;
  std::vector<competition_item> items;
};

// A change of rules and items: items with an id are changed, without one are added, and
// items left out are removed (unless drawn or scored).
struct competition_changes {
  std::optional<std::string> scoring_rule, unit_rule;
  std::optional<std::int64_t> unit_best_n;
  std::optional<std::vector<competition_item>> items;
};

struct competitor {
  id_t registration_id = 0;
  std::string name, organization, unit;  // unit: the unit's name, else the organization
  std::optional<id_t> unit_id;
  std::optional<std::string> checked_in_at;
};

struct roll_call_entry {
  competitor c;
  std::string status;  // present | missing | no_show (missing after the deadline)
};

struct roll_call {
  competition_item item;
  bool past_deadline = false;
  std::vector<roll_call_entry> entries;
};

struct draw {
  id_t id = 0;
  id_t item_id = 0;
  std::string seed;  // 32 hex digits from the OS's CSPRNG
  std::string algorithm;
  std::string drawn_at, drawn_by;
  std::vector<id_t> order;     // registration ids in order of appearance
  std::vector<id_t> no_shows;  // not present when drawn
};

struct score {
  id_t id = 0;
  id_t item_id = 0;
  id_t registration_id = 0;
  std::string judge;
  std::int64_t points = 0;  // hundredths
  std::string nonce, entered_at;
  std::optional<std::string> reason;
  std::optional<id_t> replaces;
};

struct score_request {
  id_t item_id = 0;
  id_t registration_id = 0;
  std::int64_t points = 0;  // hundredths
  std::string nonce;
  std::optional<std::string> reason;  // required to correct one's own earlier score
};

struct score_answer {
  score s;
  bool first = false;
};

struct item_result {
  id_t item_id = 0;
  std::optional<double> score;  // by the scoring rule; empty until someone scored
  std::int64_t scored_by = 0;
};

struct individual_result {
  std::int64_t rank = 0;
  competitor c;
  double total = 0;
  std::vector<item_result> items;
  bool complete = false;  // every item scored by all its judges
};

struct unit_result {
  std::int64_t rank = 0;
  std::string unit;
  double total = 0;
  std::int64_t counted = 0;  // competitors counted (all, or the best N)
};

struct slot {
  id_t item_id = 0;
  std::string item;
  std::int64_t position = 0;
  competitor c;
};

struct leaderboard {
  bool published = false;
  std::vector<individual_result> individuals;
  std::vector<unit_result> units;
  std::optional<slot> now, next;  // 正在比赛 / 下一位
};

}  // namespace qiandao::domain
