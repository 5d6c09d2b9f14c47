// Programme and events.
#include "storage/store.hpp"

#include <algorithm>

#include "storage/rows.hpp"

namespace qiandao::storage {

namespace {

constexpr char const* event_columns =
    "id, title, kind, venue, starts_at, ends_at, capacity, waitlist, walk_ins, description, "
    "status, confirmed_count, waitlisted_count, checked_in_count, "
    "public_signup, public_closes_at, public_requires";

// public_requires is stored comma-separated ("id_number,organization").
std::vector<std::string> split_requires(std::string const& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::string join_requires(std::vector<std::string> const& names) {
  std::string out;
  for (auto const& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

domain::event read_event(statement& s) {
  domain::event e;
  e.id = s.get_int(0);
  e.title = s.get_text(1);
  e.kind = s.get_text(2);
  e.venue = s.get_text(3);
  e.starts_at = s.get_text(4);
  e.ends_at = s.get_text(5);
  e.capacity = s.get_optional_int(6);
  e.waitlist = s.get_int(7) != 0;
  e.walk_ins = s.get_int(8) != 0;
  e.description = s.get_text(9);
  e.status = s.get_text(10);
  e.counts = {s.get_int(11), s.get_int(12), s.get_int(13)};
  e.public_signup = s.get_int(14) != 0;
  e.public_closes_at = s.get_optional_text(15);
  e.public_requires = split_requires(s.get_text(16));
  return e;
}

}  // namespace

sql_store::sql_store(std::unique_ptr<connection> db) : db_(std::move(db)), c_(*db_) {}

namespace {
class savepoint_work final : public domain::nested_work {
 public:
  explicit savepoint_work(connection& c) : sp_(c) {}
  void keep() override { sp_.release(); }

 private:
  savepoint sp_;
};
}  // namespace

std::unique_ptr<domain::nested_work> sql_store::nested() { return std::make_unique<savepoint_work>(c_); }

sql_store::sql_store(std::string const& target, connection::mode m) : sql_store(open_connection(target, m)) {}

domain::programme sql_store::get_programme() {
  auto& s = c_.prepare("SELECT title, theme FROM programme WHERE id = 1");
  domain::programme p;
  if (s.step()) {
    p = {s.get_text(0), s.get_text(1)};
    s.reset();
  }
  return p;
}

void sql_store::set_programme(domain::programme const& p) {
  c_.prepare(
         "INSERT INTO programme (id, title, theme) VALUES (1, ?1, ?2) "
         "ON CONFLICT (id) DO UPDATE SET title = excluded.title, theme = excluded.theme")
      .bind(1, p.title)
      .bind(2, p.theme)
      .run();
  changes_.programme = true;
}

std::vector<domain::event> sql_store::list_events() {
  auto& s = c_.prepare(std::string("SELECT ") + event_columns +
                        " FROM events ORDER BY starts_at, id");
  std::vector<domain::event> out;
  while (s.step()) out.push_back(read_event(s));
  for (auto& e : out) load_departments(e);
  return out;
}

std::optional<domain::event> sql_store::find_event(id_t id) {
  if (events_cached_)
    if (auto it = event_cache_.find(id); it != event_cache_.end()) return it->second;
  auto& s = c_.prepare(std::string("SELECT ") + event_columns + " FROM events WHERE id = ?1");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  auto e = read_event(s);
  s.reset();
  load_departments(e);
  if (events_cached_) event_cache_.insert_or_assign(id, e);
  return e;
}

id_t sql_store::insert_event(domain::event const& e, std::string const& now) {
  id_t id = returned_id(c_.prepare(
         "INSERT INTO events (title, kind, venue, starts_at, ends_at, capacity, waitlist, "
         "walk_ins, description, status, created_at, updated_at, public_signup, public_closes_at, "
         "public_requires) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12, ?13, ?14) RETURNING id")
      .bind(1, e.title)
      .bind(2, e.kind)
      .bind(3, e.venue)
      .bind(4, e.starts_at)
      .bind(5, e.ends_at)
      .bind(6, e.capacity)
      .bind(7, e.waitlist)
      .bind(8, e.walk_ins)
      .bind(9, e.description)
      .bind(10, e.status)
      .bind(11, now)
      .bind(12, e.public_signup)
      .bind(13, e.public_closes_at)
      .bind(14, join_requires(e.public_requires)));
  save_names("event_departments", id, e.lead_departments);
  save_names("event_services", id, e.services);
  save_names("event_sites", id, e.sites);
  touch_event(id);
  return id;
}

void sql_store::update_event(domain::event const& e, std::string const& now) {
  event_cache_.erase(e.id);
  c_.prepare(
         "UPDATE events SET title = ?2, kind = ?3, venue = ?4, starts_at = ?5, ends_at = ?6, "
         "capacity = ?7, waitlist = ?8, walk_ins = ?9, description = ?10, status = ?11, "
         "updated_at = ?12, public_signup = ?13, public_closes_at = ?14, public_requires = ?15 "
         "WHERE id = ?1")
      .bind(1, e.id)
      .bind(2, e.title)
      .bind(3, e.kind)
      .bind(4, e.venue)
      .bind(5, e.starts_at)
      .bind(6, e.ends_at)
      .bind(7, e.capacity)
      .bind(8, e.waitlist)
      .bind(9, e.walk_ins)
      .bind(10, e.description)
      .bind(11, e.status)
      .bind(12, now)
      .bind(13, e.public_signup)
      .bind(14, e.public_closes_at)
      .bind(15, join_requires(e.public_requires))
      .run();
  save_names("event_departments", e.id, e.lead_departments);
  save_names("event_services", e.id, e.services);
  save_names("event_sites", e.id, e.sites);
  touch_event(e.id);
}

bool sql_store::take_seat(id_t event_id) {
  auto& s = c_.prepare(
      "UPDATE events SET confirmed_count = confirmed_count + 1 "
      "WHERE id = ?1 AND (capacity IS NULL OR confirmed_count < capacity) RETURNING id");
  s.bind(1, event_id);
  bool taken = s.step();
  if (taken) {
    s.reset();
    if (auto it = event_cache_.find(event_id); it != event_cache_.end()) ++it->second.counts.registered;
  }
  touch_event(event_id);
  return taken;
}

void sql_store::hold_event(id_t event_id) {
  // SQLite: the writer's BEGIN IMMEDIATE already holds the whole file.
  if (c_.kind() == dialect::postgresql) c_.prepare("SELECT id FROM events WHERE id = ?1 FOR UPDATE").bind(1, event_id).run();
}

void sql_store::adjust_counts(id_t event_id, std::int64_t confirmed, std::int64_t waitlisted,
                          std::int64_t checked_in) {
  c_.prepare(
         "UPDATE events SET confirmed_count = confirmed_count + ?2, "
         "waitlisted_count = waitlisted_count + ?3, checked_in_count = checked_in_count + ?4 "
         "WHERE id = ?1")
      .bind(1, event_id)
      .bind(2, confirmed)
      .bind(3, waitlisted)
      .bind(4, checked_in)
      .run();
  counted(event_id, confirmed, waitlisted, checked_in);
}

void sql_store::counted(id_t event_id, std::int64_t confirmed, std::int64_t waitlisted, std::int64_t checked_in) {
  if (auto it = event_cache_.find(event_id); it != event_cache_.end()) {
    it->second.counts.registered += confirmed;
    it->second.counts.waitlisted += waitlisted;
    it->second.counts.checked_in += checked_in;
  }
  touch_event(event_id);
}

void sql_store::load_departments(domain::event& e) {
  // The event's three short lists, lead departments, services and sites, in one query.
  auto& s = c_.prepare(
      "SELECT 0, position, name FROM event_departments WHERE event_id = ?1 "
      "UNION ALL SELECT 1, position, name FROM event_services WHERE event_id = ?1 "
      "UNION ALL SELECT 2, position, name FROM event_sites WHERE event_id = ?1 ORDER BY 1, 2");
  s.bind(1, e.id);
  e.lead_departments.clear();
  e.services.clear();
  e.sites.clear();
  std::vector<std::string>* lists[] = {&e.lead_departments, &e.services, &e.sites};
  while (s.step()) lists[s.get_int(0)]->push_back(s.get_text(2));
}

void sql_store::save_names(char const* table, id_t event_id, std::vector<std::string> const& names) {
  c_.prepare(std::string("DELETE FROM ") + table + " WHERE event_id = ?1").bind(1, event_id).run();
  auto& ins = c_.prepare(std::string("INSERT INTO ") + table +
                          " (event_id, position, name) VALUES (?1, ?2, ?3)");
  for (std::size_t i = 0; i < names.size(); ++i) {
    ins.bind(1, event_id).bind(2, static_cast<std::int64_t>(i)).bind(3, names[i]).run();
  }
}

}  // namespace qiandao::storage
