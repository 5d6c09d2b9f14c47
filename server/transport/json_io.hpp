#pragma once
// The one place domain values become JSON and JSON becomes domain inputs.
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "domain/board.hpp"
#include "domain/checkins.hpp"
#include "domain/competition_model.hpp"
#include "domain/report.hpp"
#include "domain/units.hpp"
#include "domain/registration_edit.hpp"
#include "domain/model.hpp"
#include "domain/public_guard.hpp"
#include "domain/public_signup.hpp"
#include "domain/result.hpp"
#include "domain/store.hpp"

namespace qiandao::transport {

using json = nlohmann::json;

// Refuses documents nested deeper than `max_depth` before nlohmann/json (which recurses
// per level) ever sees them.
bool nesting_within(std::string_view body, int max_depth);

// Parses a request body as a JSON object, or says why not (400).
domain::result<json> parse_object(std::string const& body);

json to_json(domain::event const& e);
json to_json(domain::registration const& r, bool masked);
json to_json(domain::device const& d);
json to_json(domain::checkin_answer const& a, bool masked);
// The same document as to_json(a, masked).dump(), byte for byte, written straight into a
// string without building the tree: a check-in answer is the door's hot path. A unit test
// holds the two equal.
std::string checkin_answer_text(domain::checkin_answer const& a, bool masked);
json to_json(domain::audit_row const& a);
json to_json(domain::unit const& u);
json to_json(domain::tally const& t);
// The board's event row and check-in line (already masked by the store).
json to_json(domain::board_event const& e);
json to_json(domain::board_totals const& t);  // {registered, waitlisted, checked_in, served}
json to_json(domain::board_checkin const& c);
json to_json(domain::tally_counts const& c);
json to_json(domain::programme const& p);
json to_json(domain::user const& u);  // without the password hash
json to_json(domain::actor const& who);
json error_body(domain::error const& e);

// Skill competitions (json_io_competitions.cpp). `masked`: names as judges see them.
json item_json(domain::competition_item const& i);
json competition_json(domain::competition const& c, std::string const& title);
json competitor_json(bool masked, domain::competitor const& p);
json score_json(domain::score const& s);
json draw_json(bool masked, domain::draw const& d, std::vector<domain::competitor> const& people);
json slot_json(bool masked, std::optional<domain::slot> const& s);
json results_json(bool masked, domain::competition const& comp, domain::leaderboard const& lb);

// The programme report and attendance by unit (json_io_report.cpp).
json report_json(domain::report const& r);
json quotas_json(std::vector<domain::quota> const& quotas);
json attendance_json(domain::attendance const& a);
// num / den as a number, or null when den is 0.
json rate_json(std::int64_t num, std::int64_t den);

// Readers collect type errors into `f` rather than throwing.
domain::event_changes read_event_changes(json const& j, domain::field_errors& f);
domain::registration_input read_registration_input(json const& j, domain::field_errors& f);
std::optional<std::string> get_string(json const& j, char const* key, domain::field_errors& f,
                                      bool required);
std::optional<bool> get_bool(json const& j, char const* key, domain::field_errors& f);
std::optional<std::int64_t> get_int(json const& j, char const* key, domain::field_errors& f,
                                    bool required);

// board (issue 11): one minute of the per-minute chart, and an undone check-in (no name).
json to_json(domain::board_minute const& m);
json undone_json(domain::board_checkin const& c);
// Staff pages of issue 11 (json_io_staff.cpp).
json to_json(domain::account const& a);
domain::registration_patch read_registration_patch(json const& j, domain::field_errors& f);
void read_audit_filters(std::map<std::string, std::string> const& query, domain::audit_query& q,
                        domain::field_errors& f);
// ?q=&status=&not_checked_in=1 (unit_id, limit and offset are read by the caller).
void read_registration_filters(std::map<std::string, std::string> const& query, domain::registration_query& q,
                               domain::field_errors& f);
// The public's own sign-up (json_io_public.cpp): no personal data but masked names.
json public_event_json(domain::event const& e);
json public_ticket_json(domain::public_ticket const& t);
json challenge_json(domain::pow_challenge const& c);
// The public board (GET /api/v1/board/public): figures only, no generated_at (added when
// the figures change).
json public_board_json(domain::public_board const& b);
// The ALTCHA widget's payload (base64 of {"challenge":{…},"solution":{…}}); empty when it
// is not one.
std::optional<domain::pow_solution> read_pow_payload(std::string const& base64);

}  // namespace qiandao::transport
