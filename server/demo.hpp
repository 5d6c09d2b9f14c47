#pragma once
// The demo programme: the 2024 Qingpu Doctors' Day events from the commission's notice,
// with made-up work units and participants.
#include <string>

#include "storage/store.hpp"

namespace qiandao {

struct demo_credentials {
  std::string admin_username;
  std::string admin_password;
  std::string kiosk_token;
};

// Fills an empty database; returns nothing when it already holds events.
std::optional<demo_credentials> seed_demo(storage::sql_store& s);

}  // namespace qiandao
