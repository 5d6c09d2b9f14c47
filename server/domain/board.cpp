#include "domain/board.hpp"

#include <algorithm>
#include <map>

#include "domain/leaderboard.hpp"
#include "domain/validate.hpp"

namespace qiandao::domain {

std::vector<unit_rank> rank_units(std::vector<unit_rank> out) {
  std::sort(out.begin(), out.end(), [](auto const& a, auto const& b) {
    auto lhs = a.checked_in * b.expected, rhs = b.checked_in * a.expected;
    if (lhs != rhs) return lhs > rhs;
    if (a.checked_in != b.checked_in) return a.checked_in > b.checked_in;
    return a.unit < b.unit;
  });
  return out;
}

namespace {

// An event's row without its competition: counts and anonymous figures only.
board_event figures_row(store& s, event const& e) {
  board_event b{e.id, e.title, e.kind, e.venue, e.status, e.starts_at, e.capacity, e.counts, {}, {}, {}, e.ends_at};
  if (!e.services.empty()) b.clinic = s.count_tallies(e);
  b.units = rank_units(s.unit_figures(e.id));
  return b;
}

// The chart's first minute for a clock reading `now`, "YYYY-MM-DDTHH:MM".
std::string history_from(std::int64_t now) {
  return format_time(now - 60 * (board_history_minutes - 1)).substr(0, 16);
}

}  // namespace

board_event board_row(store& s, event const& e) {
  auto b = figures_row(s, e);
  if (e.kind == "competition") b.competition = competition_board(s, e.id);
  return b;
}

board_state load_board(store& s, int recent_limit) {
  board_state b;
  b.prog = s.get_programme();
  for (auto const& e : s.list_events()) b.events.push_back(board_row(s, e));
  b.recent = s.recent_checkins(recent_limit, 0);
  for (auto& c : b.recent) c.masked_name = mask_name(c.masked_name);
  b.history = board_history(s);
  return b;
}

std::string board_history_from() { return history_from(now_seconds()); }

std::string board_minute_of(std::string const& at) {
  // "YYYY-MM-DDTHH:MM:SS+08:00": the minute, then the zone as stored.
  return at.substr(0, 16) + ":00" + (at.size() > 19 ? at.substr(19) : std::string("+08:00"));
}

std::string board_today() { return now_text().substr(0, 10); }

std::vector<board_minute> board_history(store& s) {
  auto rows = s.checkins_per_minute(board_history_from(), 0);
  for (auto& r : rows) r.minute += ":00+08:00";  // stored times are normalised to +08:00
  return rows;
}

namespace {

// One event's chart over the window from `from`. A re-read after a doorbell comes up to a
// hundred times a second on every instance, and the whole window is every check-in of the
// last hour; so with a memory of the last read only the minutes a change can have touched
// are read again:
// - the current and the previous minute (a check-in is stamped with its instance's clock as
//   it commits);
// - every minute from the oldest of the event's latest check-ins just read: a check-in undone
//   since is one that left that list, so it sits at or after it (board_hub's rule); a short
//   list means few check-ins, and the whole window is read.
// The minutes before come from the memory when the count of the event's live check-ins before
// them is what it was at the last read (its live count, less the minutes read). Otherwise an
// older check-in was undone, or a clock is off by more than a minute: the whole window is read.
std::vector<board_minute> chart_of(store& s, event const& e, std::vector<board_checkin> const& recent,
                                   std::string const& from, std::size_t limit, board_chart_memory* memory,
                                   bool whole) {
  auto read = [&](std::string const& since) {
    std::map<std::string, std::int64_t> out;
    for (auto const& m : s.checkins_per_minute(since, e.id)) out[m.minute] = m.count;
    return out;
  };
  board_chart_memory::kept const* kept = nullptr;
  if (memory && !whole && recent.size() >= limit)
    if (auto it = memory->events.find(e.id); it != memory->events.end()) kept = &it->second;
  std::map<std::string, std::int64_t> minutes;
  bool done = false;
  if (kept) {
    std::string since = std::min(format_time(now_seconds() - 60).substr(0, 16), recent.front().at.substr(0, 16));
    since = std::max(since, from);
    auto fresh = read(since);
    std::int64_t fresh_sum = 0, kept_sum = 0;
    for (auto const& [minute, n] : fresh) fresh_sum += n;
    auto const& was = kept->minutes;
    for (auto it = was.lower_bound(since); it != was.end(); ++it) kept_sum += it->second;
    if (e.counts.checked_in - fresh_sum == kept->checked_in - kept_sum) {
      for (auto it = was.lower_bound(from); it != was.end() && it->first < since; ++it) minutes.insert(*it);
      minutes.insert(fresh.begin(), fresh.end());
      done = true;
      ++memory->partial;
    }
  }
  if (!done) {
    minutes = read(from);
    if (memory) ++memory->whole;
  }
  std::vector<board_minute> out;
  for (auto const& [minute, n] : minutes) out.push_back({e.id, minute + ":00+08:00", n});
  if (memory) memory->events[e.id] = {e.counts.checked_in, std::move(minutes)};
  return out;
}

}  // namespace

board_reread reread_board(store& s, std::set<id_t> const& ids, bool full, int recent_limit,
                          board_chart_memory* memory) {
  board_reread r;
  // One commit for all of it: the counts, the chart and the latest check-ins agree.
  s.consistently([&] {
    r.full = full;
    std::vector<event> events;
    if (full) {
      r.prog = s.get_programme();
      events = s.list_events();
      r.latest = s.recent_checkins(recent_limit, 0);
      for (auto& c : r.latest) c.masked_name = mask_name(c.masked_name);
    } else {
      for (id_t id : ids)
        if (auto e = s.find_event(id)) events.push_back(std::move(*e));
    }
    auto from = board_history_from();
    if (full && memory)  // events no longer listed are forgotten
      std::erase_if(memory->events, [&](auto const& kept) {
        return std::none_of(events.begin(), events.end(), [&](auto const& e) { return e.id == kept.first; });
      });
    for (auto const& e : events) {
      r.events.push_back(board_row(s, e));
      auto& recent = r.recent[e.id];
      recent = s.recent_checkins(recent_limit, e.id);
      r.minutes[e.id] = chart_of(s, e, recent, from, static_cast<std::size_t>(recent_limit), memory, full);
      for (auto& c : recent) c.masked_name = mask_name(c.masked_name);
    }
  });
  return r;
}

board_state select_board(board_state b, std::vector<id_t> const& ids) {
  std::set<id_t> const wanted(ids.begin(), ids.end());
  auto shown = [&](id_t id) { return wanted.contains(id); };
  std::vector<board_event> events;
  for (id_t id : ids) {
    auto it = std::find_if(b.events.begin(), b.events.end(), [&](auto const& e) { return e.id == id; });
    if (it != b.events.end() && std::none_of(events.begin(), events.end(), [&](auto const& e) { return e.id == id; }))
      events.push_back(*it);
  }
  b.events = std::move(events);
  std::erase_if(b.recent, [&](auto const& c) { return !shown(c.event_id); });
  std::erase_if(b.history, [&](auto const& m) { return !shown(m.event_id); });
  return b;
}

bool board_shows_by_default(std::string const& status, std::string const& ends_at, std::string const& today) {
  return status != "cancelled" && (ends_at.empty() || ends_at.substr(0, 10) >= today);
}

void count_in(board_totals& t, board_event const& e) {
  t.registered += e.counts.registered;
  t.waitlisted += e.counts.waitlisted;
  t.checked_in += e.counts.checked_in;
  if (e.clinic) t.served += e.clinic->served;
}

board_totals totals_over(std::vector<board_event> const& events) {
  board_totals t;
  for (auto const& e : events) count_in(t, e);
  return t;
}

public_board load_public_board(store& s) {
  auto const now = now_seconds();
  public_board b{{}, board_today(), {}, {}, {}};
  std::set<id_t> shown;
  std::map<std::string, std::int64_t> per_minute;  // "YYYY-MM-DDTHH:MM" → check-ins
  // One commit for all of it: the counts and the chart agree (each statement would otherwise
  // see its own on PostgreSQL).
  s.consistently([&] {
    b.prog = s.get_programme();
    for (auto const& e : s.list_events()) {
      if (!board_shows_by_default(e.status, e.ends_at, b.today)) continue;
      shown.insert(e.id);
      b.events.push_back(figures_row(s, e));
    }
    for (auto const& m : s.checkins_per_minute(history_from(now), 0))
      if (shown.contains(m.event_id)) per_minute[m.minute] += m.count;
  });
  b.totals = totals_over(b.events);
  for (int back = board_history_minutes - 1; back >= 0; --back) {
    auto minute = format_time(now - 60 * back).substr(0, 16);
    auto it = per_minute.find(minute);
    b.per_minute.push_back({minute + ":00+08:00", it == per_minute.end() ? 0 : it->second});
  }
  return b;
}

std::vector<board_event> board_events(store& s, std::set<id_t> const& ids) {
  std::vector<board_event> out;
  for (id_t id : ids)
    if (auto e = s.find_event(id)) out.push_back(board_row(s, *e));
  return out;
}

namespace {

board_draw draw_on_board(draw const& d, competition_item const& item, std::vector<competitor> const& people,
                         std::vector<score> const& scores) {
  board_draw bd{item.name, d.seed, d.drawn_at, {}, {}};
  for (std::size_t i = 0; i < d.order.size(); ++i) {
    auto who = std::find_if(people.begin(), people.end(), [&](auto const& p) { return p.registration_id == d.order[i]; });
    if (who == people.end()) continue;  // cancelled since the draw
    auto judged = std::count_if(scores.begin(), scores.end(), [&](auto const& sc) {
      return sc.item_id == d.item_id && sc.registration_id == d.order[i];
    });
    bd.order.push_back({item.name, mask_name(who->name), who->unit, static_cast<std::int64_t>(i + 1)});
    bd.done.push_back(judged >= item.judges);
  }
  return bd;
}

}  // namespace

std::optional<board_competition> competition_board(store& s, id_t event_id) {
  auto comp = s.find_competition(event_id);
  if (!comp || comp->items.empty()) return std::nullopt;
  auto people = s.competitors(event_id);
  auto scores = s.live_scores(event_id);
  auto draws = s.live_draws(event_id);
  auto lb = compute_leaderboard(*comp, people, scores, draws);
  board_competition b;
  b.published = lb.published;
  for (auto const& i : comp->items) b.items.push_back(i.name);
  auto slot_of = [](slot const& sl) { return board_slot{sl.item, mask_name(sl.c.name), sl.c.unit, sl.position}; };
  for (auto const& d : draws) {
    auto item = std::find_if(comp->items.begin(), comp->items.end(), [&](auto const& i) { return i.id == d.item_id; });
    if (item != comp->items.end()) b.draws.push_back(draw_on_board(d, *item, people, scores));
  }
  if (lb.now) b.now = slot_of(*lb.now);
  if (lb.next) b.next = slot_of(*lb.next);
  for (auto const& r : lb.individuals) {
    if (b.ranking.size() == 10) break;
    b.ranking.push_back({r.rank, mask_name(r.c.name), r.c.unit, r.total, r.complete});
  }
  for (auto const& u : lb.units) {
    if (b.units.size() == 10) break;
    b.units.push_back({u.rank, u.unit, u.total});
  }
  return b;
}

}  // namespace qiandao::domain
