#pragma once
// Creating and changing events (admin).
#include "domain/model.hpp"
#include "domain/result.hpp"
#include "domain/store.hpp"

namespace qiandao::domain {

result<event> create_event(store& s, actor const& who, event_changes const& in);
result<event> update_event(store& s, actor const& who, id_t id, event_changes const& in);

}  // namespace qiandao::domain
