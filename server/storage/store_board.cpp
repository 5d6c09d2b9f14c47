// The board's per-minute chart: live check-ins counted per event and minute. `at` is stored
// as "YYYY-MM-DDTHH:MM:SS+08:00", so its first 16 characters name the minute and text order
// is time order (one query for SQLite and PostgreSQL alike).
#include "storage/store.hpp"

namespace qiandao::storage {

void sql_store::consistently(std::function<void()> const& f) {
  read_snapshot snapshot(c_);
  f();
}

std::vector<domain::board_minute> sql_store::checkins_per_minute(std::string const& from, domain::id_t event_id) {
  // One event: its (event_id, at) index on PostgreSQL reads only the window.
  auto& s = event_id == 0 ? c_.prepare(
                                "SELECT event_id, substr(at, 1, 16), COUNT(*) FROM checkins "
                                "WHERE undone_at IS NULL AND at >= ?1 "
                                "GROUP BY event_id, substr(at, 1, 16) ORDER BY 2, 1")
                          : c_.prepare(
                                "SELECT event_id, substr(at, 1, 16), COUNT(*) FROM checkins "
                                "WHERE undone_at IS NULL AND at >= ?1 AND event_id = ?2 "
                                "GROUP BY event_id, substr(at, 1, 16) ORDER BY 2, 1");
  s.bind(1, from);
  if (event_id != 0) s.bind(2, event_id);
  std::vector<domain::board_minute> out;
  while (s.step()) out.push_back({s.get_int(0), s.get_text(1), s.get_int(2)});
  return out;
}

}  // namespace qiandao::storage
