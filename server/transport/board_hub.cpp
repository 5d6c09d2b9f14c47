#include "transport/board_hub.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "domain/board.hpp"
#include "transport/json_io.hpp"
#include "transport/websocket_session.hpp"

namespace qiandao::transport {

namespace {

// Totals over every event the hub holds, as every board frame carries them.
json totals_of(std::map<domain::id_t, domain::board_event> const& events) {
  domain::board_totals t;
  for (auto const& [id, e] : events) domain::count_in(t, e);
  return to_json(t);
}

// The body after the per-connection "{"seq":N," prefix.
std::shared_ptr<std::string const> body_of(json const& j) {
  std::string s = j.dump(-1, ' ', false, json::error_handler_t::replace);
  return std::make_shared<std::string const>(s.substr(1));  // drop the leading '{'
}

}  // namespace

board_hub::board_hub(executor_type ex, domain::board_state initial, metrics& m,
                     std::chrono::milliseconds min_interval, std::function<bool()> busy)
    : ex_(std::move(ex)), rest_timer_(ex_), sweep_timer_(ex_), min_interval_(min_interval), busy_(std::move(busy)),
      metrics_(m),
      prog_(std::move(initial.prog)) {
  for (auto& e : initial.events) events_.emplace(e.id, std::move(e));
  for (auto& c : initial.recent) recent_.push_back(std::move(c));
  while (recent_.size() > recent_kept) recent_.pop_front();
  for (auto const& h : initial.history) minutes_[h.event_id][h.minute] = h.count;
}

void board_hub::count_minute(domain::board_checkin const& c, std::int64_t by) {
  auto& per_event = minutes_[c.event_id];
  auto key = domain::board_minute_of(c.at);
  if ((per_event[key] += by) <= 0) per_event.erase(key);
}

void board_hub::start() {
  net::post(ex_, [self = shared_from_this()] { self->sweep(); });
}

void board_hub::sweep() {
  if (stopped_) return;
  auto now = clock::now();
  for (auto const& s : sessions_) s->sweep(now);
  sweep_timer_.expires_after(sweep_every);
  sweep_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->sweep();
  });
}

void board_hub::apply(domain::board_delta d) {
  net::post(ex_, [self = shared_from_this(), d = std::move(d)]() mutable {
    self->do_apply(std::move(d));
  });
}

void board_hub::do_apply(domain::board_delta d) {
  if (pending_since_us_ == 0) pending_since_us_ = d.committed_at_us;
  for (auto& e : d.events) {
    pending_events_.insert(e.id);
    events_[e.id] = std::move(e);
  }
  for (auto& c : d.recent) {
    count_minute(c, 1);
    recent_.push_back(c);
    pending_recent_.push_back(std::move(c));
  }
  while (recent_.size() > recent_kept) recent_.pop_front();
  for (auto& c : d.undone) {
    count_minute(c, -1);
    // Nor is it among the latest check-ins a new board is sent (names are masked, so by
    // event and time).
    auto it = std::find_if(recent_.rbegin(), recent_.rend(),
                           [&](auto const& r) { return r.event_id == c.event_id && r.at == c.at; });
    if (it != recent_.rend()) recent_.erase(std::next(it).base());
    pending_undone_.push_back(std::move(c));
  }
  if (d.programme_changed) {
    prog_ = std::move(d.prog);
    pending_programme_ = true;
  }
  snapshot_cache_.reset();
  maybe_flush();
}

void board_hub::reconcile(domain::board_reread r, bool resync, std::int64_t at_us, std::uint64_t joins) {
  net::post(ex_, [self = shared_from_this(), r = std::move(r), resync, at_us, joins]() mutable {
    self->do_reconcile(std::move(r), resync, at_us, joins);
  });
}

void board_hub::rebuild(domain::board_reread r) {
  prog_ = std::move(r.prog);
  events_.clear();
  for (auto& e : r.events) events_.emplace(e.id, std::move(e));
  minutes_.clear();
  for (auto const& [id, rows] : r.minutes)
    for (auto const& m : rows) minutes_[id][m.minute] = m.count;
  recent_.assign(r.latest.begin(), r.latest.end());
  while (recent_.size() > recent_kept) recent_.pop_front();
  seen_.clear();
  for (auto const& [id, rows] : r.recent)
    for (auto const& c : rows) seen_[id][c.id] = c.at;
  pending_events_.clear();
  pending_recent_.clear();
  pending_undone_.clear();
  pending_minutes_.clear();
  pending_checkins_ = 0;
  pending_programme_ = false;
  pending_since_us_ = 0;
  ++version_;
  snapshot_cache_.reset();
  for (auto const& s : sessions_) s->deliver(snapshot());
}

void board_hub::admit_joiners(std::uint64_t up_to) {
  auto ready = std::stable_partition(joining_.begin(), joining_.end(), [up_to](auto const& j) { return j.first <= up_to; });
  if (ready == joining_.begin()) return;
  auto first = snapshot();  // flushes what is pending to the boards already in
  for (auto it = joining_.begin(); it != ready; ++it) {
    sessions_.insert(it->second);
    it->second->deliver(first);
  }
  joining_.erase(joining_.begin(), ready);
}

// The chart of one event against a fresh count: more in a minute → added to the next frame;
// fewer → undone entries (with the real `at` of the check-ins that left the latest list,
// else the minute itself), so a board's chart matches the database after the frame.
void board_hub::reconcile_minutes(domain::id_t event_id, std::vector<domain::board_minute> const& now,
                                  std::vector<domain::board_checkin> const& gone) {
  auto from = domain::board_history_from();
  auto& have = minutes_[event_id];
  std::erase_if(have, [&](auto const& m) { return m.first.compare(0, from.size(), from) < 0; });
  std::map<std::string, std::int64_t> fresh;
  for (auto const& m : now) fresh[m.minute] = m.count;
  std::map<std::string, std::int64_t> diff;  // minute → fresh − have
  for (auto const& [minute, n] : fresh) diff[minute] += n;
  for (auto const& [minute, n] : have) diff[minute] -= n;
  // Each check-in that left the latest list is an undone one; its minute nets it out.
  for (auto const& c : gone) {
    auto minute = domain::board_minute_of(c.at);
    pending_undone_.push_back(c);
    if (c.at.compare(0, from.size(), from) >= 0) ++diff[minute];
  }
  for (auto const& [minute, d] : diff) {
    if (d > 0) {
      pending_minutes_[{event_id, minute}] += d;
      pending_checkins_ += d;
    }
    for (std::int64_t i = 0; i < -d; ++i) pending_undone_.push_back({event_id, "", "", minute, 0});
  }
  have = std::move(fresh);
}

void board_hub::do_reconcile(domain::board_reread r, bool resync, std::int64_t at_us, std::uint64_t joins) {
  rereading_ = true;
  // Whatever this re-read changed goes to the boards already in first; then the boards it
  // answers join with a snapshot that holds it.
  struct admit_after {
    board_hub* hub;
    std::uint64_t joins;
    ~admit_after() { hub->admit_joiners(joins); }
  } admit{this, r.full ? joins : 0};
  if (resync) return rebuild(std::move(r));
  bool changed = false;
  if (r.full && (r.prog.title != prog_.title || r.prog.theme != prog_.theme)) {
    prog_ = std::move(r.prog);
    pending_programme_ = changed = true;
  }
  for (auto& e : r.events) {
    auto it = events_.find(e.id);
    if (it != events_.end() && to_json(it->second) == to_json(e)) continue;
    pending_events_.insert(e.id);
    events_[e.id] = std::move(e);
    changed = true;
  }
  auto const undone_before = pending_undone_.size();
  auto const checkins_before = pending_checkins_;
  for (auto& [id, rows] : r.recent) {
    auto& seen = seen_[id];
    std::map<domain::id_t, std::string> next;
    for (auto const& c : rows) {
      next[c.id] = c.at;
      if (seen.contains(c.id)) continue;
      recent_.push_back(c);
      pending_recent_.push_back(c);
      changed = true;
    }
    // A check-in read last time that is no longer among the latest, though newer ones than
    // it still are (or the list is short): it was undone.
    std::vector<domain::board_checkin> gone;
    auto const oldest = rows.empty() ? std::string() : rows.front().at;
    for (auto const& [cid, at] : seen) {
      if (next.contains(cid)) continue;
      if (rows.size() < recent_kept || at > oldest) gone.push_back({id, "", "", at, cid});
    }
    for (auto const& c : gone)
      std::erase_if(recent_, [&](auto const& x) { return x.id == c.id; });
    seen = std::move(next);
    reconcile_minutes(id, r.minutes[id], gone);
  }
  while (recent_.size() > recent_kept) recent_.pop_front();
  if (pending_undone_.size() != undone_before || pending_checkins_ != checkins_before) changed = true;
  if (!changed) return;
  if (pending_since_us_ == 0) pending_since_us_ = at_us;
  snapshot_cache_.reset();
  maybe_flush();
}

// Idle: the frame leaves now. Busy (a fan-out still going, or resting after a dear one):
// the change waits, and everything that arrives meanwhile goes in the same next frame.
void board_hub::maybe_flush() {
  if (fanning_out_ || resting_ || stopped_) return;
  if (min_interval_.count() > 0) {
    auto due = last_flush_ + min_interval_;
    if (clock::now() < due) {
      resting_ = true;
      rest_timer_.expires_at(due);
      rest_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        self->resting_ = false;
        if (!ec) self->maybe_flush();
      });
      return;
    }
  }
  flush();
}

void board_hub::flush() {
  if (pending_events_.empty() && pending_recent_.empty() && !pending_programme_ && pending_undone_.empty() &&
      pending_minutes_.empty())
    return;
  auto started = clock::now();
  last_flush_ = started;
  json j = {{"type", "update"}, {"events", json::array()}, {"recent", json::array()}};
  for (auto id : pending_events_)
    if (auto it = events_.find(id); it != events_.end()) j["events"].push_back(to_json(it->second));
  // At most the last `recent_kept` rows; a bigger frame (a rush) says how many check-ins it
  // carries and counts them per event and minute for the chart, so a frame's size stays
  // bounded however many check-ins it coalesces.
  auto const n = pending_recent_.size();
  auto const first = n > recent_kept ? n - recent_kept : 0;
  for (auto i = first; i < n; ++i) j["recent"].push_back(to_json(pending_recent_[i]));
  j["checkins"] = n;
  if (rereading_) {
    // Counted from the database, not from the rows listed. When the rows listed are exactly
    // what the chart gained, the frame looks as on one instance (no `minutes`).
    std::map<std::pair<domain::id_t, std::string>, std::int64_t> listed;
    for (auto const& c : pending_recent_) ++listed[{c.event_id, domain::board_minute_of(c.at)}];
    j["checkins"] = pending_checkins_;
    if (first > 0 || listed != pending_minutes_) {
      j["minutes"] = json::array();
      for (auto const& [key, count] : pending_minutes_)
        j["minutes"].push_back(to_json(domain::board_minute{key.first, key.second, count}));
    }
    pending_minutes_.clear();
    pending_checkins_ = 0;
  } else if (first > 0) {
    std::map<std::pair<domain::id_t, std::string>, std::int64_t> per_minute;
    for (auto const& c : pending_recent_) ++per_minute[{c.event_id, domain::board_minute_of(c.at)}];
    j["minutes"] = json::array();
    for (auto const& [key, count] : per_minute)
      j["minutes"].push_back(to_json(domain::board_minute{key.first, key.second, count}));
  }
  if (pending_programme_) j["programme"] = {{"title", prog_.title}, {"theme", prog_.theme}};
  if (!pending_undone_.empty()) {
    j["undone"] = json::array();
    for (auto const& c : pending_undone_) j["undone"].push_back(undone_json(c));
  }
  j["totals"] = totals_of(events_);
  // Lets a client measure commit-to-screen latency exactly (same machine clock).
  j["committed_at_us"] = pending_since_us_;
  pending_since_us_ = 0;
  pending_events_.clear();
  pending_recent_.clear();
  pending_undone_.clear();
  pending_programme_ = false;
  board_frame f{body_of(j), ++version_, false, started};
  // Sessions on this thread start their write here (the socket takes it at once when it
  // can); sessions elsewhere (TLS) get it posted.
  for (auto const& s : sessions_) s->deliver(f);
  metrics_.board_frame(sessions_.size());
  // The fan-out is over when the completions of the writes it started have run: they are
  // queued on this thread ahead of this handler. Then the next frame may go, after a rest
  // as long as this fan-out took if it was a dear one.
  fanning_out_ = true;
  net::post(ex_, [self = shared_from_this(), started] {
    self->fanning_out_ = false;
    auto cost = clock::now() - started;
    if (self->resting_) return;  // a floor rest is running already; it flushes when it ends
    if (cost < rest_threshold || self->stopped_ || !self->busy_ || !self->busy_()) return self->maybe_flush();
    self->resting_ = true;
    self->rest_timer_.expires_after(cost * busy_rest_factor);
    self->rest_timer_.async_wait([self](boost::system::error_code ec) {
      self->resting_ = false;
      if (!ec) self->maybe_flush();
    });
  });
}

board_frame board_hub::snapshot() {
  // Built only with nothing pending, so the snapshot's version is exactly what it holds.
  flush();
  // The chart's window rolls on by the minute: a cached snapshot from an older window is stale.
  auto from = domain::board_history_from();
  if (from != snapshot_from_) {
    snapshot_cache_.reset();
    snapshot_from_ = from;
    for (auto& [id, per_event] : minutes_)
      std::erase_if(per_event, [&](auto const& m) { return m.first.compare(0, from.size(), from) < 0; });
  }
  if (!snapshot_cache_) {
    json j = {{"type", "snapshot"},
              {"programme", {{"title", prog_.title}, {"theme", prog_.theme}}},
              {"events", json::array()},
              {"recent", json::array()}};
    for (auto const& [id, e] : events_) j["events"].push_back(to_json(e));
    for (auto const& c : recent_) j["recent"].push_back(to_json(c));
    j["totals"] = totals_of(events_);
    std::vector<domain::board_minute> history;
    for (auto const& [id, per_event] : minutes_)
      for (auto const& [minute, n] : per_event) history.push_back({id, minute, n});
    std::stable_sort(history.begin(), history.end(), [](auto const& a, auto const& b) { return a.minute < b.minute; });
    j["history"] = json::array();
    for (auto const& m : history) j["history"].push_back(to_json(m));
    j["today"] = domain::board_today();
    snapshot_cache_ = body_of(j);
  }
  return {snapshot_cache_, version_, true, clock::now()};
}

void board_hub::join(std::shared_ptr<board_subscriber> s) {
  net::post(ex_, [self = shared_from_this(), s = std::move(s)] {
    if (self->stopped_) {
      s->close();
      return;
    }
    ++self->live_;
    self->metrics_.board_connected();
    if (self->ask_reread_) {
      self->joining_.emplace_back(++self->joins_, std::move(s));
      self->ask_reread_(self->joins_);
      return;
    }
    auto first = self->snapshot();  // before joining, so any flush it does skips this session
    self->sessions_.insert(s);
    s->deliver(std::move(first));
  });
}

void board_hub::leave(board_subscriber* s) {
  net::post(ex_, [self = shared_from_this(), s] {
    auto it = std::find_if(self->sessions_.begin(), self->sessions_.end(),
                           [s](auto const& p) { return p.get() == s; });
    auto waiting = std::find_if(self->joining_.begin(), self->joining_.end(),
                                [s](auto const& p) { return p.second.get() == s; });
    if (it != self->sessions_.end()) {
      self->sessions_.erase(it);
    } else if (waiting != self->joining_.end()) {
      self->joining_.erase(waiting);
    } else {
      return;
    }
    --self->live_;
    self->metrics_.board_disconnected();
  });
}

void board_hub::send_snapshot(std::shared_ptr<board_subscriber> s) {
  net::post(ex_, [self = shared_from_this(), s = std::move(s)] {
    if (!self->sessions_.contains(s)) return;
    s->deliver(self->snapshot());
    self->metrics_.board_backlog_dropped();
  });
}

void board_hub::shutdown() {
  net::post(ex_, [self = shared_from_this()] {
    self->stopped_ = true;
    self->rest_timer_.cancel();
    self->sweep_timer_.cancel();
    for (auto const& s : self->sessions_) s->close();
    for (auto const& j : self->joining_) j.second->close();
  });
}

}  // namespace qiandao::transport
