// Tickets (/t/{code}), QR images, and registration lists in as CSV (out: api_exports.cpp).
#include "domain/accounts.hpp"
#include "domain/csv_import.hpp"
#include "domain/validate.hpp"
#include "transport/qr_svg.hpp"
#include "transport/router.hpp"
#include "transport/write.hpp"

namespace qiandao::transport {

namespace {

response svg_response(request const& req, std::string svg) {
  response res{http::status::ok, req.version()};
  res.set(http::field::server, "qiandao");
  res.set(http::field::content_type, "image/svg+xml");
  res.set(http::field::cache_control, "private, max-age=3600");
  res.set("X-Content-Type-Options", "nosniff");
  res.body() = std::move(svg);
  res.prepare_payload();
  return res;
}

std::string date_line(std::string const& starts, std::string const& ends) {
  // "2024-08-19T14:00:00+08:00" → "2024-08-19 14:00–16:30"
  std::string out = starts.substr(0, 10) + " " + starts.substr(11, 5) + "–";
  if (ends.substr(0, 10) != starts.substr(0, 10)) out += ends.substr(0, 10) + " ";
  return out + ends.substr(11, 5);
}

std::string ticket_html(domain::registration const& r, domain::event const& e, std::string const& qr) {
  std::string status = r.status == "confirmed"    ? "报名成功 / Confirmed"
                       : r.status == "waitlisted" ? "候补中 / Waitlisted"
                                                  : "已取消 / Cancelled";
  return "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
         "<title>入场券 Ticket — " + html_escape(e.title) + "</title>"
         "<link rel=\"stylesheet\" href=\"/web/shared/ticket.css\">"
         "<style>@page{size:A6;margin:6mm}body{font-family:system-ui,\"Noto Sans CJK SC\",sans-serif;margin:0;"
         "display:flex;justify-content:center}.ticket{width:93mm;padding:4mm;border:1px dashed #999;"
         "text-align:center}.qr svg{width:60mm;height:60mm}h1{font-size:15pt;margin:2mm 0}"
         "p{margin:1mm 0;font-size:10pt}.name{font-size:14pt;font-weight:600}.code{font-family:monospace;"
         "font-size:8pt;color:#555;word-break:break-all}@media print{.ticket{border:none}}</style>"
         "</head><body><main class=\"ticket\"><p>签到入场券 · Admission ticket</p>"
         "<h1>" + html_escape(e.title) + "</h1>"
         "<p>" + html_escape(date_line(e.starts_at, e.ends_at)) + "</p>"
         "<p>" + html_escape(e.venue) + "</p>"
         "<div class=\"qr\">" + qr + "</div>"
         "<p class=\"name\">" + html_escape(domain::mask_name(r.name)) + "</p>"
         "<p>" + html_escape(status) + "</p>"
         "<p class=\"code\">" + html_escape(r.code) + "</p>"
         "<p>请在入口出示此码 / Show this code at the entrance</p></main></body></html>";
}

std::optional<domain::registration> ticket_of(call& c, std::string_view code) {
  auto s = c.a.db.read();
  return s->find_registration_by_code(domain::normalize_code(code));
}

std::string_view code_segment(request const& req) {
  std::string_view target = req.target();
  target = target.substr(0, target.find('?'));
  target.remove_prefix(3);  // "/t/"
  return target.substr(0, target.find('/'));
}

net::awaitable<response> import_csv(call& c) {
  auto event_id = c.ids.at(0);
  bool dry_run = query_flag(c, "dry_run");
  if (!c.a.db.read()->find_event(event_id)) co_return error_response(c.req, not_found_error());
  auto csv = domain::read_registration_csv(c.req.body());
  if (!csv) co_return error_response(c.req, csv.err());
  auto report = co_await commit<domain::import_report>(c.a.db, [&](domain::store& s) {
    auto r = domain::import_registrations(s, *c.who, event_id, csv.value(), dry_run);
    return std::pair{std::move(r), !dry_run};  // a dry run rolls everything back
  });
  if (!report) co_return unavailable(c.req);
  json rejected = json::array();
  for (auto const& r : report->rejected) rejected.push_back({{"line", r.line}, {"reason", r.reason}});
  co_return json_response(c.req, http::status::ok,
                          {{"dry_run", dry_run}, {"accepted", report->accepted},
                           {"waitlisted", report->waitlisted}, {"rejected", rejected}});
}

net::awaitable<response> qr_of_text(call& c) {
  auto it = c.query.find("text");
  if (it == c.query.end() || it->second.empty() || it->second.size() > 1000) {
    domain::field_errors f;
    f.add("text", "须为 1–1000 字节 / 1–1000 bytes");
    co_return error_response(c.req, f.to_error());
  }
  auto svg = qr_svg(it->second);
  if (!svg) co_return error_response(c.req, domain::make_error(domain::error_kind::invalid, "invalid", "无法生成二维码 / cannot encode"));
  co_return svg_response(c.req, *svg);
}

}  // namespace

// /t/{code} and /t/{code}/qr.svg: the code itself is the credential, as on a paper ticket.
net::awaitable<response> serve_ticket(app& a, request const& req) {
  call c{a, req, "", {}, {}, std::nullopt};
  std::string_view target = req.target();
  bool svg = target.substr(0, target.find('?')).ends_with("/qr.svg");
  auto r = ticket_of(c, code_segment(req));
  if (!r) co_return error_response(req, domain::make_error(domain::error_kind::not_found, "not_found", "票码无效 / unknown ticket"));
  auto qr = qr_svg(r->code);
  if (svg) co_return svg_response(req, *qr);
  auto e = c.a.db.read()->find_event(r->event_id);
  response res{http::status::ok, req.version()};
  res.set(http::field::server, "qiandao");
  res.set(http::field::content_type, "text/html; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "no-referrer");  // the URL holds the ticket code
  res.set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'");
  res.body() = ticket_html(*r, *e, *qr);
  res.prepare_payload();
  co_return res;
}

std::vector<route> ticket_routes() {
  using http::verb;
  return {
      {verb::post, "/api/v1/events/{id}/registrations/import", access::staff, import_csv, route::body::import},
      {verb::get, "/api/v1/qr.svg", access::staff, qr_of_text},
  };
}

}  // namespace qiandao::transport
