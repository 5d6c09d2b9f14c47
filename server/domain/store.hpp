#pragma once
// The storage the domain needs, declared here in plain C++ types and implemented by
// storage/ (one implementation, whose SQL runs on SQLite or PostgreSQL). Each interface is
// one area's repository; `store` is the unit of work a rule runs in: the writer opens a
// transaction around a batch and a savepoint around each rule, and a reader answers
// queries. No engine type crosses these interfaces.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "domain/competition_model.hpp"
#include "domain/model.hpp"
#include "domain/report.hpp"
#include "domain/door_model.hpp"

namespace qiandao::domain {

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

// Staff pages (issue 11): accounts with their state, and the audit log's filters.
struct account {
  id_t id = 0;
  std::string username, role, created_at;
  std::optional<std::string> disabled_at;
  std::string password_hash;
};

struct audit_query {
  std::string action;  // a prefix: "user" matches user.create, user.login…; empty = any
  std::string actor;   // part of the actor label ("user:wang"); empty = any
  std::string from, to;  // dates YYYY-MM-DD (inclusive, +08:00); empty = open
  std::int64_t limit = 100;
  std::int64_t offset = 0;
  std::int64_t before_id = 0;  // 0 = newest
};

struct audit_page {
  std::vector<audit_row> items;  // newest first
  std::int64_t total = 0;
};

struct session_row {
  domain::user user;
  std::string expires_at;
};

// What the open transaction changed, for the board: the writer marks before each rule and
// drops the rule's marks when its savepoint rolls back.
struct change_set {
  std::set<id_t> events;
  std::vector<board_checkin> recent;
  bool programme = false;
  std::vector<board_checkin> undone;  // event and `at` of each check-in undone
  [[nodiscard]] bool empty() const { return events.empty() && recent.empty() && !programme && undone.empty(); }
};

class programme_repository {
 public:
  virtual ~programme_repository() = default;
  virtual programme get_programme() = 0;
  virtual void set_programme(programme const& p) = 0;
};

class event_repository {
 public:
  virtual ~event_repository() = default;
  virtual std::vector<event> list_events() = 0;
  virtual std::optional<event> find_event(id_t id) = 0;
  virtual id_t insert_event(event const& e, std::string const& now) = 0;
  virtual void update_event(event const& e, std::string const& now) = 0;
  // Takes one confirmed seat if capacity allows; false when full. One guarded UPDATE, so
  // several writers never give the last seat twice.
  [[nodiscard]] virtual bool take_seat(id_t event_id) = 0;
  // Holds the event's row until the transaction ends, so that no other writer changes its
  // counts meanwhile (an import deciding thousands of places at once).
  virtual void hold_event(id_t event_id) = 0;
  virtual void adjust_counts(id_t event_id, std::int64_t confirmed, std::int64_t waitlisted,
                             std::int64_t checked_in) = 0;
};

// Door revisions (the kiosks' ticket-list cursor) reserved for registrations of one event
// inserted while this lives; see registration_repository::reserve_door_revisions.
class door_revisions {
 public:
  virtual ~door_revisions() = default;
};

class registration_repository {
 public:
  virtual ~registration_repository() = default;
  // Inserts unless a live registration has the same phone for the event; then empty.
  virtual std::optional<id_t> insert_registration(registration const& r) = 0;
  // Takes `count` door revisions from the event's counter in one step; the registrations of
  // that event inserted while the answer lives get one each, in order, instead of moving the
  // counter one row at a time. Null when the engine stamps each row cheaply itself (SQLite).
  // For a transaction that holds the event (event_repository::hold_event); let it go before
  // any savepoint around it could roll back.
  [[nodiscard]] virtual std::unique_ptr<door_revisions> reserve_door_revisions(id_t event_id, std::int64_t count) = 0;
  virtual std::optional<registration> find_registration(id_t id) = 0;
  virtual std::optional<registration> find_registration_by_code(std::string const& code) = 0;
  virtual std::optional<registration> find_live_by_phone(id_t event_id, std::string const& phone) = 0;
  // Spends a public sign-up's proof of work (its challenge's nonce) for this transaction,
  // shared by every instance; false when it was spent already. Drops the spent proofs whose
  // challenge expired at or before `now` (Unix seconds).
  [[nodiscard]] virtual bool spend_proof(std::string const& nonce, std::int64_t expires_at, std::int64_t now) = 0;
  virtual std::vector<registration> find_by_phone_suffix(id_t event_id, std::string const& suffix,
                                                         int limit) = 0;
  virtual registration_page search_registrations(registration_query const& q) = 0;
  // Moves a registration from one status to another; false when it is no longer in `from`
  // or is checked in (another request, perhaps on another instance, changed it first).
  [[nodiscard]] virtual bool change_registration_status(id_t id, std::string const& from, std::string const& to) = 0;
  virtual std::optional<registration> oldest_waitlisted(id_t event_id) = 0;
  // Staff edits (issue 11): name, phone, organization, unit, category, ID number; the code,
  // status and check-in stay. False when a live registration of the event has the phone.
  [[nodiscard]] virtual bool update_registration_fields(registration const& r) = 0;
  // Public sign-up (/s/): the place on the event's waitlist (1 = next in line), and whether
  // the registration was promoted from the waitlist (its audit trail says so).
  virtual std::int64_t waitlist_position(id_t event_id, id_t registration_id) = 0;
  virtual bool was_promoted(id_t registration_id) = 0;
};

class checkin_repository {
 public:
  virtual ~checkin_repository() = default;
  // Inserts the live check-in unless there is one already; then empty. Stamps the
  // registration only while it is confirmed: cancelled meanwhile (another instance), it
  // throws a storage error that retries the batch.
  virtual std::optional<id_t> insert_checkin(id_t registration_id, id_t event_id, std::string const& at,
                                             std::string const& method, std::string const& actor) = 0;
  virtual std::optional<checkin_row> find_checkin(id_t id) = 0;
  // Undoes a live check-in; false when it was undone already.
  [[nodiscard]] virtual bool undo_checkin(checkin_row const& c, std::string const& at, std::string const& by) = 0;
  virtual std::optional<nonce_record> find_nonce(std::string const& nonce) = 0;
  // Claims the nonce for this transaction; false when another request holds it already
  // (then, once that one has committed, find_nonce answers what it stored).
  [[nodiscard]] virtual bool claim_nonce(nonce_record const& n, std::string const& now) = 0;
  // Records the answer for a nonce claimed in this transaction.
  virtual void settle_nonce(nonce_record const& n) = 0;
  // Runs `f`, whose reads then all see one commit (a read-only snapshot), unless a
  // transaction is open already (then that one is the snapshot).
  virtual void consistently(std::function<void()> const& f) = 0;
  // The last `limit` live check-ins (of one event, or of all when `event_id` is 0), oldest
  // first, names whole (the board masks them).
  virtual std::vector<board_checkin> recent_checkins(int limit, id_t event_id) = 0;
  // Live check-ins per event and minute ("YYYY-MM-DDTHH:MM", the first 16 characters of
  // `at`) from the minute `from` on (of one event, or of all when `event_id` is 0), oldest first.
  virtual std::vector<board_minute> checkins_per_minute(std::string const& from, id_t event_id) = 0;
};

class account_repository {
 public:
  virtual ~account_repository() = default;
  virtual std::optional<id_t> insert_user(std::string const& username, std::string const& hash,
                                          std::string const& role, std::string const& now) = 0;
  virtual std::optional<user> find_user_by_name(std::string const& username) = 0;
  virtual std::int64_t count_users() = 0;
  virtual std::vector<user> list_users() = 0;  // without their password hashes
  virtual void insert_session(std::string const& token_hash, id_t user_id, std::string const& now,
                              std::string const& expires_at) = 0;
  virtual std::optional<session_row> find_session(std::string const& token_hash) = 0;
  virtual void delete_session(std::string const& token_hash) = 0;
  virtual id_t insert_device(std::string const& name, std::string const& token_hash,
                             std::optional<id_t> event_id, std::string const& now) = 0;
  virtual std::optional<device> find_device_by_token(std::string const& token_hash) = 0;
  virtual std::optional<device> find_device(id_t id) = 0;
  virtual std::vector<device> list_devices() = 0;
  virtual void revoke_device(id_t id, std::string const& now) = 0;
  // Account administration (issue 11): every account, disabled ones included.
  virtual std::vector<account> list_accounts() = 0;
  virtual std::optional<account> find_account(id_t id) = 0;
  virtual std::optional<account> find_account_by_name(std::string const& username) = 0;
  virtual void set_user_disabled(id_t id, std::optional<std::string> const& at) = 0;
  virtual void set_password_hash(id_t id, std::string const& hash) = 0;
  // Deletes the user's sessions but the one whose digest is `keep` ("" = all of them).
  virtual void delete_user_sessions(id_t user_id, std::string const& keep) = 0;
  virtual std::int64_t count_active_admins() = 0;
  // Sign-in throttling per account, shared by every instance (issue 13): counts one attempt
  // in one statement (a window that began at or before `now - window` starts again at
  // `now`), and answers the account's failures and when its window began (Unix seconds).
  virtual std::pair<std::int64_t, std::int64_t> count_login_attempt(std::string const& account, std::int64_t now,
                                                                    std::int64_t window) = 0;
  virtual void clear_login_attempts(std::string const& account) = 0;
};

class unit_repository {
 public:
  virtual ~unit_repository() = default;
  virtual std::vector<unit> list_units(std::string const& q, std::string const& kind) = 0;
  virtual std::optional<unit> find_unit(id_t id) = 0;
  virtual std::optional<unit> find_unit_by_name(std::string const& name) = 0;
  [[nodiscard]] virtual bool unit_has_children(id_t id) = 0;
  virtual id_t insert_unit(unit const& u, std::string const& now) = 0;
  virtual void update_unit(unit const& u, std::string const& now) = 0;
  virtual std::vector<quota> list_quotas(id_t event_id) = 0;
  virtual void replace_quotas(id_t event_id, std::vector<std::pair<id_t, std::int64_t>> const& quotas) = 0;
  virtual std::vector<id_t> unit_ids_of_kind(std::string const& kind) = 0;
  virtual void set_leave(id_t registration_id, std::optional<leave_record> const& leave) = 0;
  virtual event_units unit_attendance(event const& e) = 0;
  // Each unit with a quota for the event, its expected and checked-in figures (unranked).
  virtual std::vector<unit_rank> unit_figures(id_t event_id) = 0;
};

class tally_repository {
 public:
  virtual ~tally_repository() = default;
  virtual std::optional<tally> find_tally_by_nonce(std::string const& nonce) = 0;
  // Empty when another request holds the tally's nonce already.
  virtual std::optional<id_t> insert_tally(tally const& t) = 0;
  virtual void undo_tally(id_t id, std::string const& at, std::string const& by) = 0;
  virtual tally_counts count_tallies(event const& e) = 0;
};

class competition_repository {
 public:
  virtual ~competition_repository() = default;
  virtual std::optional<competition> find_competition(id_t event_id) = 0;
  virtual std::vector<competition> list_competitions() = 0;
  virtual void save_competition_rules(competition const& c, std::string const& now) = 0;
  virtual id_t insert_item(id_t event_id, competition_item const& item) = 0;
  virtual void update_item(competition_item const& item) = 0;
  virtual void delete_item(id_t item_id) = 0;
  [[nodiscard]] virtual bool item_in_use(id_t item_id) = 0;
  virtual std::vector<competitor> competitors(id_t event_id) = 0;
  virtual std::optional<draw> live_draw(id_t item_id) = 0;
  virtual std::vector<draw> live_draws(id_t event_id) = 0;
  virtual id_t insert_draw(draw const& d) = 0;
  virtual void void_draw(id_t draw_id, std::string const& at, std::string const& by, std::string const& reason) = 0;
  virtual std::optional<score> find_score_by_nonce(std::string const& nonce) = 0;
  virtual std::optional<score> find_live_score(id_t item_id, id_t registration_id, std::string const& judge) = 0;
  // Inserts the score; when it replaces a live one, marks that one replaced first.
  // Empty when another request holds the score's nonce already.
  virtual std::optional<id_t> insert_score(score const& sc, std::string const& at) = 0;
  virtual std::vector<score> live_scores(id_t event_id) = 0;
  virtual void set_published(id_t event_id, std::optional<std::string> const& at,
                             std::optional<std::string> const& by) = 0;
};

class audit_repository {
 public:
  virtual ~audit_repository() = default;
  virtual void audit(std::string const& at, std::string const& actor, std::string const& action,
                     std::string const& target, std::string const& detail) = 0;
  virtual std::vector<audit_row> list_audit(std::int64_t limit, std::int64_t before_id) = 0;
  virtual audit_page search_audit(audit_query const& q) = 0;  // newest first, filtered
};

class report_repository {
 public:
  virtual ~report_repository() = default;
  // Every count of the programme report, read in one snapshot so the sheets agree; the
  // rates and totals are left to domain::finish_report.
  virtual report load_report() = 0;
};

// The offline door: kiosks' ticket-list feed, door conflicts (待处理), kiosk PINs.
class door_repository {
 public:
  virtual ~door_repository() = default;
  // The event's registrations changed after revision `since`, oldest change first.
  virtual std::vector<door_row> door_rows(id_t event_id, std::int64_t since, int limit) = 0;
  // Empty when a conflict with the same nonce is recorded already.
  virtual std::optional<id_t> insert_conflict(door_conflict const& c) = 0;
  // state: open | resolved | all; newest first.
  virtual std::vector<door_conflict> list_conflicts(std::optional<id_t> event_id, std::string const& state,
                                                    int limit) = 0;
  virtual std::optional<door_conflict> find_conflict(id_t id) = 0;
  // False when it was resolved already.
  [[nodiscard]] virtual bool resolve_conflict(id_t id, std::string const& resolution, std::string const& note,
                                              std::string const& by, std::string const& at) = 0;
  virtual std::int64_t count_open_conflicts(std::optional<id_t> event_id,
                                            std::optional<std::string> const& device) = 0;
  virtual std::optional<std::string> device_pin_hash(id_t device_id) = 0;
  virtual void set_device_pin(id_t device_id, std::optional<std::string> const& hash) = 0;
};

// A nested unit of work inside the open transaction (one imported row): rolled back when
// it goes unless kept.
class nested_work {
 public:
  virtual ~nested_work() = default;
  virtual void keep() = 0;
};

class store : public programme_repository,
              public event_repository,
              public registration_repository,
              public checkin_repository,
              public account_repository,
              public unit_repository,
              public tally_repository,
              public competition_repository,
              public audit_repository,
              public report_repository,
              public door_repository {
 public:
  // What this transaction changed so far, for the board (see change_set).
  virtual change_set& changes() = 0;
  [[nodiscard]] virtual std::unique_ptr<nested_work> nested() = 0;
  void touch_event(id_t id) { changes().events.insert(id); }
  void note_checkin(board_checkin c) { changes().recent.push_back(std::move(c)); }
  void note_undo(board_checkin c) { changes().undone.push_back(std::move(c)); }
};

}  // namespace qiandao::domain
