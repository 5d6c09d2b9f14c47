#pragma once
// Catch2 checks shared by the server tests. Main test thread only: Catch2 v2 assertions
// are not thread-safe.
#include <catch2/catch.hpp>
#include <regex>
#include <string>

#include "support/http_client.hpp"
#include "support/test_server.hpp"

namespace qiandao::test {

// A valid 18-digit resident ID (ISO 7064 check character computed here).
inline std::string resident_id(std::string const& first17) {
  static int const weights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += (first17[i] - '0') * weights[i];
  return first17 + "10X98765432"[sum % 11];
}

// The contract's error shape: {"error": {"code", "message", "fields": {...}}}.
inline nlohmann::json require_error(http_response const& r, int status, std::string const& code) {
  INFO("HTTP " << r.status << " " << r.body);
  REQUIRE(r.status == status);
  REQUIRE(r.header("Content-Type").value_or("").starts_with("application/json"));
  auto j = r.json();
  REQUIRE(j.is_object());
  REQUIRE(j.contains("error"));
  auto const& e = j["error"];
  CHECK(e["code"] == code);
  CHECK(e["message"].is_string());
  CHECK_FALSE(e["message"].get<std::string>().empty());
  CHECK(e["fields"].is_object());
  return e;
}

// A 422 naming exactly these fields (and maybe others when `exact` is false).
inline void require_invalid(http_response const& r, std::initializer_list<char const*> fields,
                            bool exact = true) {
  auto e = require_error(r, 422, "invalid");
  INFO("fields: " << e["fields"].dump());
  for (auto const* f : fields) CHECK(e["fields"].contains(f));
  if (exact) CHECK(e["fields"].size() == fields.size());
}

inline nlohmann::json require_status(http_response const& r, int status) {
  INFO("HTTP " << r.status << " " << r.body);
  REQUIRE(r.status == status);
  return r.json();
}

// True when `text` holds something shaped like a full mainland mobile number or a ticket
// code (26 Crockford base-32 characters).
// An 11-digit mobile number standing alone (not a slice of a longer number such as a
// microsecond timestamp).
inline bool has_phone_like(std::string const& text) {
  static std::regex const phone("(^|[^0-9])1[3-9][0-9]{9}([^0-9]|$)");
  return std::regex_search(text, phone);
}
inline bool has_code_like(std::string const& text) {
  static std::regex const code("[0-9A-HJKMNP-TV-Z]{26}");
  return std::regex_search(text, code);
}

// A kiosk's view of a person: masked name and phone, no ticket code.
inline void require_masked(nlohmann::json const& r, std::string const& name, std::string const& phone) {
  INFO(r.dump());
  CHECK(r["name"] == mask_of(name));
  CHECK(r["name"] != name);
  CHECK(r["phone"] == phone.substr(0, 3) + "****" + phone.substr(7));
  CHECK_FALSE(r.contains("code"));
  auto text = r.dump();
  CHECK(text.find(phone) == std::string::npos);
  CHECK(text.find(name) == std::string::npos);
}

}  // namespace qiandao::test
