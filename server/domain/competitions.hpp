#pragma once
// Skill competitions (技能竞赛): items, roll-call (检录), the draw (抽签), judges' scores,
// the leaderboard and its publication. Scores are kept in hundredths of a point, so sums
// and limits are exact.
#include <optional>
#include <string>
#include <vector>

#include "domain/competition_model.hpp"
#include "domain/leaderboard.hpp"
#include "domain/model.hpp"
#include "domain/result.hpp"
#include "domain/store.hpp"

namespace qiandao::domain {

inline constexpr char const* draw_algorithm = "fisher-yates/blake2b-256/v1";

// The order of appearance for `ids` (taken in ascending order) from a hex seed:
// Fisher–Yates from the last place down; place i takes j = x mod (i+1), where x is the
// first 8 bytes (little-endian) of BLAKE2b-256(seed bytes ‖ u32le(i) ‖ u32le(k)) for the
// first k = 0, 1, … with x below the largest multiple of i+1 (no modulo bias).
std::vector<id_t> draw_permutation(std::vector<id_t> ids, std::string const& seed_hex);

std::optional<std::int64_t> hundredths(double points);  // empty unless a multiple of 0.01

result<competition> configure_competition(store& s, actor const& who, id_t event_id,
                                          competition_changes const& in);
result<roll_call> take_roll_call(store& s, id_t event_id, id_t item_id);
// Draws the present competitors; refuses a second draw unless `redraw_reason` (admin).
result<draw> run_draw(store& s, actor const& who, id_t event_id, id_t item_id,
                      std::optional<std::string> const& redraw_reason);
result<score_answer> enter_score(store& s, actor const& who, id_t event_id,
                                 score_request const& req);
result<competition> publish_results(store& s, actor const& who, id_t event_id, bool publish,
                                    std::string const& reason);

leaderboard load_leaderboard(store& s, competition const& comp);

}  // namespace qiandao::domain
