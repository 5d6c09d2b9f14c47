// Registration lists out as CSV and XLSX (honouring the list's filters, e.g. "registered,
// not yet checked in"), and competition results as XLSX. ID and phone numbers stay text
// with every digit: in the workbook as strings, in the CSV as ="…" so Excel does not turn
// an 18-digit ID number into 3.1E+17 (the importer reads that form back).
#include <filesystem>

#include "domain/accounts.hpp"
#include "domain/competitions.hpp"
#include "domain/csv_import.hpp"
#include "domain/validate.hpp"
#include "transport/downloads.hpp"
#include "transport/report_xlsx.hpp"
#include "transport/write.hpp"

namespace qiandao::transport {

namespace {

std::vector<std::string> const registration_headers = {"姓名", "手机号", "工作单位", "类别", "身份证号",
                                                       "状态", "来源", "报名时间", "签到时间", "票码"};

// The list's filters from the query (as GET …/registrations reads them), or the 422.
std::optional<domain::registration_query> export_query(call& c, std::optional<response>& bad) {
  domain::registration_query q;
  q.event_id = c.ids.at(0);
  domain::field_errors f;
  read_registration_filters(c.query, q, f);
  if (auto u = query_int(c, "unit_id", 0, 1, 999999999999999, f); u && *u != 0) q.unit_id = *u;
  if (!f.empty()) {
    bad = error_response(c.req, f.to_error());
    return std::nullopt;
  }
  q.limit = 500;
  return q;
}

// Every registration the query matches, page by page, in one read snapshot; the 404 in
// `bad` when there is no such event.
std::optional<std::vector<domain::registration>> all_matching(call& c, domain::registration_query q,
                                                              std::optional<response>& bad) {
  auto s = c.a.db.read();
  if (!s->find_event(q.event_id)) {
    bad = error_response(c.req, not_found_error());
    return std::nullopt;
  }
  std::vector<domain::registration> out;
  for (;;) {
    auto page = s->search_registrations(q);
    out.insert(out.end(), page.items.begin(), page.items.end());
    if (page.items.size() < static_cast<std::size_t>(q.limit)) break;
    q.offset += q.limit;
  }
  return out;
}

std::vector<std::string> registration_cells(domain::registration const& r) {
  return {r.name, r.phone, r.organization, r.category, r.id_number.value_or(""), r.status,
          r.source, r.created_at, r.checked_in_at.value_or(""), r.code};
}

std::string filter_detail(domain::registration_query const& q, std::size_t rows, char const* format) {
  std::string d = std::string(format) + ", " + std::to_string(rows) + " rows";
  if (q.not_checked_in) d += ", not checked in";
  if (!q.status.empty()) d += ", status " + q.status;
  return d;
}

std::string file_name(domain::registration_query const& q, char const* ext) {
  return "registrations-" + std::to_string(q.event_id) + (q.not_checked_in ? "-not-checked-in" : "") + ext;
}

net::awaitable<response> export_csv(call& c) {
  std::optional<response> bad;
  auto q = export_query(c, bad);
  if (!q) co_return *bad;
  auto rows = all_matching(c, *q, bad);
  if (!rows) co_return *bad;
  std::string out = "\xEF\xBB\xBF";
  for (auto const& h : registration_headers) out += h + ",";
  out.back() = '\r';
  out += "\n";
  for (auto const& r : *rows) {
    auto cells = registration_cells(r);
    for (std::size_t i = 0; i < cells.size(); ++i)
      out += (i == 1 || i == 4 ? domain::csv_digits_field(cells[i]) : domain::csv_field(cells[i])) + ",";
    out.back() = '\r';
    out += "\n";
  }
  co_return co_await audited_download(c, "registration.export", "event:" + std::to_string(q->event_id),
                                      filter_detail(*q, rows->size(), "csv"), std::move(out), csv_type,
                                      file_name(*q, ".csv"));
}

net::awaitable<response> export_xlsx(call& c) {
  std::optional<response> bad;
  auto q = export_query(c, bad);
  if (!q) co_return *bad;
  auto rows = all_matching(c, *q, bad);
  if (!rows) co_return *bad;
  xlsx_table t{"报名 Registrations", registration_headers, {}};
  for (auto const& r : *rows) {
    std::vector<xlsx_cell> cells;
    for (auto& v : registration_cells(r)) cells.push_back({std::move(v), std::nullopt});
    t.rows.push_back(std::move(cells));
  }
  auto bytes = tables_xlsx({t}, scratch_dir(c.a.cfg));
  if (!bytes) co_return error_response(c.req, bytes.err());
  co_return co_await audited_download(c, "registration.export", "event:" + std::to_string(q->event_id),
                                      filter_detail(*q, rows->size(), "xlsx"), std::move(bytes.value()), xlsx_type,
                                      file_name(*q, ".xlsx"));
}

xlsx_cell num(double v) { return {std::to_string(v), v}; }

// The leaderboard as two sheets: individuals with each item's score, and units.
std::vector<xlsx_table> results_tables(domain::competition const& comp, domain::leaderboard const& lb) {
  xlsx_table people{"个人 Individuals", {"名次", "姓名", "单位"}, {}};
  for (auto const& i : comp.items) people.headers.push_back(i.name);
  people.headers.insert(people.headers.end(), {"总分", "状态"});
  for (auto const& r : lb.individuals) {
    std::vector<xlsx_cell> row{num(static_cast<double>(r.rank)), {r.c.name, std::nullopt}, {r.c.unit, std::nullopt}};
    for (auto const& i : r.items) row.push_back(i.score ? num(*i.score) : xlsx_cell{});
    row.push_back(num(r.total));
    row.push_back({lb.published ? "最终 final" : "暂定 provisional", std::nullopt});
    people.rows.push_back(std::move(row));
  }
  xlsx_table units{"团体 Units", {"名次", "单位", "团体总分"}, {}};
  for (auto const& u : lb.units)
    units.rows.push_back({num(static_cast<double>(u.rank)), {u.unit, std::nullopt}, num(u.total)});
  return {people, units};
}

net::awaitable<response> results_xlsx(call& c) {
  auto event_id = c.ids.at(0);
  auto s = c.a.db.read();
  auto comp = s->find_event(event_id) ? s->find_competition(event_id) : std::nullopt;
  if (!comp)
    co_return error_response(c.req, domain::make_error(domain::error_kind::not_found, "not_competition",
                                                       "该活动不是已设置的竞赛 / not a configured competition"));
  auto lb = domain::load_leaderboard(*s, *comp);
  auto bytes = tables_xlsx(results_tables(*comp, lb), scratch_dir(c.a.cfg));
  if (!bytes) co_return error_response(c.req, bytes.err());
  co_return co_await audited_download(c, "competition.export", "event:" + std::to_string(event_id),
                                      "xlsx, " + std::to_string(lb.individuals.size()) + " rows",
                                      std::move(bytes.value()), xlsx_type,
                                      "competition-" + std::to_string(event_id) + "-results.xlsx");
}

}  // namespace

std::string scratch_dir(config const& cfg) {
  std::error_code ec;
  auto tmp = std::filesystem::temp_directory_path(ec);
  if (!ec) return tmp.string();
  auto beside = std::filesystem::path(cfg.db_path).parent_path();
  return beside.empty() ? "." : beside.string();
}

net::awaitable<response> audited_download(call& c, std::string action, std::string target, std::string detail,
                                          std::string body, std::string content_type, std::string filename) {
  auto audited = co_await commit_rule<bool>(
      c.a.db, [&](domain::store& w) { return domain::audit_export(w, *c.who, action, target, detail); });
  if (auto no = refusal(c, audited)) co_return *no;
  response res{http::status::ok, c.req.version()};
  res.set(http::field::server, "qiandao");
  res.set(http::field::content_type, content_type);
  res.set(http::field::content_disposition, "attachment; filename=\"" + filename + "\"");
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.body() = std::move(body);
  res.prepare_payload();
  co_return res;
}

std::vector<route> export_routes() {
  using http::verb;
  return {
      {verb::get, "/api/v1/events/{id}/registrations.csv", access::admin, export_csv},
      {verb::get, "/api/v1/events/{id}/registrations.xlsx", access::admin, export_xlsx},
      {verb::get, "/api/v1/events/{id}/competition/results.xlsx", access::admin, results_xlsx},
  };
}

}  // namespace qiandao::transport
