// Skill competitions: rules and items, roll-call, the draw, scores, results, publication.
#include "domain/accounts.hpp"
#include "domain/competitions.hpp"
#include "domain/csv_import.hpp"
#include "domain/validate.hpp"
#include "transport/router.hpp"
#include "transport/write.hpp"

namespace qiandao::transport {

namespace {

using domain::error_kind;
using domain::make_error;

// Judges score by draw position and unit; only staff see whole names.
bool masked(call const& c) { return !c.who->is_staff(); }

// The competition of the path's event, or the 404 to send.
struct loaded {
  domain::competition comp;
  std::string title;
};

std::optional<loaded> load(call& c, domain::store& s, std::optional<response>& out) {
  auto ev = s.find_event(c.ids.at(0));
  auto comp = ev ? s.find_competition(ev->id) : std::nullopt;
  if (!comp) {
    out = error_response(c.req, make_error(error_kind::not_found, "not_competition",
                                           "该活动不是已设置的竞赛 / not a configured competition"));
    return std::nullopt;
  }
  return loaded{std::move(*comp), ev->title};
}


std::optional<double> number_field(json const& j, char const* key, domain::field_errors& f, std::string const& at,
                                   bool required) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) f.add(at + key, "必填 / required");
    return std::nullopt;
  }
  if (!it->is_number()) {
    f.add(at + key, "须为数字 / must be a number");
    return std::nullopt;
  }
  return it->get<double>();
}

net::awaitable<response> list_all(call& c) {
  auto s = c.a.db.read();
  json items = json::array();
  for (auto const& comp : s->list_competitions()) {
    auto ev = s->find_event(comp.event_id);
    items.push_back(competition_json(comp, ev ? ev->title : ""));
  }
  co_return json_response(c.req, http::status::ok, {{"items", items}});
}

net::awaitable<response> get_one(call& c) {
  auto s = c.a.db.read();
  std::optional<response> out;
  auto l = load(c, *s, out);
  if (!l) co_return *out;
  co_return json_response(c.req, http::status::ok, competition_json(l->comp, l->title));
}

net::awaitable<response> configure(call& c) {
  std::optional<response> bad;
  auto body = body_object(c, bad);
  if (!body) co_return *bad;
  domain::field_errors f;
  domain::competition_changes in;
  in.scoring_rule = get_string(*body, "scoring_rule", f, false);
  in.unit_rule = get_string(*body, "unit_rule", f, false);
  in.unit_best_n = get_int(*body, "unit_best_n", f, false);
  if (auto it = body->find("items"); it != body->end()) {
    if (!it->is_array() || it->size() > 50) {
      f.add("items", "须为至多 50 项的数组 / a list of at most 50");
    } else {
      std::vector<domain::competition_item> items;
      for (std::size_t i = 0; i < it->size(); ++i) {
        auto const& j = (*it)[i];
        std::string at = "items[" + std::to_string(i) + "].";
        if (!j.is_object()) {
          f.add("items[" + std::to_string(i) + "]", "须为对象 / must be an object");
          continue;
        }
        domain::field_errors g;
        domain::competition_item item;
        item.id = get_int(j, "id", g, false).value_or(0);
        item.name = get_string(j, "name", g, true).value_or("");
        if (auto m = number_field(j, "max_score", f, at, true)) {
          if (auto h = domain::hundredths(*m)) item.max_score = *h;
          else f.add(at + "max_score", "最多两位小数 / at most two decimals");
        }
        item.time_limit_s = get_int(j, "time_limit_s", g, false);
        item.judges = get_int(j, "judges", g, false).value_or(1);
        item.station = get_string(j, "station", g, false).value_or("");
        item.roll_call_deadline = get_string(j, "roll_call_deadline", g, false);
        for (auto const& [k, why] : g.fields) f.add(at + k, why);
        items.push_back(std::move(item));
      }
      in.items = std::move(items);
    }
  }
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  auto event_id = c.ids.at(0);
  auto done = co_await commit_rule<domain::competition>(
      c.a.db, [&](domain::store& s) { return domain::configure_competition(s, *c.who, event_id, in); });
  if (auto bad_answer = refusal(c, done)) co_return *bad_answer;
  auto ev = c.a.db.read()->find_event(event_id);
  co_return json_response(c.req, http::status::ok, competition_json(done->value(), ev ? ev->title : ""));
}

net::awaitable<response> roll_call(call& c) {
  auto s = c.a.db.read();
  auto rc = domain::take_roll_call(*s, c.ids.at(0), c.ids.at(1));
  if (!rc) co_return error_response(c.req, rc.err());
  json entries = json::array();
  for (auto const& e : rc->entries) {
    json row = competitor_json(masked(c), e.c);
    row["checked_in_at"] = e.c.checked_in_at ? json(*e.c.checked_in_at) : json(nullptr);
    row["status"] = e.status;
    entries.push_back(std::move(row));
  }
  co_return json_response(c.req, http::status::ok,
                          {{"item", item_json(rc->item)}, {"past_deadline", rc->past_deadline}, {"entries", entries}});
}

net::awaitable<response> run_draw(call& c) {
  std::optional<response> bad;
  auto body = body_object(c, bad);
  if (!body) co_return *bad;
  domain::field_errors f;
  auto reason = get_string(*body, "redraw_reason", f, false);
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  auto event_id = c.ids.at(0), item_id = c.ids.at(1);
  auto done = co_await commit_rule<domain::draw>(
      c.a.db, [&](domain::store& s) { return domain::run_draw(s, *c.who, event_id, item_id, reason); });
  if (auto bad_answer = refusal(c, done)) co_return *bad_answer;
  auto people = c.a.db.read()->competitors(event_id);
  co_return json_response(c.req, http::status::created, draw_json(masked(c), done->value(), people));
}

net::awaitable<response> get_draw(call& c) {
  auto s = c.a.db.read();
  std::optional<response> out;
  auto l = load(c, *s, out);
  if (!l) co_return *out;
  bool known = false;
  for (auto const& i : l->comp.items) known = known || i.id == c.ids.at(1);
  if (!known) co_return error_response(c.req, make_error(error_kind::not_found, "not_found", "竞赛项目不存在 / no such item"));
  auto d = s->live_draw(c.ids.at(1));
  if (!d) co_return error_response(c.req, make_error(error_kind::not_found, "not_drawn", "该项目尚未抽签 / not drawn yet"));
  co_return json_response(c.req, http::status::ok, draw_json(masked(c), *d, s->competitors(c.ids.at(0))));
}

net::awaitable<response> enter_score(call& c) {
  std::optional<response> bad;
  auto body = body_object(c, bad);
  if (!body) co_return *bad;
  domain::field_errors f;
  domain::score_request req;
  req.item_id = get_int(*body, "item_id", f, true).value_or(0);
  req.registration_id = get_int(*body, "registration_id", f, true).value_or(0);
  req.nonce = get_string(*body, "nonce", f, true).value_or("");
  req.reason = get_string(*body, "reason", f, false);
  if (auto p = number_field(*body, "score", f, "", true)) {
    if (auto h = domain::hundredths(*p)) req.points = *h;
    else f.add("score", "最多两位小数 / at most two decimals");
  }
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  auto event_id = c.ids.at(0);
  auto done = co_await commit_rule<domain::score_answer>(
      c.a.db, [&](domain::store& s) { return domain::enter_score(s, *c.who, event_id, req); });
  if (auto bad_answer = refusal(c, done)) co_return *bad_answer;
  auto const& a = done->value();
  co_return json_response(c.req, a.first ? http::status::created : http::status::ok,
                          {{"first", a.first}, {"score", score_json(a.s)}});
}

net::awaitable<response> list_scores(call& c) {
  auto s = c.a.db.read();
  std::optional<response> out;
  auto l = load(c, *s, out);
  if (!l) co_return *out;
  domain::field_errors f;
  auto item = query_int(c, "item_id", 0, 1, 999999999999999, f);  // 0: every item
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  json items = json::array();
  for (auto const& sc : s->live_scores(l->comp.event_id)) {
    if (*item != 0 && sc.item_id != *item) continue;
    if (!c.who->is_staff() && sc.judge != c.who->label()) continue;  // a judge sees their own
    items.push_back(score_json(sc));
  }
  co_return json_response(c.req, http::status::ok, {{"items", items}});
}

net::awaitable<response> results(call& c) {
  auto s = c.a.db.read();
  std::optional<response> out;
  auto l = load(c, *s, out);
  if (!l) co_return *out;
  co_return json_response(c.req, http::status::ok, results_json(masked(c), l->comp, domain::load_leaderboard(*s, l->comp)));
}

net::awaitable<response> publish(call& c) {
  auto event_id = c.ids.at(0);
  auto done = co_await commit_rule<domain::competition>(
      c.a.db, [&](domain::store& s) { return domain::publish_results(s, *c.who, event_id, true, ""); });
  if (auto bad_answer = refusal(c, done)) co_return *bad_answer;
  co_return json_response(c.req, http::status::ok, competition_json(done->value(), ""));
}

net::awaitable<response> unpublish(call& c) {
  std::optional<response> bad;
  auto body = body_object(c, bad);
  if (!body) co_return *bad;
  domain::field_errors f;
  auto reason = get_string(*body, "reason", f, true);
  if (!f.empty()) co_return error_response(c.req, f.to_error());
  auto event_id = c.ids.at(0);
  auto done = co_await commit_rule<domain::competition>(
      c.a.db, [&](domain::store& s) { return domain::publish_results(s, *c.who, event_id, false, *reason); });
  if (auto bad_answer = refusal(c, done)) co_return *bad_answer;
  co_return json_response(c.req, http::status::ok, competition_json(done->value(), ""));
}

std::string fixed2(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

net::awaitable<response> results_csv(call& c) {
  auto s = c.a.db.read();
  std::optional<response> out;
  auto l = load(c, *s, out);
  if (!l) co_return *out;
  auto lb = domain::load_leaderboard(*s, l->comp);
  std::string csv = "\xEF\xBB\xBF名次,姓名,单位";
  for (auto const& i : l->comp.items) csv += "," + domain::csv_field(i.name);
  csv += ",总分,状态\r\n";
  for (auto const& r : lb.individuals) {
    csv += std::to_string(r.rank) + "," + domain::csv_field(r.c.name) + "," + domain::csv_field(r.c.unit);
    for (auto const& i : r.items) csv += "," + (i.score ? fixed2(*i.score) : std::string());
    csv += "," + fixed2(r.total) + "," + (lb.published ? "最终 final" : "暂定 provisional") + "\r\n";
  }
  csv += "\r\n名次,单位,团体总分\r\n";
  for (auto const& u : lb.units)
    csv += std::to_string(u.rank) + "," + domain::csv_field(u.unit) + "," + fixed2(u.total) + "\r\n";
  auto event_id = l->comp.event_id;
  auto saved = co_await commit_rule<bool>(c.a.db, [&](domain::store& st) {
    return domain::audit_export(st, *c.who, "competition.export", "event:" + std::to_string(event_id),
                                std::to_string(lb.individuals.size()) + " rows");
  });
  if (auto no = refusal(c, saved)) co_return *no;  // no unaudited export
  response res{http::status::ok, c.req.version()};
  res.set(http::field::server, "qiandao");
  res.set(http::field::content_type, "text/csv; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  res.set(http::field::content_disposition,
          "attachment; filename=\"competition-" + std::to_string(event_id) + "-results.csv\"");
  res.body() = std::move(csv);
  res.prepare_payload();
  co_return res;
}

}  // namespace

std::vector<route> competition_routes() {
  using http::verb;
  std::string const base = "/api/v1/events/{id}/competition";
  return {
      {verb::get, "/api/v1/competitions", access::judge, list_all},
      {verb::get, base, access::judge, get_one},
      {verb::put, base, access::admin, configure},
      {verb::get, base + "/items/{id}/roll-call", access::judge, roll_call},
      {verb::post, base + "/items/{id}/draw", access::staff, run_draw},
      {verb::get, base + "/items/{id}/draw", access::judge, get_draw},
      {verb::post, base + "/scores", access::judge, enter_score},
      {verb::get, base + "/scores", access::judge, list_scores},
      {verb::get, base + "/results", access::judge, results},
      {verb::get, base + "/results.csv", access::admin, results_csv},
      {verb::post, base + "/publish", access::admin, publish},
      {verb::post, base + "/unpublish", access::admin, unpublish},
  };
}

}  // namespace qiandao::transport
