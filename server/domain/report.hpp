#pragma once
// The programme report to the commission (README "The report"), as plain values: storage
// fills the counts, finish_report() derives the rates and totals. No JSON, no SQL.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/model.hpp"

namespace qiandao::domain {

struct report_event {
  id_t id = 0;
  std::string title, kind, venue, starts_at, ends_at, status;
  std::vector<std::string> lead_departments;
  std::optional<std::int64_t> capacity;
  std::int64_t registered = 0;  // confirmed registrations
  std::int64_t waitlisted = 0;
  std::int64_t checked_in = 0;  // confirmed and checked in
  std::int64_t walk_ins = 0;    // confirmed, source walk_in
  std::int64_t late = 0;        // checked in after starts_at
  std::int64_t leave = 0;       // on leave and not checked in
  std::int64_t served = 0;      // live tallies
  std::optional<double> rate;   // checked_in / registered
  std::vector<named_count> services;  // configured order, then unconfigured by name
};

struct report_unit {
  id_t unit_id = 0;
  std::string unit, kind;
  std::optional<std::string> parent;
  // Summed over every event.
  std::int64_t expected = 0, registered = 0, attended = 0, leave = 0, late = 0;
  // Σ per event of the quota where the unit has one, else its registrations there: the
  // denominator of the unit view's rate, summed, so a quota-less lecture cannot push a
  // unit's conference rate past 100 %.
  std::int64_t basis = 0;
  std::optional<double> rate;  // attended / basis
};

struct report_service {
  id_t event_id = 0;
  std::string event, site, service;
  std::int64_t served = 0;
};

struct event_ref {
  id_t id = 0;
  std::string title;
};

struct report_department {
  std::string department;
  std::vector<event_ref> events;  // in programme order
};

struct report_totals {
  std::int64_t registered = 0, checked_in = 0, walk_ins = 0, served = 0, expected = 0, leave = 0;
};

struct report {
  programme prog;
  std::string generated_at;
  std::vector<report_event> events;            // by starts_at, id
  std::vector<report_unit> units;              // every unit, by kind then name
  std::vector<report_service> services;        // event, site, service with live tallies
  std::vector<report_department> departments;  // by department name
  report_totals totals;
};

// part / whole, or nothing when there is no whole.
inline std::optional<double> share(std::int64_t part, std::int64_t whole) {
  if (whole <= 0) return std::nullopt;
  return static_cast<double>(part) / static_cast<double>(whole);
}

// Rates and totals from the counts storage filled in.
inline void finish_report(report& r) {
  r.totals = {};
  for (auto& e : r.events) {
    e.rate = share(e.checked_in, e.registered);
    r.totals.registered += e.registered;
    r.totals.checked_in += e.checked_in;
    r.totals.walk_ins += e.walk_ins;
    r.totals.served += e.served;
    r.totals.leave += e.leave;
  }
  for (auto& u : r.units) {
    u.rate = share(u.attended, u.basis);
    r.totals.expected += u.expected;
  }
}

}  // namespace qiandao::domain
