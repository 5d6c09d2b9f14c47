// Events, the programme, and the board snapshot over plain HTTP.
#include <charconv>
#include "domain/accounts.hpp"
#include "domain/board.hpp"
#include "domain/events.hpp"
#include "domain/validate.hpp"
#include "transport/router.hpp"
#include "transport/write.hpp"

namespace qiandao::transport {

namespace {

net::awaitable<response> list_events(call& c) {
  json items = json::array();
  for (auto const& e : c.a.db.read()->list_events()) items.push_back(to_json(e));
  co_return json_response(c.req, http::status::ok, {{"items", items}});
}

net::awaitable<response> get_event(call& c) {
  auto e = c.a.db.read()->find_event(c.ids.at(0));
  if (!e) co_return error_response(c.req, not_found_error());
  co_return json_response(c.req, http::status::ok, to_json(*e));
}

net::awaitable<response> save_event(call& c, bool create) {
  std::optional<response> bad;
  auto body = body_object(c, bad);
  if (!body) co_return *bad;
  domain::field_errors f;
  auto changes = read_event_changes(*body, f);
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  std::optional<domain::id_t> id;
  if (!create) id = c.ids.at(0);
  auto done = co_await commit_rule<domain::event>(c.a.db, [&](domain::store& s) {
    return create ? domain::create_event(s, *c.who, changes) : domain::update_event(s, *c.who, *id, changes);
  });
  co_return outcome_response(c, done, create ? http::status::created : http::status::ok,
                            [](domain::event const& e) { return to_json(e); });
}

net::awaitable<response> create_event(call& c) { return save_event(c, true); }
net::awaitable<response> update_event(call& c) { return save_event(c, false); }

net::awaitable<response> get_programme(call& c) {
  co_return json_response(c.req, http::status::ok, to_json(c.a.db.read()->get_programme()));
}

net::awaitable<response> set_programme(call& c) {
  std::optional<response> bad;
  auto body = body_object(c, bad);
  if (!body) co_return *bad;
  domain::field_errors f;
  auto title = get_string(*body, "title", f, false);
  auto theme = get_string(*body, "theme", f, false);
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  auto done = co_await commit_rule<domain::programme>(
      c.a.db, [&](domain::store& s) { return domain::update_programme(s, *c.who, title, theme); });
  co_return outcome_response(c, done, http::status::ok, [](domain::programme const& p) { return to_json(p); });
}

// `?events=3,5`: the board's selection, event ids separated by commas; empty when absent.
std::optional<std::vector<domain::id_t>> board_selection(call const& c, domain::field_errors& f) {
  std::vector<domain::id_t> ids;
  auto it = c.query.find("events");
  if (it == c.query.end() || it->second.empty()) return ids;
  std::string_view rest = it->second;
  while (true) {
    auto comma = rest.find(',');
    auto part = rest.substr(0, comma);
    domain::id_t id = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), id);
    if (ec != std::errc() || end != part.data() + part.size() || id <= 0 || ids.size() == 200) {
      f.add("events", "须为以逗号分隔的活动编号（至多 200 个）/ must be event ids separated by commas (at most 200)");
      return std::nullopt;
    }
    ids.push_back(id);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return ids;
}

// The same content as the WebSocket's first frame, read fresh from the database; with
// `?events=` just those events, their check-ins and chart, and totals over them.
net::awaitable<response> board(call& c) {
  domain::field_errors f;
  auto ids = board_selection(c, f);
  if (!ids) co_return error_response(c.req, f.to_error());
  auto b = domain::load_board(*c.a.db.read(), 20);
  if (!ids->empty()) b = domain::select_board(std::move(b), *ids);
  json events = json::array(), recent = json::array(), history = json::array();
  for (auto const& e : b.events) events.push_back(to_json(e));
  for (auto const& r : b.recent) recent.push_back(to_json(r));
  for (auto const& m : b.history) history.push_back(to_json(m));
  co_return json_response(
      c.req, http::status::ok,
      {{"type", "snapshot"},
       {"programme", {{"title", b.prog.title}, {"theme", b.prog.theme}}},
       {"events", events},
       {"totals", to_json(domain::totals_over(b.events))},
       {"recent", recent},
       {"history", history},
       {"today", domain::board_today()}});
}

}  // namespace

std::vector<route> event_routes() {
  using http::verb;
  return {
      {verb::get, "/api/v1/events", access::kiosk, list_events},
      {verb::post, "/api/v1/events", access::admin, create_event},
      {verb::get, "/api/v1/events/{id}", access::kiosk, get_event},
      {verb::patch, "/api/v1/events/{id}", access::admin, update_event},
      {verb::get, "/api/v1/programme", access::anyone, get_programme},
      {verb::patch, "/api/v1/programme", access::admin, set_programme},
      {verb::get, "/api/v1/board", access::board, board},
  };
}

}  // namespace qiandao::transport
