// The contract's JSON for the programme report and attendance by unit.
#include "transport/json_io.hpp"

namespace qiandao::transport {

namespace {

json optional_rate(std::optional<double> r) { return r ? json(*r) : json(nullptr); }

json events_json(std::vector<domain::report_event> const& events) {
  json out = json::array();
  for (auto const& e : events) {
    json services = json::array();
    for (auto const& v : e.services) services.push_back({{"name", v.name}, {"served", v.served}});
    out.push_back({{"id", e.id}, {"title", e.title}, {"kind", e.kind}, {"venue", e.venue},
                   {"starts_at", e.starts_at}, {"ends_at", e.ends_at}, {"status", e.status},
                   {"lead_departments", e.lead_departments},
                   {"capacity", e.capacity ? json(*e.capacity) : json(nullptr)},
                   {"registered", e.registered}, {"waitlisted", e.waitlisted},
                   {"checked_in", e.checked_in}, {"rate", optional_rate(e.rate)}, {"walk_ins", e.walk_ins},
                   {"late", e.late}, {"leave", e.leave}, {"served", e.served}, {"services", services}});
  }
  return out;
}

json units_json(std::vector<domain::report_unit> const& units) {
  json out = json::array();
  for (auto const& u : units) {
    out.push_back({{"unit_id", u.unit_id}, {"unit", u.unit}, {"kind", u.kind},
                   {"parent", u.parent ? json(*u.parent) : json(nullptr)}, {"expected", u.expected},
                   {"registered", u.registered}, {"attended", u.attended}, {"rate", optional_rate(u.rate)},
                   {"leave", u.leave}, {"late", u.late}});
  }
  return out;
}

}  // namespace

json report_json(domain::report const& r) {
  json services = json::array();
  for (auto const& v : r.services) {
    services.push_back({{"event_id", v.event_id}, {"event", v.event}, {"site", v.site},
                        {"service", v.service}, {"served", v.served}});
  }
  json departments = json::array();
  for (auto const& d : r.departments) {
    json events = json::array();
    for (auto const& e : d.events) events.push_back({{"id", e.id}, {"title", e.title}});
    departments.push_back({{"department", d.department}, {"events", events}});
  }
  auto const& t = r.totals;
  return {{"programme", {{"title", r.prog.title}, {"theme", r.prog.theme}}},
          {"generated_at", r.generated_at},
          {"events", events_json(r.events)},
          {"units", units_json(r.units)},
          {"services", services},
          {"departments", departments},
          {"totals",
           {{"registered", t.registered}, {"checked_in", t.checked_in}, {"walk_ins", t.walk_ins},
            {"served", t.served}, {"expected", t.expected}, {"leave", t.leave}}}};
}

json quotas_json(std::vector<domain::quota> const& quotas) {
  json items = json::array();
  for (auto const& q : quotas)
    items.push_back({{"unit_id", q.unit_id}, {"unit", q.unit}, {"kind", q.kind}, {"expected", q.expected}});
  return {{"items", items}};
}

json attendance_json(domain::attendance const& a) {
  return {{"registered", a.registered}, {"checked_in", a.checked_in}, {"late", a.late},
          {"leave", a.leave},           {"absent", a.absent()}};
}

}  // namespace qiandao::transport
