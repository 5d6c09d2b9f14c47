#pragma once
// Sign-ups: capacity, waitlist, duplicates, cancel with promotion.
#include "domain/model.hpp"
#include "domain/result.hpp"
#include "domain/store.hpp"

namespace qiandao::domain {

// Validates and normalises a participant's fields (name, phone, organization, category,
// id_number), collecting every problem.
result<registration_input> validate_input(registration_input in);

result<registration> register_participant(store& s, actor const& who, id_t event_id,
                                          registration_input const& in, std::string const& source);
result<registration> cancel_registration(store& s, actor const& who, id_t id);
// Gives one free seat of the event to the oldest on its waitlist; false when there is no
// seat or nobody waiting. Takes the event row's lock first (the guarded seat), so promotions
// of one event run one at a time whichever instance runs them.
bool promote_next(store& s, actor const& who, id_t event_id, std::string const& now);

}  // namespace qiandao::domain
