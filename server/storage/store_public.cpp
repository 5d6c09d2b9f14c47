// What the public ticket page shows besides the registration: waitlist place, promotion.
#include "storage/rows.hpp"
#include "storage/store.hpp"

namespace qiandao::storage {

std::int64_t sql_store::waitlist_position(id_t event_id, id_t registration_id) {
  // The waitlist moves up in id order (oldest_waitlisted), so the place is a count.
  auto& s = c_.prepare(
      "SELECT count(*) FROM registrations WHERE event_id = ?1 AND status = 'waitlisted' AND id <= ?2");
  s.bind(1, event_id).bind(2, registration_id);
  std::int64_t n = 0;
  if (s.step()) {
    n = s.get_int(0);
    s.reset();
  }
  return n;
}

bool sql_store::was_promoted(id_t registration_id) {
  auto& s = c_.prepare(
      "SELECT id FROM audit_log WHERE target = ?1 AND action = 'registration.promote' ORDER BY id LIMIT 1");
  std::string const target = "registration:" + std::to_string(registration_id);
  s.bind(1, target);
  bool found = s.step();
  if (found) s.reset();
  return found;
}

}  // namespace qiandao::storage
