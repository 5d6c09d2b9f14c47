#pragma once
// Solves an ALTCHA v3 challenge (GET /api/v1/public/challenge) the way the widget does:
// counters from 0 until SHA-256(salt ‖ nonce ‖ counter) starts with keyPrefix. Answers the
// base64 payload the widget would send as "altcha". For servers run with a small
// --pow-max-number (the search gives up at `max_number`).
#include <sodium.h>

#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "domain/public_guard.hpp"

namespace qiandao::test {

inline std::string base64(std::string const& raw) {
  std::string out(sodium_base64_ENCODED_LEN(raw.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<unsigned char const*>(raw.data()), raw.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

// `counter_offset` != 0 gives a wrong answer on purpose.
inline std::string solve_altcha(nlohmann::json const& challenge, std::int64_t max_number,
                                std::int64_t counter_offset = 0) {
  auto const& p = challenge["parameters"];
  for (std::uint32_t n = 0; n < max_number; ++n) {
    auto hex = domain::to_hex(domain::pow_derive(p["salt"], p["nonce"], n));
    if (hex.starts_with(p["keyPrefix"].get<std::string>())) {
      nlohmann::json payload = {{"challenge", challenge},
                                {"solution", {{"counter", n + counter_offset}, {"derivedKey", hex}, {"time", 12.5}}}};
      return base64(payload.dump());
    }
  }
  throw std::runtime_error("no solution below maxnumber");
}

}  // namespace qiandao::test
