#pragma once
// Every query Qiandao runs, behind plain C++ types: no SQLite type leaks out, so a
// PostgreSQL store can stand in later. One store per connection; not thread-safe.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "domain/competition_model.hpp"
#include "domain/model.hpp"
#include "domain/report.hpp"
#include "storage/sqlite.hpp"

namespace qiandao::storage {

using domain::id_t;

struct nonce_record {
  std::string nonce;
  std::string fingerprint;  // what was asked, so a reused nonce with other content is refused
  std::string outcome;      // checked_in | already | not_found | cancelled | waitlisted | closed …
  std::optional<id_t> registration_id;
  bool first = false;
  std::optional<std::string> at;
};

struct checkin_row {
  id_t id = 0;
  id_t registration_id = 0;
  id_t event_id = 0;
  std::string at;
  std::optional<std::string> undone_at;
};

struct audit_row {
  id_t id = 0;
  std::string at, actor, action, target, detail;
};

struct session_row {
  domain::user user;
  std::string expires_at;
};

struct device_row {
  domain::device device;
};

class store {
 public:
  explicit store(std::string const& path, connection::mode m = connection::mode::read_write);

  connection& db() { return db_; }

  // programme
  domain::programme get_programme();
  void set_programme(domain::programme const& p);

  // events
  std::vector<domain::event> list_events();
  std::optional<domain::event> find_event(id_t id);
  id_t insert_event(domain::event const& e, std::string const& now);
  void update_event(domain::event const& e, std::string const& now);
  // Takes one confirmed seat if capacity allows; false when full. One guarded UPDATE.
  [[nodiscard]] bool take_seat(id_t event_id);
  void adjust_counts(id_t event_id, std::int64_t confirmed, std::int64_t waitlisted,
                     std::int64_t checked_in);

  // registrations
  // Inserts unless a live registration has the same phone for the event; then empty.
  std::optional<id_t> insert_registration(domain::registration const& r);
  std::optional<domain::registration> find_registration(id_t id);
  std::optional<domain::registration> find_registration_by_code(std::string const& code);
  std::optional<domain::registration> find_live_by_phone(id_t event_id, std::string const& phone);
  std::vector<domain::registration> find_by_phone_suffix(id_t event_id, std::string const& suffix,
                                                         int limit);
  domain::registration_page search_registrations(domain::registration_query const& q);
  void set_registration_status(id_t id, std::string const& status);
  std::optional<domain::registration> oldest_waitlisted(id_t event_id);

  // check-ins
  // Inserts the live check-in unless there is one already; then empty.
  std::optional<id_t> insert_checkin(id_t registration_id, id_t event_id, std::string const& at,
                                     std::string const& method, std::string const& actor);
  std::optional<checkin_row> find_checkin(id_t id);
  void undo_checkin(checkin_row const& c, std::string const& at, std::string const& by);

  // nonces
  std::optional<nonce_record> find_nonce(std::string const& nonce);
  void insert_nonce(nonce_record const& n, std::string const& now);

  // users, sessions, devices
  std::optional<id_t> insert_user(std::string const& username, std::string const& hash,
                                  std::string const& role, std::string const& now);
  std::optional<domain::user> find_user_by_name(std::string const& username);
  std::int64_t count_users();
  std::vector<domain::user> list_users();  // without their password hashes
  void insert_session(std::string const& token_hash, id_t user_id, std::string const& now,
                      std::string const& expires_at);
  std::optional<session_row> find_session(std::string const& token_hash);
  void delete_session(std::string const& token_hash);
  id_t insert_device(std::string const& name, std::string const& token_hash,
                     std::optional<id_t> event_id, std::string const& now);
  std::optional<domain::device> find_device_by_token(std::string const& token_hash);
  std::optional<domain::device> find_device(id_t id);
  std::vector<domain::device> list_devices();
  void revoke_device(id_t id, std::string const& now);

  // units, quotas, leave
  std::vector<domain::unit> list_units(std::string const& q, std::string const& kind);
  std::optional<domain::unit> find_unit(id_t id);
  std::optional<domain::unit> find_unit_by_name(std::string const& name);
  [[nodiscard]] bool unit_has_children(id_t id);
  id_t insert_unit(domain::unit const& u, std::string const& now);
  void update_unit(domain::unit const& u, std::string const& now);
  std::vector<domain::quota> list_quotas(id_t event_id);
  void replace_quotas(id_t event_id, std::vector<std::pair<id_t, std::int64_t>> const& quotas);
  std::vector<id_t> unit_ids_of_kind(std::string const& kind);
  void set_leave(id_t registration_id, std::optional<domain::leave_record> const& leave);
  domain::event_units unit_attendance(domain::event const& e);

  // free-clinic service tallies
  std::optional<domain::tally> find_tally_by_nonce(std::string const& nonce);
  id_t insert_tally(domain::tally const& t);
  void undo_tally(id_t id, std::string const& at, std::string const& by);
  domain::tally_counts tally_counts(domain::event const& e);

  // skill competitions
  std::optional<domain::competition> find_competition(id_t event_id);
  std::vector<domain::competition> list_competitions();
  void save_competition_rules(domain::competition const& c, std::string const& now);
  id_t insert_item(id_t event_id, domain::competition_item const& item);
  void update_item(domain::competition_item const& item);
  void delete_item(id_t item_id);
  [[nodiscard]] bool item_in_use(id_t item_id);
  std::vector<domain::competitor> competitors(id_t event_id);
  std::optional<domain::draw> live_draw(id_t item_id);
  std::vector<domain::draw> live_draws(id_t event_id);
  id_t insert_draw(domain::draw const& d);
  void void_draw(id_t draw_id, std::string const& at, std::string const& by, std::string const& reason);
  std::optional<domain::score> find_score_by_nonce(std::string const& nonce);
  std::optional<domain::score> find_live_score(id_t item_id, id_t registration_id, std::string const& judge);
  // Inserts the score; when it replaces a live one, marks that one replaced first.
  id_t insert_score(domain::score const& sc, std::string const& at);
  std::vector<domain::score> live_scores(id_t event_id);
  void set_published(id_t event_id, std::optional<std::string> const& at, std::optional<std::string> const& by);

  // audit
  void audit(std::string const& at, std::string const& actor, std::string const& action,
             std::string const& target, std::string const& detail);
  std::vector<audit_row> list_audit(std::int64_t limit, std::int64_t before_id);

  // board
  domain::board_state load_board(int recent_limit);
  std::vector<domain::board_event> board_events(std::set<id_t> const& ids);

  // ---- report: the programme report (README "The report"); store_report.cpp ----
  // Every count, read in one snapshot so the sheets agree with each other; the rates and
  // totals are left to domain::finish_report.
  domain::report load_report();
  // ---- end report ----

  // What the open transaction changed, for the board. The writer marks before each job and
  // rolls the record back with the job's savepoint.
  struct changes {
    std::set<id_t> events;
    std::vector<domain::board_checkin> recent;
    bool programme = false;
  };
  std::size_t changes_mark() const { return changes_.recent.size(); }
  void touch_event(id_t id) { changes_.events.insert(id); }
  void note_checkin(domain::board_checkin c) { changes_.recent.push_back(std::move(c)); }
  changes take_changes() { return std::exchange(changes_, {}); }
  changes& pending_changes() { return changes_; }

 private:
  void load_departments(domain::event& e);
  void save_departments(id_t event_id, std::vector<std::string> const& names);
  void save_names(char const* table, id_t event_id, std::vector<std::string> const& names);
  domain::board_event board_row(domain::event const& e);
  std::vector<domain::unit_rank> unit_ranking(id_t event_id);
  std::optional<domain::board_competition> competition_board(id_t event_id);
  void touch_item_event(id_t item_id);  // the board shows the item's event anew
  connection db_;
  changes changes_;
};

}  // namespace qiandao::storage
