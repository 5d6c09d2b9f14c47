#pragma once
// A registration corrected by staff: the same checks as a sign-up, the code and the ticket
// kept, the change audited with personal data masked.
#include <optional>
#include <string>

#include "domain/model.hpp"
#include "domain/result.hpp"
#include "domain/store.hpp"

namespace qiandao::domain {

// The fields a staff edit may change; an absent field keeps its value. `id_number` set to
// "" clears it; `unit_id` set to none (with `unit_given`) unlinks the unit.
struct registration_patch {
  std::optional<std::string> name, phone, organization, category, id_number;
  bool unit_given = false;
  std::optional<id_t> unit_id;
};

// 404 no such registration, 409 cancelled or a live duplicate phone, 422 bad fields.
result<registration> edit_registration(store& s, actor const& who, id_t id, registration_patch const& p);

}  // namespace qiandao::domain
