#pragma once
// Check-in at the door: idempotent by nonce, at most once per registration, refusals audited.
#include "domain/model.hpp"
#include "domain/result.hpp"
#include "domain/store.hpp"

namespace qiandao::domain {

// The answer to a scan, replayed exactly for a retried nonce.
struct checkin_answer {
  // held: the kiosk turned the person away offline though the ticket was good; not checked
  // in, a door conflict asks staff to admit.
  enum class outcome { checked_in, already, not_found, cancelled, waitlisted, wrong_event,
                       event_cancelled, held };
  outcome result = outcome::not_found;
  bool first = false;
  bool replayed = false;  // rebuilt from a retried nonce's first answer
  std::optional<std::string> at;
  std::optional<registration> reg;
  std::string event_title;
};

// How a kiosk answered a scan while it could not reach the server (a replay).
struct offline_answer {
  std::string answer;  // ok | already | bad
  std::string scanned_at;
};

// Exactly one of code / registration_id identifies the ticket.
struct checkin_request {
  std::string nonce;
  std::optional<std::string> code;
  std::optional<id_t> registration_id;
  std::optional<id_t> event_id;  // the event the kiosk is admitting to, if it says
  std::optional<offline_answer> offline;  // a replay of a scan answered offline
};

result<checkin_answer> check_in(store& s, actor const& who, checkin_request const& req);

result<checkin_answer> walk_in(store& s, actor const& who, id_t event_id,
                               registration_input const& in, std::string const& nonce);

result<registration> undo_checkin(store& s, actor const& who, id_t checkin_id);

// Masked candidates for a phone look-up: a full number, or its last four digits.
result<std::vector<registration>> lookup(store& s, id_t event_id, std::string const& phone);

bool valid_nonce(std::string const& nonce);
std::string outcome_name(checkin_answer::outcome o);

}  // namespace qiandao::domain
