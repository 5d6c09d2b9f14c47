#pragma once
// The offline door: the ticket list a kiosk keeps (a delta feed with a `since` cursor),
// door conflicts (待处理) that reach a person, and the kiosk's staff PIN.
#include <optional>
#include <string>
#include <vector>

#include "domain/door_model.hpp"
#include "domain/model.hpp"
#include "domain/result.hpp"
#include "domain/store.hpp"

namespace qiandao::domain {

// One ticket as a kiosk keeps it: the code only as its SHA-256 digest, the name masked.
struct door_item {
  id_t id = 0;
  std::string digest;  // hex SHA-256 of the ticket code
  std::string status;
  std::string name;  // masked
  std::string organization;
  std::optional<std::string> unit;
  std::optional<std::string> checked_in_at;
};

struct door_page {
  std::int64_t cursor = 0;  // pass as `since` next time
  bool more = false;        // another page follows at once
  std::vector<door_item> items;
  std::int64_t conflicts_open = 0;  // a kiosk's own open conflicts; every open one for staff
};

constexpr int door_page_default = 500;
constexpr int door_page_max = 2000;

// Hex SHA-256 of a ticket code, as the kiosk's page computes it with crypto.subtle.
std::string code_digest(std::string const& code);

// The event's registrations changed after `since`; a kiosk paired to another event is refused.
result<door_page> door_feed(store& s, actor const& who, id_t event_id, std::int64_t since, int limit);

struct conflict_view {
  door_conflict conflict;
  std::optional<registration> reg;
  std::string event_title;
};

// state: open | resolved | all.
result<std::vector<conflict_view>> list_conflicts(store& s, std::optional<id_t> event_id, std::string const& state);

// admit checks the person in when their registration is live and not checked in yet;
// refuse only closes the conflict. Both audited as conflict.resolve.
result<conflict_view> resolve_conflict(store& s, actor const& who, id_t id, std::string const& resolution,
                                       std::string const& note);

// A kiosk's PIN: 4–8 digits.
void check_device_pin(std::string const& pin, field_errors& f);
// Sets (or replaces) a device's PIN hash, computed off the I/O threads; audited device.pin.
result<device> set_device_pin(store& s, actor const& who, id_t device_id, std::string const& pin_hash);

}  // namespace qiandao::domain
