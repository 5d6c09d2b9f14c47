#pragma once
// The board projection: what the live board shows, built from the store. Names are masked
// here, the one place that feeds the board, so no caller can leak one.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "domain/store.hpp"

namespace qiandao::domain {

board_event board_row(store& s, event const& e);
board_state load_board(store& s, int recent_limit);
std::vector<board_event> board_events(store& s, std::set<id_t> const& ids);
// By rate (checked_in / expected, compared exactly), then checked_in, then name.
std::vector<unit_rank> rank_units(std::vector<unit_rank> units);
std::optional<board_competition> competition_board(store& s, id_t event_id);

// The per-minute chart covers this many minutes, the current one included.
inline constexpr int board_history_minutes = 60;
// The first minute the chart keeps now, "YYYY-MM-DDTHH:MM" (a prefix of `at`).
std::string board_history_from();
// The chart's minute of a check-in's `at`: "YYYY-MM-DDTHH:MM:00+08:00".
std::string board_minute_of(std::string const& at);
// Today in the programme's zone, "YYYY-MM-DD": the page leaves out events ended before it.
std::string board_today();
// Live check-ins per event and minute over the chart's window.
std::vector<board_minute> board_history(store& s);
// What a re-read of the store finds, for several instances on one database: the board's
// state for the events named (all of them for a full re-read), read afresh after a doorbell.
struct board_reread {
  bool full = false;
  programme prog;                      // full only
  std::vector<board_event> events;     // the events read, with their counts
  std::map<id_t, std::vector<board_minute>> minutes;   // per event read: the chart's window
  std::map<id_t, std::vector<board_checkin>> recent;   // per event read: its last check-ins, masked, with ids
  std::vector<board_checkin> latest;   // full only: the programme's last check-ins, masked, with ids
};
// What re-reads remember of each event's chart (board_feed keeps one), so that the next
// re-read of the event reads only the minutes a change can have touched since.
struct board_chart_memory {
  struct kept {
    std::int64_t checked_in = 0;                  // the event's live check-ins at that read
    std::map<std::string, std::int64_t> minutes;  // "YYYY-MM-DDTHH:MM" → live check-ins
  };
  std::map<id_t, kept> events;
  std::int64_t partial = 0;  // charts read from their last minutes, the rest remembered
  std::int64_t whole = 0;    // charts read over the whole window
};
// Without a memory, and for a full re-read, each chart is read over the whole window.
board_reread reread_board(store& s, std::set<id_t> const& ids, bool full, int recent_limit,
                          board_chart_memory* memory = nullptr);

// Just the events named (in the order given, unknown ids dropped), with their check-ins.
board_state select_board(board_state b, std::vector<id_t> const& ids);

// A board that names no events shows those neither cancelled nor ended before `today`
// (web/board/selection.js applies the same to the stream's rows).
bool board_shows_by_default(std::string const& status, std::string const& ends_at, std::string const& today);

struct board_totals {
  std::int64_t registered = 0, waitlisted = 0, checked_in = 0, served = 0;
};
// Adds one event's figures (a clinic's served count too) to `t`.
void count_in(board_totals& t, board_event const& e);
board_totals totals_over(std::vector<board_event> const& events);

// Check-ins in one minute of the chart's window, over every event shown.
struct minute_count {
  std::string minute;  // "YYYY-MM-DDTHH:MM:00+08:00"
  std::int64_t count = 0;
};

// The public board (GET /api/v1/board/public), for an audience: not one person in it, not
// even a masked name. The events a board shows by default, each with its counts, clinic
// tallies and unit ranking but no competition (its rows name competitors); totals over them;
// and their live check-ins in every minute of the chart's window, oldest first.
struct public_board {
  programme prog;
  std::string today;
  std::vector<board_event> events;
  board_totals totals;
  std::vector<minute_count> per_minute;  // board_history_minutes entries, zeros included
};
public_board load_public_board(store& s);

}  // namespace qiandao::domain
