#pragma once
// The public's own sign-up (/s/): which events are open to it, the sign-up itself (the staff
// rule for capacity, waitlist and duplicates, source "public"), "find my ticket", and the
// holder's cancel. The ticket code is the holder's credential, as on a paper ticket.
#include <optional>
#include <string>
#include <vector>

#include "domain/model.hpp"
#include "domain/result.hpp"
#include "domain/store.hpp"

namespace qiandao::domain {

// Public sign-up is on, the event is open, and neither its closing time nor its end has
// passed (`now` as now_text()).
bool open_to_public(event const& e, std::string const& now);
// When public sign-up closes: public_closes_at, or the event's end when that comes first.
std::string public_closes(event const& e);

// The events the public may sign up for now, in programme order.
std::vector<event> public_events(store& s, std::string const& now);

// Everything about a public sign-up that needs no writer: the event is open to the public,
// the fields are valid, the notice accepted, the required fields given. Checked before the
// proof of work is spent, and again inside the sign-up's transaction.
result<registration_input> check_public_signup(event const* e, registration_input in, std::string const& now);

// What the ticket page shows: the registration, its event, its place on the waitlist
// (0 when not waitlisted) and whether it was promoted from the waitlist.
struct public_ticket {
  registration reg;
  event ev;
  std::int64_t waitlist_position = 0;
  bool promoted = false;
};

// A proof of work the guard has verified (signature, expiry, work), to be spent with the
// sign-up it paid for.
struct spent_proof {
  std::string nonce;            // the challenge's nonce
  std::int64_t expires_at = 0;  // the challenge's expiry, Unix seconds
};
// 403 pow_replayed: this proof of work paid for a sign-up already.
error proof_replayed();

// Registers the person with source "public", audited as "public:<masked phone>", and spends
// the proof of work in the same transaction: one solution pays for one sign-up, whichever
// instance it reaches and across restarts. A sign-up refused for another reason (full,
// duplicate, closed) rolls the spend back with it.
result<public_ticket> public_sign_up(store& s, id_t event_id, registration_input const& in, spent_proof const& proof);
// A live or cancelled public sign-up by its code; not_found for any other code.
result<public_ticket> public_ticket_by_code(store& s, std::string const& code);
// Live public sign-ups with this phone number and exactly this full name, newest event first.
std::vector<public_ticket> find_public_tickets(store& s, std::string const& phone, std::string const& name);
// The holder cancels; the next on the waitlist moves up (registrations' promote_next).
result<public_ticket> cancel_public_ticket(store& s, std::string const& code);

}  // namespace qiandao::domain
