#pragma once
// domain::store on SQL: every query Qiandao runs, written once and run on SQLite or
// PostgreSQL through storage::connection. One store per connection; not thread-safe.
#include <memory>
#include <string>
#include <unordered_map>

#include "domain/store.hpp"
#include "storage/device_cache.hpp"
#include "storage/sql.hpp"

namespace qiandao::storage {

using domain::id_t;

class sql_store final : public domain::store {
 public:
  explicit sql_store(std::unique_ptr<connection> db);
  // Opens the target's engine (a SQLite file or a postgresql:// URL).
  explicit sql_store(std::string const& target, connection::mode m = connection::mode::read_write);

  // For the writer, the migrations and the tests that check tables directly; never handed
  // above storage/.
  connection& db() { return *db_; }

  domain::change_set& changes() override { return changes_; }
  std::unique_ptr<domain::nested_work> nested() override;
  domain::change_set take_changes() { return std::exchange(changes_, {}); }
  // The writer's batch: while on, find_event answers from the rows it read earlier in the
  // same transaction (the event a run of check-ins shares); writes to events keep them
  // exact, and the writer forgets them when a job's savepoint rolls back.
  void cache_events(bool on) {
    events_cached_ = on;
    event_cache_.clear();
  }
  void forget_cached_events() { event_cache_.clear(); }
  // Device look-ups through `cache` (SQLite only, see device_cache.hpp).
  void use_device_cache(device_cache* cache) { devices_ = cache; }
  // Whether a device was revoked since the last call: the writer clears the cache again
  // after COMMIT.
  bool take_revoked() { return std::exchange(revoked_, false); }

  // programme
  domain::programme get_programme() override;
  void set_programme(domain::programme const& p) override;

  // events
  std::vector<domain::event> list_events() override;
  std::optional<domain::event> find_event(id_t id) override;
  id_t insert_event(domain::event const& e, std::string const& now) override;
  void update_event(domain::event const& e, std::string const& now) override;
  [[nodiscard]] bool take_seat(id_t event_id) override;
  void hold_event(id_t event_id) override;
  void adjust_counts(id_t event_id, std::int64_t confirmed, std::int64_t waitlisted,
                     std::int64_t checked_in) override;

  // registrations
  std::optional<id_t> insert_registration(domain::registration const& r) override;
  std::unique_ptr<domain::door_revisions> reserve_door_revisions(id_t event_id, std::int64_t count) override;
  std::optional<domain::registration> find_registration(id_t id) override;
  std::optional<domain::registration> find_registration_by_code(std::string const& code) override;
  std::optional<domain::registration> find_live_by_phone(id_t event_id, std::string const& phone) override;
  bool spend_proof(std::string const& nonce, std::int64_t expires_at, std::int64_t now) override;
  std::vector<domain::registration> find_by_phone_suffix(id_t event_id, std::string const& suffix,
                                                         int limit) override;
  domain::registration_page search_registrations(domain::registration_query const& q) override;
  [[nodiscard]] bool change_registration_status(id_t id, std::string const& from, std::string const& to) override;
  std::optional<domain::registration> oldest_waitlisted(id_t event_id) override;
  [[nodiscard]] bool update_registration_fields(domain::registration const& r) override;  // store_staff.cpp
  std::int64_t waitlist_position(id_t event_id, id_t registration_id) override;  // store_public.cpp
  bool was_promoted(id_t registration_id) override;

  // check-ins and nonces
  std::optional<id_t> insert_checkin(id_t registration_id, id_t event_id, std::string const& at,
                                     std::string const& method, std::string const& actor) override;
  std::optional<domain::checkin_row> find_checkin(id_t id) override;
  [[nodiscard]] bool undo_checkin(domain::checkin_row const& c, std::string const& at, std::string const& by) override;
  std::optional<domain::nonce_record> find_nonce(std::string const& nonce) override;
  [[nodiscard]] bool claim_nonce(domain::nonce_record const& n, std::string const& now) override;
  void settle_nonce(domain::nonce_record const& n) override;
  void consistently(std::function<void()> const& f) override;
  std::vector<domain::board_checkin> recent_checkins(int limit, domain::id_t event_id) override;

  // users, sessions, devices
  std::optional<id_t> insert_user(std::string const& username, std::string const& hash,
                                  std::string const& role, std::string const& now) override;
  std::optional<domain::user> find_user_by_name(std::string const& username) override;
  std::int64_t count_users() override;
  std::vector<domain::user> list_users() override;
  void insert_session(std::string const& token_hash, id_t user_id, std::string const& now,
                      std::string const& expires_at) override;
  std::optional<domain::session_row> find_session(std::string const& token_hash) override;
  void delete_session(std::string const& token_hash) override;
  id_t insert_device(std::string const& name, std::string const& token_hash,
                     std::optional<id_t> event_id, std::string const& now) override;
  std::optional<domain::device> find_device_by_token(std::string const& token_hash) override;
  std::optional<domain::device> find_device(id_t id) override;
  std::vector<domain::device> list_devices() override;
  void revoke_device(id_t id, std::string const& now) override;
  // accounts administration (store_staff.cpp)
  std::vector<domain::account> list_accounts() override;
  std::optional<domain::account> find_account(id_t id) override;
  std::optional<domain::account> find_account_by_name(std::string const& username) override;
  void set_user_disabled(id_t id, std::optional<std::string> const& at) override;
  void set_password_hash(id_t id, std::string const& hash) override;
  void delete_user_sessions(id_t user_id, std::string const& keep) override;
  std::int64_t count_active_admins() override;
  std::pair<std::int64_t, std::int64_t> count_login_attempt(std::string const& account, std::int64_t now,
                                                            std::int64_t window) override;
  void clear_login_attempts(std::string const& account) override;

  // units, quotas, leave
  std::vector<domain::unit> list_units(std::string const& q, std::string const& kind) override;
  std::optional<domain::unit> find_unit(id_t id) override;
  std::optional<domain::unit> find_unit_by_name(std::string const& name) override;
  [[nodiscard]] bool unit_has_children(id_t id) override;
  id_t insert_unit(domain::unit const& u, std::string const& now) override;
  void update_unit(domain::unit const& u, std::string const& now) override;
  std::vector<domain::quota> list_quotas(id_t event_id) override;
  void replace_quotas(id_t event_id, std::vector<std::pair<id_t, std::int64_t>> const& quotas) override;
  std::vector<id_t> unit_ids_of_kind(std::string const& kind) override;
  void set_leave(id_t registration_id, std::optional<domain::leave_record> const& leave) override;
  domain::event_units unit_attendance(domain::event const& e) override;
  std::vector<domain::unit_rank> unit_figures(id_t event_id) override;

  // free-clinic service tallies
  std::optional<domain::tally> find_tally_by_nonce(std::string const& nonce) override;
  std::optional<id_t> insert_tally(domain::tally const& t) override;
  void undo_tally(id_t id, std::string const& at, std::string const& by) override;
  domain::tally_counts count_tallies(domain::event const& e) override;

  // skill competitions
  std::optional<domain::competition> find_competition(id_t event_id) override;
  std::vector<domain::competition> list_competitions() override;
  void save_competition_rules(domain::competition const& c, std::string const& now) override;
  id_t insert_item(id_t event_id, domain::competition_item const& item) override;
  void update_item(domain::competition_item const& item) override;
  void delete_item(id_t item_id) override;
  [[nodiscard]] bool item_in_use(id_t item_id) override;
  std::vector<domain::competitor> competitors(id_t event_id) override;
  std::optional<domain::draw> live_draw(id_t item_id) override;
  std::vector<domain::draw> live_draws(id_t event_id) override;
  id_t insert_draw(domain::draw const& d) override;
  void void_draw(id_t draw_id, std::string const& at, std::string const& by, std::string const& reason) override;
  std::optional<domain::score> find_score_by_nonce(std::string const& nonce) override;
  std::optional<domain::score> find_live_score(id_t item_id, id_t registration_id, std::string const& judge) override;
  std::optional<id_t> insert_score(domain::score const& sc, std::string const& at) override;
  std::vector<domain::score> live_scores(id_t event_id) override;
  void set_published(id_t event_id, std::optional<std::string> const& at, std::optional<std::string> const& by) override;

  // audit
  void audit(std::string const& at, std::string const& actor, std::string const& action,
             std::string const& target, std::string const& detail) override;
  std::vector<domain::audit_row> list_audit(std::int64_t limit, std::int64_t before_id) override;
  domain::audit_page search_audit(domain::audit_query const& q) override;  // store_staff.cpp

  // the programme report (store_report.cpp)
  domain::report load_report() override;

  // the board's per-minute chart (store_board.cpp)
  std::vector<domain::board_minute> checkins_per_minute(std::string const& from, domain::id_t event_id) override;
  // the offline door (store_door.cpp)
  std::vector<domain::door_row> door_rows(id_t event_id, std::int64_t since, int limit) override;
  std::optional<id_t> insert_conflict(domain::door_conflict const& c) override;
  std::vector<domain::door_conflict> list_conflicts(std::optional<id_t> event_id, std::string const& state,
                                                    int limit) override;
  std::optional<domain::door_conflict> find_conflict(id_t id) override;
  [[nodiscard]] bool resolve_conflict(id_t id, std::string const& resolution, std::string const& note,
                                      std::string const& by, std::string const& at) override;
  std::int64_t count_open_conflicts(std::optional<id_t> event_id,
                                    std::optional<std::string> const& device) override;
  std::optional<std::string> device_pin_hash(id_t device_id) override;
  void set_device_pin(id_t device_id, std::optional<std::string> const& hash) override;

 private:
  void load_departments(domain::event& e);
  // What adjust_counts does besides its UPDATE: the batch's cached event row and the board.
  void counted(id_t event_id, std::int64_t confirmed, std::int64_t waitlisted, std::int64_t checked_in);
  void save_names(char const* table, id_t event_id, std::vector<std::string> const& names);
  void touch_item_event(id_t item_id);  // the board shows the item's event anew
  std::unique_ptr<connection> db_;
  connection& c_;
  domain::change_set changes_;
  device_cache* devices_ = nullptr;
  // The block reserve_door_revisions handed out, while its answer lives.
  struct revision_block {
    id_t event_id = 0;
    std::int64_t next = 0;
    std::int64_t last = -1;
  };
  revision_block* revisions_ = nullptr;
  friend class reserved_revisions;
  bool revoked_ = false;
  bool events_cached_ = false;
  std::unordered_map<id_t, domain::event> event_cache_;
};

}  // namespace qiandao::storage
