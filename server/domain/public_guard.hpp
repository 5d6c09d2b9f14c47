#pragma once
// What holds back abuse of the public sign-up (/s/) with no outside service: counters per
// address and per phone number, and an ALTCHA v3 proof-of-work challenge that this server
// issues, signs and verifies itself. Both live in memory and are checked before any
// database work, so a flood is refused without ever reaching the writer the kiosks use. A
// verified solution is then spent in the database with the sign-up it pays for
// (public_signup.hpp), which is what refuses it on other instances and after a restart.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace qiandao::domain {

// Fixed-window counters by key ("signup:addr:1.2.3.4"). Bounded memory under a spray of
// made-up keys: expired windows are dropped once the table grows.
class rate_limiter {
 public:
  // Counts one hit for `key`; 0 when it may go ahead, else the seconds to wait (Retry-After).
  [[nodiscard]] std::int64_t hit(std::string const& key, int max, std::chrono::seconds window);

 private:
  using clock = std::chrono::steady_clock;
  struct slot {
    clock::time_point start;
    std::chrono::seconds window{0};
    int count = 0;
  };
  std::mutex mutex_;
  std::unordered_map<std::string, slot> slots_;
};

// How many requests the public may make; the defaults are for a district's citizens on
// their phones (a household behind one address signs up a few people).
struct public_limits {
  int signups_per_address = 10;  // per hour
  int signups_per_phone = 5;     // per hour
  int signups_total = 600;       // per minute, all addresses together
  int lookups_per_address = 30;  // per 10 minutes: ticket views, "find my ticket", cancels
  int lookups_per_phone = 10;    // per 10 minutes: "find my ticket"
  int challenges_per_address = 60;  // per 10 minutes
};

// ALTCHA v3 parameters as the widget reads them (algorithm SHA-256, cost 1, key length 32).
struct pow_parameters {
  std::string algorithm = "SHA-256";
  std::string nonce, salt;  // 16 random bytes each, hex
  std::int64_t cost = 1;
  std::int64_t key_length = 32;
  std::string key_prefix;  // hex: the first half of the key at the secret counter
  std::int64_t expires_at = 0;  // Unix seconds
};

struct pow_challenge {
  pow_parameters parameters;
  std::string signature;  // hex HMAC-SHA-256 of canonical_json(parameters)
};

// What the widget sends back (its payload, decoded).
struct pow_solution {
  pow_challenge challenge;
  std::int64_t counter = -1;
  std::string derived_key;  // hex
};

enum class pow_verdict { ok, invalid, expired, replayed };

// Sorted keys, no spaces: the text ALTCHA signs (its canonicalJSON).
std::string canonical_json(pow_parameters const& p);

class pow_guard {
 public:
  // `secret`: the HMAC key (any length; hashed to 32 bytes); empty = a random one for this
  // process. Several instances behind one proxy must share it. `max_number`: the counter is
  // drawn from [max_number / 10, max_number), so a solver tries max_number / 2 keys on average.
  pow_guard(std::string const& secret, std::int64_t max_number, std::int64_t ttl_seconds);

  [[nodiscard]] pow_challenge issue(std::int64_t now_unix) const;
  // Verifies the signature, the expiry and the work, then remembers the challenge until it
  // expires so the same solution is refused the second time by this process, before any
  // database work.
  [[nodiscard]] pow_verdict redeem(pow_solution const& s, std::int64_t now_unix);

 private:
  [[nodiscard]] std::string sign(pow_parameters const& p) const;
  std::string key_;  // 32 bytes
  std::int64_t max_number_;
  std::int64_t ttl_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::int64_t> spent_;  // nonce → expires_at
};

// The ALTCHA key derivation for SHA-256 at cost 1: SHA-256(salt ‖ nonce ‖ counter as a
// big-endian uint32), as raw bytes. Empty when salt or nonce is not hex.
std::string pow_derive(std::string const& salt_hex, std::string const& nonce_hex, std::uint32_t counter);
std::string to_hex(std::string const& bytes);

}  // namespace qiandao::domain
