// Free-clinic service tallies (服务人次).
#include <algorithm>
#include <map>

#include "storage/rows.hpp"
#include "storage/store.hpp"

namespace qiandao::storage {

std::optional<domain::tally> sql_store::find_tally_by_nonce(std::string const& nonce) {
  auto& s = c_.prepare(
      "SELECT id, event_id, service, site, nonce, actor, at, undone_at FROM tallies WHERE nonce = ?1");
  s.bind(1, nonce);
  if (!s.step()) return std::nullopt;
  domain::tally t{s.get_int(0), s.get_int(1), s.get_text(2), s.get_text(3),
                  s.get_text(4), s.get_text(5), s.get_text(6), s.get_optional_text(7)};
  s.reset();
  return t;
}

std::optional<id_t> sql_store::insert_tally(domain::tally const& t) {
  auto id = inserted_id(c_.prepare("INSERT INTO tallies (event_id, service, site, nonce, actor, at) "
                                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (nonce) DO NOTHING RETURNING id")
                            .bind(1, t.event_id)
                            .bind(2, t.service)
                            .bind(3, t.site)
                            .bind(4, t.nonce)
                            .bind(5, t.actor)
                            .bind(6, t.at));
  if (id) touch_event(t.event_id);
  return id;
}

void sql_store::undo_tally(id_t id, std::string const& at, std::string const& by) {
  auto& s = c_.prepare(
      "UPDATE tallies SET undone_at = ?2, undone_by = ?3 WHERE id = ?1 AND undone_at IS NULL "
      "RETURNING event_id");
  s.bind(1, id).bind(2, at).bind(3, by);
  if (s.step()) {
    touch_event(s.get_int(0));
    s.reset();
  }
}

domain::tally_counts sql_store::count_tallies(domain::event const& e) {
  // Live tallies grouped by site and service; the configured names come first, in order,
  // with zeroes, and names no longer configured (renamed buttons) after them.
  std::map<std::pair<std::string, std::string>, std::int64_t> cells;
  auto& s = c_.prepare(
      "SELECT site, service, count(*) FROM tallies WHERE event_id = ?1 AND undone_at IS NULL "
      "GROUP BY site, service");
  s.bind(1, e.id);
  while (s.step()) cells[{s.get_text(0), s.get_text(1)}] = s.get_int(2);

  auto ordered = [](std::vector<std::string> names, auto const& seen) {
    for (auto const& n : seen)
      if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
    return names;
  };
  std::vector<std::string> seen_sites, seen_services;
  for (auto const& [key, n] : cells) {
    seen_sites.push_back(key.first);
    seen_services.push_back(key.second);
  }
  std::sort(seen_sites.begin(), seen_sites.end());
  seen_sites.erase(std::unique(seen_sites.begin(), seen_sites.end()), seen_sites.end());
  std::sort(seen_services.begin(), seen_services.end());
  seen_services.erase(std::unique(seen_services.begin(), seen_services.end()), seen_services.end());
  auto sites = ordered(e.sites.empty() ? std::vector<std::string>{""} : e.sites, seen_sites);
  auto services = ordered(e.services, seen_services);

  domain::tally_counts out;
  for (auto const& svc : services) {
    std::int64_t n = 0;
    for (auto const& site : sites)
      if (auto it = cells.find({site, svc}); it != cells.end()) n += it->second;
    out.services.push_back({svc, n});
    out.served += n;
  }
  for (auto const& site : sites) {
    domain::site_services per{site, {}};
    std::int64_t n = 0;
    for (auto const& svc : services) {
      auto it = cells.find({site, svc});
      std::int64_t v = it == cells.end() ? 0 : it->second;
      per.services.push_back({svc, v});
      n += v;
    }
    // An event without sites has one unnamed place: it shows in by_site, not in sites.
    if (!site.empty() || !e.sites.empty()) out.sites.push_back({site, n});
    out.by_site.push_back(std::move(per));
  }
  return out;
}

}  // namespace qiandao::storage
