#pragma once
// Sign-ups: capacity, waitlist, duplicates, cancel with promotion.
#include "domain/model.hpp"
#include "domain/result.hpp"
#include "domain/store.hpp"

namespace qiandao::domain {

// Validates and normalises a participant's fields (name, phone, organization, category,
// id_number), collecting every problem.
result<registration_input> validate_input(registration_input in);

// An import's places: the event read once with its row held (store::hold_event), the places
// its rows take counted here and written to the event's counters once at the end, not once
// per row (on PostgreSQL thousands of versions of one row in one transaction make each
// further touch of it slower: an import grew quadratic).
struct place_ledger {
  event ev;
  std::int64_t confirmed = 0;
  std::int64_t waitlisted = 0;
  bool take_seat() {
    if (ev.capacity && ev.counts.registered + confirmed >= *ev.capacity) return false;
    ++confirmed;
    return true;
  }
};

// With a ledger, the event and its places come from it (see place_ledger); without, from
// the event's row, one guarded statement per place. Writes nothing when it refuses.
result<registration> register_participant(store& s, actor const& who, id_t event_id,
                                          registration_input const& in, std::string const& source,
                                          place_ledger* ledger = nullptr);
result<registration> cancel_registration(store& s, actor const& who, id_t id);
// Gives one free seat of the event to the oldest on its waitlist; false when there is no
// seat or nobody waiting. Takes the event row's lock first (the guarded seat), so promotions
// of one event run one at a time whichever instance runs them.
bool promote_next(store& s, actor const& who, id_t event_id, std::string const& now);

}  // namespace qiandao::domain
