#pragma once
// Check-in at the door: idempotent by nonce, at most once per registration, refusals audited.
#include "domain/model.hpp"
#include "domain/result.hpp"
#include "domain/store.hpp"

namespace qiandao::domain {

// The answer to a scan, replayed exactly for a retried nonce.
struct checkin_answer {
  enum class outcome { checked_in, already, not_found, cancelled, waitlisted, wrong_event,
                       event_cancelled };
  outcome result = outcome::not_found;
  bool first = false;
  bool replayed = false;  // rebuilt from a retried nonce's first answer
  std::optional<std::string> at;
  std::optional<registration> reg;
  std::string event_title;
};

// Exactly one of code / registration_id identifies the ticket.
struct checkin_request {
  std::string nonce;
  std::optional<std::string> code;
  std::optional<id_t> registration_id;
  std::optional<id_t> event_id;  // the event the kiosk is admitting to, if it says
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
