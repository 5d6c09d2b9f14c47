#pragma once
// Passwords (argon2id via libsodium), token digests, and the login throttle.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace qiandao::domain {

// Call once at start-up; throws if libsodium cannot initialise.
void init_crypto();

// crypto_pwhash_str: argon2id with libsodium's interactive limits (64 MiB, 2 passes).
// Slow on purpose: never call it on an I/O thread.
std::string hash_password(std::string const& password);
bool verify_password(std::string const& hash, std::string const& password);

// A stored digest of a bearer token or session cookie (BLAKE2b-256, hex), so a copied
// database does not hand out live credentials.
std::string token_digest(std::string const& token);

// Failed logins per account and per address, counted before any hash is computed so a
// guesser costs us nothing and a kiosk's check-ins never wait behind a hashing queue.
class login_throttle {
 public:
  struct limits {
    int per_account = 5;
    int per_address = 20;
    std::chrono::seconds window{300};
  };
  login_throttle() = default;
  explicit login_throttle(limits l) : limits_(l) {}

  // Seconds to wait before another attempt, or 0 when one may go ahead.
  [[nodiscard]] std::int64_t retry_after(std::string const& account, std::string const& address);
  // Checks and counts an attempt in one locked step, before any hash is computed, so many
  // concurrent guesses cannot all slip past the limit. 0 = go ahead; else seconds to wait.
  [[nodiscard]] std::int64_t begin_attempt(std::string const& account, std::string const& address);
  // The attempt begun for this account and address was right: forget the account's failures
  // and give the address its attempt back.
  void succeeded(std::string const& account, std::string const& address);
  void failed(std::string const& account, std::string const& address);
  void succeeded(std::string const& account);
  // The address half alone (the account half is in the store: count_account_attempt).
  [[nodiscard]] std::int64_t begin_address_attempt(std::string const& address);
  void address_succeeded(std::string const& address);
  [[nodiscard]] limits const& settings() const { return limits_; }

 private:
  using clock = std::chrono::steady_clock;
  struct window {
    clock::time_point start;
    int failures = 0;
  };
  std::int64_t wait_for(std::unordered_map<std::string, window>& m, std::string const& key,
                        int limit, clock::time_point now);
  void bump(std::unordered_map<std::string, window>& m, std::string const& key,
            clock::time_point now);
  void prune(clock::time_point now);
  // Drops this account's and address's windows once they have run out.
  void expire(std::string const& account, std::string const& address, clock::time_point now);

  limits limits_;
  std::mutex mutex_;
  std::unordered_map<std::string, window> accounts_, addresses_;
};

class store;
// The account half of the sign-in throttle, kept in the store so that every instance on one
// database shares it: counts this attempt in one statement; the seconds to wait when the
// account is over its limit (the attempt goes no further), else 0.
std::int64_t count_account_attempt(store& s, std::string const& account, login_throttle::limits const& l);
// A right password: the account's failures are forgotten.
void forget_account_attempts(store& s, std::string const& account);

}  // namespace qiandao::domain
