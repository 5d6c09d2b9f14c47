#pragma once
// The nouns of API.md as plain values. No JSON, no SQL, no sockets.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qiandao::domain {

using id_t = std::int64_t;

struct programme {
  std::string title;
  std::string theme;
};

struct event_counts {
  std::int64_t registered = 0;  // confirmed registrations
  std::int64_t waitlisted = 0;
  std::int64_t checked_in = 0;
};

struct event {
  id_t id = 0;
  std::string title;
  std::string kind;  // conference | clinic | lecture | competition | salon | other
  std::string venue;
  std::string starts_at;  // RFC 3339, normalised to +08:00
  std::string ends_at;
  std::optional<std::int64_t> capacity;  // empty = unlimited
  bool waitlist = false;
  bool walk_ins = false;
  std::vector<std::string> lead_departments;
  std::vector<std::string> services;  // a free clinic's desk buttons (血压测量 …), in order
  std::vector<std::string> sites;     // where its desks are; empty = one place
  std::string description;
  std::string status = "open";  // open | closed | cancelled
  event_counts counts;
  // Public sign-up (/s/): open to citizens until public_closes_at (none = until the event
  // ends), asking also for the fields in public_requires ("id_number", "organization").
  bool public_signup = false;
  std::optional<std::string> public_closes_at;
  std::vector<std::string> public_requires;
};

// Every field optional: a PATCH names only what changes; a create fills defaults first.
struct event_changes {
  std::optional<std::string> title, kind, venue, starts_at, ends_at, description, status;
  std::optional<std::optional<std::int64_t>> capacity;
  std::optional<bool> waitlist, walk_ins;
  std::optional<std::vector<std::string>> lead_departments, services, sites;
  std::optional<bool> public_signup;
  std::optional<std::optional<std::string>> public_closes_at;
  std::optional<std::vector<std::string>> public_requires;
};

// A work unit (各医疗卫生单位): a hospital, a community health centre, the CDC …
struct unit {
  id_t id = 0;
  std::string name;
  std::string kind;  // hospital | community | cdc | office | group | other
  std::optional<id_t> parent_id;
  std::string parent;  // the parent's name, for display
};

struct unit_changes {
  std::optional<std::string> name, kind;
  std::optional<std::optional<id_t>> parent_id;
};

// 请假: recorded by staff with a reason.
struct leave_record {
  std::string reason, at, by;
};

struct registration {
  id_t id = 0;
  id_t event_id = 0;
  std::string code;
  std::string name;
  std::string phone;  // 11 digits
  std::string organization;
  std::string category;
  std::optional<std::string> id_number;
  std::string status;  // confirmed | waitlisted | cancelled
  std::string source;  // staff | import | walk_in | public
  std::string created_at;
  std::optional<std::string> checked_in_at;
  std::optional<id_t> checkin_id;  // the live check-in, for undo
  std::optional<id_t> unit_id;
  std::optional<std::string> unit;  // the unit's name, read with the registration
  std::optional<leave_record> leave;
  std::optional<std::string> consent_at;  // 个人信息告知 accepted (walk-ins, public sign-ups)
};

struct registration_input {
  std::string name;
  std::string phone;
  std::string organization;
  std::string category;
  std::optional<std::string> id_number;
  std::optional<id_t> unit_id;
  bool consent = false;  // the person accepted the personal-information notice just now
};

struct registration_query {
  id_t event_id = 0;
  std::string q;       // name, phone, organization or code
  std::string status;  // empty = any
  std::optional<id_t> unit_id;
  std::int64_t limit = 50;
  std::int64_t offset = 0;
  bool not_checked_in = false;  // confirmed, not checked in, not on leave: who to phone
};

struct registration_page {
  std::vector<registration> items;
  std::int64_t total = 0;
};

enum class role_kind { admin, staff, judge, kiosk, board, citizen };  // citizen: /s/ sign-ups

// A signed-in user's role from its stored name ("admin", "staff", "judge").
inline role_kind user_role(std::string const& stored) {
  return stored == "admin" ? role_kind::admin : stored == "judge" ? role_kind::judge : role_kind::staff;
}

// Who is acting, as written to the audit log: "user:wang" or "device:门口1".
struct actor {
  role_kind role = role_kind::board;
  id_t id = 0;
  std::string name;
  std::optional<id_t> event_id;  // a kiosk paired to one event
  [[nodiscard]] std::string label() const {
    return (role == role_kind::kiosk ? "device:" : role == role_kind::citizen ? "public:" : "user:") + name;
  }
  [[nodiscard]] bool is_staff() const { return role == role_kind::admin || role == role_kind::staff; }
  [[nodiscard]] bool is_admin() const { return role == role_kind::admin; }
  // Judges enter competition scores and nothing else; staff may judge too.
  [[nodiscard]] bool may_judge() const { return is_staff() || role == role_kind::judge; }
  [[nodiscard]] bool is_user() const { return may_judge(); }  // signed in with a password
};

struct user {
  id_t id = 0;
  std::string username;
  std::string role;
  std::string password_hash;
};

struct device {
  id_t id = 0;
  std::string name;
  std::optional<id_t> event_id;
  std::string created_at;
  std::optional<std::string> revoked_at;
};

// How many people a unit is expected to send to an event.
struct quota {
  id_t unit_id = 0;
  std::string unit, kind;
  std::int64_t expected = 0;
};

// One item of a quota change: a unit, or every unit of a kind.
struct quota_item {
  std::optional<id_t> unit_id;
  std::optional<std::string> unit_kind;
  std::int64_t expected = 0;
};

struct attendance {
  std::int64_t registered = 0;  // confirmed registrations
  std::int64_t checked_in = 0;
  std::int64_t late = 0;   // checked in after the start
  std::int64_t leave = 0;  // on leave and not checked in
  [[nodiscard]] std::int64_t absent() const { return registered - checked_in - leave; }
};

struct unit_attendance {
  id_t unit_id = 0;
  std::string unit, kind, parent;
  std::int64_t expected = 0;
  attendance a;
};

struct event_units {
  id_t event_id = 0;
  std::string starts_at;
  std::vector<unit_attendance> items;  // units with a quota or a confirmed registration
  attendance unassigned;               // registrations without a unit
};

// One anonymous service at a clinic desk (服务人次).
struct tally {
  id_t id = 0;
  id_t event_id = 0;
  std::string service, site, nonce, actor, at;
  std::optional<std::string> undone_at;
};

struct named_count {
  std::string name;
  std::int64_t served = 0;
};

struct site_services {
  std::string site;
  std::vector<named_count> services;
};

struct tally_counts {
  std::int64_t served = 0;
  std::vector<named_count> services, sites;  // configured order; retired names last
  std::vector<site_services> by_site;
};

struct unit_rank {
  id_t unit_id = 0;
  std::string unit;
  std::int64_t expected = 0, checked_in = 0;
};

// A competition on the board: masked names, live ranking, marked provisional until published.
struct board_competitor {
  std::int64_t rank = 0;
  std::string name, unit;  // name masked
  double total = 0;
  bool complete = false;
};

struct board_slot {
  std::string item, name, unit;  // name masked
  std::int64_t position = 0;
};

struct board_unit_score {
  std::int64_t rank = 0;
  std::string unit;
  double total = 0;
};

// One item's order of appearance, as drawn (抽签结果), for the board.
struct board_draw {
  std::string item, seed, drawn_at;
  std::vector<board_slot> order;  // name masked; position from 1
  std::vector<bool> done;         // scored by all the item's judges
};

struct board_competition {
  bool published = false;
  std::vector<std::string> items;
  std::vector<board_draw> draws;  // the live draws, in item order
  std::optional<board_slot> now, next;
  std::vector<board_competitor> ranking;  // the top 10
  std::vector<board_unit_score> units;    // the top 10
};

// What a board shows: counts and masked names only.
struct board_event {
  id_t id = 0;
  std::string title, kind, venue, status, starts_at;
  std::optional<std::int64_t> capacity;
  event_counts counts;
  std::optional<tally_counts> clinic;  // when the event has services
  std::vector<unit_rank> units;        // when the event has quotas, ranked
  std::optional<board_competition> competition;  // a competition with items
  std::string ends_at;  // the page leaves out events that ended before today
};

struct board_checkin {
  id_t event_id = 0;
  std::string masked_name;
  std::string organization;
  std::string at;
  id_t id = 0;  // the check-in's row, when read back from the store (several instances)
};

// Live check-ins of one event in one minute, for the board's per-minute chart.
struct board_minute {
  id_t event_id = 0;
  std::string minute;  // "YYYY-MM-DDTHH:MM:00+08:00"
  std::int64_t count = 0;
};

struct board_state {
  programme prog;
  std::vector<board_event> events;
  std::vector<board_checkin> recent;  // newest last
  std::vector<board_minute> history;  // the last 60 minutes, oldest first
};

// What one committed batch changed, for the live board.
struct board_delta {
  std::vector<board_event> events;
  std::vector<board_checkin> recent;
  bool programme_changed = false;
  programme prog;
  std::int64_t committed_at_us = 0;  // Unix microseconds when COMMIT returned
  std::vector<board_checkin> undone;  // check-ins undone: event and `at` only, no name
};

}  // namespace qiandao::domain
