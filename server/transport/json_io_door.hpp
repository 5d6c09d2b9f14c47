#pragma once
// The offline door's JSON shapes (json_io_door.cpp).
#include "domain/checkins.hpp"
#include "domain/door.hpp"
#include "transport/json_io.hpp"

namespace qiandao::transport {

json door_page_json(domain::door_page const& p);
json conflict_json(domain::conflict_view const& v);
// The `offline` member of a replayed check-in, if the body has one.
std::optional<domain::offline_answer> read_offline_answer(json const& body, domain::field_errors& f);

}  // namespace qiandao::transport
