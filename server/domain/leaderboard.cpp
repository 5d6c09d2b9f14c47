#include "domain/leaderboard.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace qiandao::domain {

namespace {

// Points to 1e-6: sums of means of hundredths compare equal when they are.
double settle(double v) { return std::round(v * 1e6) / 1e6; }

std::optional<double> item_score(std::vector<std::int64_t> points, std::string const& rule) {
  if (points.empty()) return std::nullopt;
  std::sort(points.begin(), points.end());
  if (rule == "trimmed_mean" && points.size() >= 3) points = {points.begin() + 1, points.end() - 1};
  double sum = 0;
  for (auto p : points) sum += static_cast<double>(p);
  return settle(sum / static_cast<double>(points.size()) / 100.0);
}

}  // namespace

leaderboard compute_leaderboard(competition const& comp, std::vector<competitor> const& competitors,
                                std::vector<score> const& live, std::vector<draw> const& draws) {
  leaderboard lb;
  lb.published = comp.published_at.has_value();
  std::map<id_t, competitor const*> people;
  for (auto const& c : competitors) people[c.registration_id] = &c;

  // (item, registration) → the judges' points
  std::map<std::pair<id_t, id_t>, std::vector<std::int64_t>> cells;
  std::set<id_t> entered;  // drawn to appear, or scored
  for (auto const& s : live) {
    cells[{s.item_id, s.registration_id}].push_back(s.points);
    entered.insert(s.registration_id);
  }
  for (auto const& d : draws)
    for (id_t r : d.order) entered.insert(r);

  std::map<id_t, double> best_item;
  for (id_t r : entered) {
    auto who = people.find(r);
    if (who == people.end()) continue;  // cancelled since
    individual_result row;
    row.c = *who->second;
    row.complete = true;
    double best = 0;
    for (auto const& item : comp.items) {
      item_result ir{item.id, std::nullopt, 0};
      if (auto it = cells.find({item.id, r}); it != cells.end()) {
        ir.scored_by = static_cast<std::int64_t>(it->second.size());
        ir.score = item_score(it->second, comp.scoring_rule);
      }
      if (ir.scored_by < item.judges) row.complete = false;
      if (ir.score) {
        row.total += *ir.score;
        best = std::max(best, *ir.score);
      }
      row.items.push_back(ir);
    }
    row.total = settle(row.total);
    best_item[r] = best;
    lb.individuals.push_back(std::move(row));
  }
  auto ahead = [&](individual_result const& a, individual_result const& b) {
    if (a.total != b.total) return a.total > b.total;
    return best_item[a.c.registration_id] > best_item[b.c.registration_id];
  };
  std::stable_sort(lb.individuals.begin(), lb.individuals.end(), [&](auto const& a, auto const& b) {
    if (ahead(a, b) || ahead(b, a)) return ahead(a, b);
    return a.c.registration_id < b.c.registration_id;
  });
  for (std::size_t i = 0; i < lb.individuals.size(); ++i) {
    auto& row = lb.individuals[i];
    row.rank = (i > 0 && !ahead(lb.individuals[i - 1], row)) ? lb.individuals[i - 1].rank
                                                               : static_cast<std::int64_t>(i + 1);
  }

  // Units: a unit's competitors' totals, all of them or the best N (they arrive best first).
  std::map<std::string, unit_result> units;
  for (auto const& row : lb.individuals) {
    std::string name = row.c.unit.empty() ? "未填单位 / no unit" : row.c.unit;
    auto& u = units[name];
    u.unit = name;
    if (comp.unit_rule == "best_n" && u.counted >= comp.unit_best_n) continue;
    u.total = settle(u.total + row.total);
    ++u.counted;
  }
  for (auto& [name, u] : units) lb.units.push_back(u);
  std::stable_sort(lb.units.begin(), lb.units.end(), [](auto const& a, auto const& b) {
    if (a.total != b.total) return a.total > b.total;
    return a.unit < b.unit;
  });
  for (std::size_t i = 0; i < lb.units.size(); ++i)
    lb.units[i].rank = (i > 0 && lb.units[i - 1].total == lb.units[i].total) ? lb.units[i - 1].rank
                                                                             : static_cast<std::int64_t>(i + 1);

  // Now competing and next up: in item order, the drawn competitors not yet scored by all
  // the item's judges.
  std::map<id_t, draw const*> draw_of;
  for (auto const& d : draws) draw_of[d.item_id] = &d;
  std::vector<slot> waiting;
  for (auto const& item : comp.items) {
    auto d = draw_of.find(item.id);
    if (d == draw_of.end()) continue;
    for (std::size_t i = 0; i < d->second->order.size() && waiting.size() < 2; ++i) {
      id_t r = d->second->order[i];
      auto it = cells.find({item.id, r});
      auto scored = it == cells.end() ? 0 : static_cast<std::int64_t>(it->second.size());
      auto who = people.find(r);
      if (scored < item.judges && who != people.end())
        waiting.push_back({item.id, item.name, static_cast<std::int64_t>(i + 1), *who->second});
    }
    if (waiting.size() == 2) break;
  }
  if (!waiting.empty()) lb.now = waiting[0];
  if (waiting.size() > 1) lb.next = waiting[1];
  return lb;
}

}  // namespace qiandao::domain
