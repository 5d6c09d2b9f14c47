// The programme report to the commission: JSON, and the same as an XLSX workbook.
#include <cstdio>
#include <filesystem>

#include "domain/accounts.hpp"
#include "domain/report.hpp"
#include "domain/validate.hpp"
#include "transport/downloads.hpp"
#include "transport/report_xlsx.hpp"
#include "transport/router.hpp"
#include "transport/write.hpp"

namespace qiandao::transport {

namespace {


domain::report load_report(call& c) {
  auto r = c.a.db.read()->load_report();
  r.generated_at = domain::now_text();
  domain::finish_report(r);
  return r;
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
  auto audited = co_await commit_rule<bool>(
      c.a.db, [&](domain::store& w) { return domain::audit_export(w, *c.who, "report.export", "report", detail); });
  if (auto no = refusal(c, audited)) co_return *no;  // no unaudited export
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
