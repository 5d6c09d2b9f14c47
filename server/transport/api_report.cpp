// The programme report to the commission: JSON, and the same as an XLSX workbook.
#include <cstdio>
#include <filesystem>

#include "domain/report.hpp"
#include "domain/validate.hpp"
#include "transport/report_xlsx.hpp"
#include "transport/router.hpp"
#include "transport/write.hpp"

namespace qiandao::transport {

namespace {

json rate_json(std::optional<double> r) { return r ? json(*r) : json(nullptr); }

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
                   {"checked_in", e.checked_in}, {"rate", rate_json(e.rate)}, {"walk_ins", e.walk_ins},
                   {"late", e.late}, {"leave", e.leave}, {"served", e.served}, {"services", services}});
  }
  return out;
}

json units_json(std::vector<domain::report_unit> const& units) {
  json out = json::array();
  for (auto const& u : units) {
    out.push_back({{"unit_id", u.unit_id}, {"unit", u.unit}, {"kind", u.kind},
                   {"parent", u.parent ? json(*u.parent) : json(nullptr)}, {"expected", u.expected},
                   {"registered", u.registered}, {"attended", u.attended}, {"rate", rate_json(u.rate)},
                   {"leave", u.leave}, {"late", u.late}});
  }
  return out;
}

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

domain::report load_report(call& c) {
  auto r = c.a.db.read()->load_report();
  r.generated_at = domain::now_text();
  domain::finish_report(r);
  return r;
}

// Where the workbook is written before it is read back: TMPDIR (or /tmp), else next to
// the database, which is writable by definition.
std::string scratch_dir(config const& cfg) {
  std::error_code ec;
  auto tmp = std::filesystem::temp_directory_path(ec);
  if (!ec) return tmp.string();
  auto beside = std::filesystem::path(cfg.db_path).parent_path();
  return beside.empty() ? "." : beside.string();
}

net::awaitable<response> get_report(call& c) {
  co_return json_response(c.req, http::status::ok, report_json(load_report(c)));
}

net::awaitable<response> get_report_xlsx(call& c) {
  auto r = load_report(c);
  auto bytes = report_xlsx(r, scratch_dir(c.a.cfg));
  if (!bytes) {
    std::fprintf(stderr, "qiandao: GET /api/v1/report.xlsx: %s\n", bytes.err().message.c_str());
    co_return error_response(c.req, bytes.err());
  }
  auto detail = "xlsx: " + std::to_string(r.events.size()) + " events, " + std::to_string(r.units.size()) +
                " units";
  auto audited = co_await commit<bool>(c.a.db, [&](domain::store& w) {
    w.audit(domain::now_text(), c.who->label(), "report.export", "report", detail);
    return std::pair{true, true};
  });
  if (!audited) co_return unavailable(c.req);  // no unaudited export
  std::string day = r.generated_at.substr(0, 4) + r.generated_at.substr(5, 2) + r.generated_at.substr(8, 2);
  response res{http::status::ok, c.req.version()};
  res.set(http::field::server, "qiandao");
  res.set(http::field::content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  res.set(http::field::content_disposition, "attachment; filename=\"qiandao-report-" + day + ".xlsx\"");
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.body() = std::move(bytes.value());
  res.prepare_payload();
  co_return res;
}

}  // namespace

std::vector<route> report_routes() {
  using http::verb;
  return {
      {verb::get, "/api/v1/report", access::admin, get_report},
      {verb::get, "/api/v1/report.xlsx", access::admin, get_report_xlsx},
  };
}

}  // namespace qiandao::transport
