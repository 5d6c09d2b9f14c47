// Skill competitions: rules, items, draws and scores.
#include <algorithm>

#include "storage/rows.hpp"
#include "storage/store.hpp"

namespace qiandao::storage {

namespace {

constexpr char const* item_columns =
    "id, position, name, max_score, time_limit_s, judges, station, roll_call_deadline";

domain::competition_item read_item(statement& s) {
  return {s.get_int(0), s.get_int(1), s.get_text(2), s.get_int(3), s.get_optional_int(4),
          s.get_int(5), s.get_text(6), s.get_optional_text(7)};
}

// Over `scores s`.
constexpr char const* score_columns =
    "s.id, s.item_id, s.registration_id, s.judge, s.score, s.nonce, s.entered_at, s.reason, s.replaces";

domain::score read_score(statement& s) {
  return {s.get_int(0),  s.get_int(1),  s.get_int(2),           s.get_text(3),         s.get_int(4),
          s.get_text(5), s.get_text(6), s.get_optional_text(7), s.get_optional_int(8)};
}

// ?1 is the event (insert) or the item (update); ?2… the item's fields.
statement& bind_item(statement& s, id_t first, domain::competition_item const& i) {
  return s.bind(1, first)
      .bind(2, i.position)
      .bind(3, i.name)
      .bind(4, i.max_score)
      .bind(5, i.time_limit_s)
      .bind(6, i.judges)
      .bind(7, i.station)
      .bind(8, i.roll_call_deadline);
}

std::optional<domain::score> one_score(statement& s) {
  if (!s.step()) return std::nullopt;
  auto sc = read_score(s);
  s.reset();
  return sc;
}

}  // namespace

std::optional<domain::competition> sql_store::find_competition(id_t event_id) {
  auto& s = c_.prepare(
      "SELECT scoring_rule, unit_rule, unit_best_n, published_at, published_by FROM competitions "
      "WHERE event_id = ?1");
  s.bind(1, event_id);
  if (!s.step()) return std::nullopt;
  domain::competition c;
  c.event_id = event_id;
  c.scoring_rule = s.get_text(0);
  c.unit_rule = s.get_text(1);
  c.unit_best_n = s.get_int(2);
  c.published_at = s.get_optional_text(3);
  c.published_by = s.get_optional_text(4);
  s.reset();
  auto& items = c_.prepare(std::string("SELECT ") + item_columns +
                            " FROM competition_items WHERE event_id = ?1 ORDER BY position, id");
  items.bind(1, event_id);
  while (items.step()) c.items.push_back(read_item(items));
  return c;
}

std::vector<domain::competition> sql_store::list_competitions() {
  std::vector<id_t> ids;
  auto& s = c_.prepare(
      "SELECT c.event_id FROM competitions c JOIN events e ON e.id = c.event_id ORDER BY e.starts_at, e.id");
  while (s.step()) ids.push_back(s.get_int(0));
  std::vector<domain::competition> out;
  for (id_t id : ids)
    if (auto c = find_competition(id)) out.push_back(std::move(*c));
  return out;
}

void sql_store::save_competition_rules(domain::competition const& c, std::string const& now) {
  c_.prepare(
         "INSERT INTO competitions (event_id, scoring_rule, unit_rule, unit_best_n, updated_at) "
         "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (event_id) DO UPDATE SET "
         "scoring_rule = excluded.scoring_rule, unit_rule = excluded.unit_rule, "
         "unit_best_n = excluded.unit_best_n, updated_at = excluded.updated_at")
      .bind(1, c.event_id)
      .bind(2, c.scoring_rule)
      .bind(3, c.unit_rule)
      .bind(4, c.unit_best_n)
      .bind(5, now)
      .run();
  touch_event(c.event_id);
}

id_t sql_store::insert_item(id_t event_id, domain::competition_item const& i) {
  return returned_id(bind_item(c_.prepare("INSERT INTO competition_items (event_id, position, name, max_score, "
                                           "time_limit_s, judges, station, roll_call_deadline) "
                                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id"),
                                event_id, i));
}

void sql_store::update_item(domain::competition_item const& i) {
  bind_item(c_.prepare("UPDATE competition_items SET position = ?2, name = ?3, max_score = ?4, "
                        "time_limit_s = ?5, judges = ?6, station = ?7, roll_call_deadline = ?8 WHERE id = ?1"),
            i.id, i)
      .run();
}

void sql_store::delete_item(id_t item_id) {
  c_.prepare("DELETE FROM competition_items WHERE id = ?1").bind(1, item_id).run();
}

bool sql_store::item_in_use(id_t item_id) {
  auto& s = c_.prepare(
      "SELECT EXISTS (SELECT 1 FROM draws WHERE item_id = ?1) OR "
      "EXISTS (SELECT 1 FROM scores WHERE item_id = ?1)");
  s.bind(1, item_id);
  bool used = s.step() && s.get_int(0) != 0;
  s.reset();
  return used;
}

std::vector<domain::competitor> sql_store::competitors(id_t event_id) {
  auto& s = c_.prepare(
      "SELECT r.id, r.name, r.organization, r.unit_id, coalesce(u.name, r.organization), r.checked_in_at "
      "FROM registrations r LEFT JOIN units u ON u.id = r.unit_id "
      "WHERE r.event_id = ?1 AND r.status = 'confirmed' ORDER BY r.id");
  s.bind(1, event_id);
  std::vector<domain::competitor> out;
  while (s.step())
    out.push_back({s.get_int(0), s.get_text(1), s.get_text(2), s.get_text(4), s.get_optional_int(3),
                   s.get_optional_text(5)});
  return out;
}

std::optional<domain::draw> sql_store::live_draw(id_t item_id) {
  auto& s = c_.prepare(
      "SELECT id, item_id, seed, algorithm, drawn_at, drawn_by FROM draws "
      "WHERE item_id = ?1 AND voided_at IS NULL");
  s.bind(1, item_id);
  if (!s.step()) return std::nullopt;
  domain::draw d{s.get_int(0), s.get_int(1), s.get_text(2), s.get_text(3), s.get_text(4), s.get_text(5), {}, {}};
  s.reset();
  auto& e = c_.prepare("SELECT position, registration_id FROM draw_entries WHERE draw_id = ?1 ORDER BY position, registration_id");
  e.bind(1, d.id);
  while (e.step()) (e.get_int(0) == 0 ? d.no_shows : d.order).push_back(e.get_int(1));
  return d;
}

std::vector<domain::draw> sql_store::live_draws(id_t event_id) {
  std::vector<id_t> items;
  auto& s = c_.prepare(
      "SELECT d.item_id FROM draws d JOIN competition_items i ON i.id = d.item_id "
      "WHERE i.event_id = ?1 AND d.voided_at IS NULL ORDER BY i.position, i.id");
  s.bind(1, event_id);
  while (s.step()) items.push_back(s.get_int(0));
  std::vector<domain::draw> out;
  for (id_t item : items)
    if (auto d = live_draw(item)) out.push_back(std::move(*d));
  return out;
}

id_t sql_store::insert_draw(domain::draw const& d) {
  id_t id = returned_id(
      c_.prepare("INSERT INTO draws (item_id, seed, algorithm, drawn_at, drawn_by) VALUES (?1, ?2, ?3, ?4, ?5) "
                 "RETURNING id")
          .bind(1, d.item_id)
          .bind(2, d.seed)
          .bind(3, d.algorithm)
          .bind(4, d.drawn_at)
          .bind(5, d.drawn_by));
  auto& ins = c_.prepare("INSERT INTO draw_entries (draw_id, position, registration_id) VALUES (?1, ?2, ?3)");
  for (std::size_t i = 0; i < d.order.size(); ++i)
    ins.bind(1, id).bind(2, static_cast<std::int64_t>(i + 1)).bind(3, d.order[i]).run();
  for (id_t r : d.no_shows) ins.bind(1, id).bind(2, std::int64_t{0}).bind(3, r).run();
  touch_item_event(d.item_id);
  return id;
}

void sql_store::void_draw(id_t draw_id, std::string const& at, std::string const& by, std::string const& reason) {
  c_.prepare("UPDATE draws SET voided_at = ?2, voided_by = ?3, void_reason = ?4 WHERE id = ?1")
      .bind(1, draw_id)
      .bind(2, at)
      .bind(3, by)
      .bind(4, reason)
      .run();
}

void sql_store::touch_item_event(id_t item_id) {
  auto& ev = c_.prepare("SELECT event_id FROM competition_items WHERE id = ?1");
  ev.bind(1, item_id);
  if (ev.step()) {
    touch_event(ev.get_int(0));
    ev.reset();
  }
}

std::optional<domain::score> sql_store::find_score_by_nonce(std::string const& nonce) {
  auto& s = c_.prepare(std::string("SELECT ") + score_columns + " FROM scores s WHERE s.nonce = ?1");
  s.bind(1, nonce);
  return one_score(s);
}

std::optional<domain::score> sql_store::find_live_score(id_t item_id, id_t registration_id, std::string const& judge) {
  auto& s = c_.prepare(std::string("SELECT ") + score_columns +
                        " FROM scores s WHERE s.item_id = ?1 AND s.registration_id = ?2 AND s.judge = ?3 "
                        "AND s.replaced_at IS NULL");
  s.bind(1, item_id).bind(2, registration_id).bind(3, judge);
  return one_score(s);
}

std::optional<id_t> sql_store::insert_score(domain::score const& sc, std::string const& at) {
  if (sc.replaces)
    c_.prepare("UPDATE scores SET replaced_at = ?2 WHERE id = ?1 AND replaced_at IS NULL")
        .bind(1, *sc.replaces)
        .bind(2, at)
        .run();
  auto id = inserted_id(
      c_.prepare("INSERT INTO scores (item_id, registration_id, judge, score, nonce, entered_at, reason, replaces) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (nonce) DO NOTHING RETURNING id")
          .bind(1, sc.item_id)
          .bind(2, sc.registration_id)
          .bind(3, sc.judge)
          .bind(4, sc.points)
          .bind(5, sc.nonce)
          .bind(6, sc.entered_at)
          .bind(7, sc.reason)
          .bind(8, sc.replaces));
  if (id) touch_item_event(sc.item_id);
  return id;
}

std::vector<domain::score> sql_store::live_scores(id_t event_id) {
  auto& s = c_.prepare(std::string("SELECT ") + score_columns +
                        " FROM scores s JOIN competition_items i ON i.id = s.item_id "
                        "WHERE i.event_id = ?1 AND s.replaced_at IS NULL ORDER BY s.id");
  s.bind(1, event_id);
  std::vector<domain::score> out;
  while (s.step()) out.push_back(read_score(s));
  return out;
}

void sql_store::set_published(id_t event_id, std::optional<std::string> const& at, std::optional<std::string> const& by) {
  c_.prepare("UPDATE competitions SET published_at = ?2, published_by = ?3 WHERE event_id = ?1")
      .bind(1, event_id)
      .bind(2, at)
      .bind(3, by)
      .run();
  touch_event(event_id);
}

}  // namespace qiandao::storage
