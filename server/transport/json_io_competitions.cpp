// The contract's JSON for skill competitions. `masked`: names as judges see them.
#include "domain/validate.hpp"
#include "transport/json_io.hpp"

namespace qiandao::transport {

namespace {

double points(std::int64_t hundredths) { return static_cast<double>(hundredths) / 100.0; }

std::string name_for(bool masked, std::string const& name) { return masked ? domain::mask_name(name) : name; }

}  // namespace

json item_json(domain::competition_item const& i) {
  return {{"id", i.id},
          {"position", i.position},
          {"name", i.name},
          {"max_score", points(i.max_score)},
          {"time_limit_s", i.time_limit_s ? json(*i.time_limit_s) : json(nullptr)},
          {"judges", i.judges},
          {"station", i.station},
          {"roll_call_deadline", i.roll_call_deadline ? json(*i.roll_call_deadline) : json(nullptr)}};
}

json competition_json(domain::competition const& c, std::string const& title) {
  json items = json::array();
  for (auto const& i : c.items) items.push_back(item_json(i));
  return {{"event_id", c.event_id},
          {"title", title},
          {"scoring_rule", c.scoring_rule},
          {"unit_rule", c.unit_rule},
          {"unit_best_n", c.unit_best_n},
          {"published_at", c.published_at ? json(*c.published_at) : json(nullptr)},
          {"published_by", c.published_by ? json(*c.published_by) : json(nullptr)},
          {"items", items}};
}

json competitor_json(bool masked, domain::competitor const& p) {
  return {{"registration_id", p.registration_id}, {"name", name_for(masked, p.name)}, {"unit", p.unit}};
}

json score_json(domain::score const& s) {
  return {{"id", s.id},
          {"item_id", s.item_id},
          {"registration_id", s.registration_id},
          {"judge", s.judge},
          {"score", points(s.points)},
          {"entered_at", s.entered_at},
          {"reason", s.reason ? json(*s.reason) : json(nullptr)},
          {"replaces", s.replaces ? json(*s.replaces) : json(nullptr)}};
}

json draw_json(bool masked, domain::draw const& d, std::vector<domain::competitor> const& people) {
  auto find = [&](domain::id_t id) -> domain::competitor const* {
    for (auto const& p : people)
      if (p.registration_id == id) return &p;
    return nullptr;
  };
  json order = json::array(), absent = json::array();
  for (std::size_t i = 0; i < d.order.size(); ++i) {
    json row = {{"position", i + 1}, {"registration_id", d.order[i]}};
    if (auto p = find(d.order[i])) {
      row["name"] = name_for(masked, p->name);
      row["unit"] = p->unit;
    }
    order.push_back(std::move(row));
  }
  for (auto id : d.no_shows) absent.push_back(id);
  return {{"id", d.id},           {"item_id", d.item_id},   {"seed", d.seed},   {"algorithm", d.algorithm},
          {"drawn_at", d.drawn_at}, {"drawn_by", d.drawn_by}, {"order", order}, {"no_shows", absent}};
}

json slot_json(bool masked, std::optional<domain::slot> const& s) {
  if (!s) return nullptr;
  return {{"item_id", s->item_id},  {"item", s->item},
          {"position", s->position}, {"registration_id", s->c.registration_id},
          {"name", name_for(masked, s->c.name)}, {"unit", s->c.unit}};
}

json results_json(bool masked, domain::competition const& comp, domain::leaderboard const& lb) {
  json individuals = json::array(), units = json::array();
  for (auto const& r : lb.individuals) {
    json items = json::array();
    for (auto const& i : r.items)
      items.push_back({{"item_id", i.item_id}, {"score", i.score ? json(*i.score) : json(nullptr)},
                       {"scored_by", i.scored_by}});
    individuals.push_back({{"rank", r.rank},
                           {"registration_id", r.c.registration_id},
                           {"name", name_for(masked, r.c.name)},
                           {"unit", r.c.unit},
                           {"total", r.total},
                           {"complete", r.complete},
                           {"items", items}});
  }
  for (auto const& u : lb.units)
    units.push_back({{"rank", u.rank}, {"unit", u.unit}, {"total", u.total}, {"counted", u.counted}});
  return {{"published", lb.published},
          {"published_at", comp.published_at ? json(*comp.published_at) : json(nullptr)},
          {"individuals", individuals},
          {"units", units},
          {"now", slot_json(masked, lb.now)},
          {"next", slot_json(masked, lb.next)}};
}

}  // namespace qiandao::transport
