#pragma once
// The board projection: what the live board shows, built from the store. Names are masked
// here, the one place that feeds the board, so no caller can leak one.
#include <set>
#include <vector>

#include "domain/store.hpp"

namespace qiandao::domain {

board_event board_row(store& s, event const& e);
board_state load_board(store& s, int recent_limit);
std::vector<board_event> board_events(store& s, std::set<id_t> const& ids);
// By rate (checked_in / expected, compared exactly), then checked_in, then name.
std::vector<unit_rank> rank_units(std::vector<unit_rank> units);
std::optional<board_competition> competition_board(store& s, id_t event_id);

}  // namespace qiandao::domain
