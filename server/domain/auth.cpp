#include "domain/auth.hpp"

#include "domain/store.hpp"
#include "domain/validate.hpp"

#include <sodium.h>

#include <array>
#include <stdexcept>

namespace qiandao::domain {

void init_crypto() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::string hash_password(std::string const& password) {
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str(out.data(), password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    throw std::runtime_error("password hashing ran out of memory");
  }
  return std::string(out.data());
}

bool verify_password(std::string const& hash, std::string const& password) {
  if (hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string token_digest(std::string const& token) {
  std::array<unsigned char, 32> d{};
  crypto_generichash(d.data(), d.size(), reinterpret_cast<unsigned char const*>(token.data()),
                     token.size(), nullptr, 0);
  std::array<char, 65> hex{};
  sodium_bin2hex(hex.data(), hex.size(), d.data(), d.size());
  return std::string(hex.data());
}

std::int64_t login_throttle::wait_for(std::unordered_map<std::string, window>& m,
                                      std::string const& key, int limit, clock::time_point now) {
  auto it = m.find(key);
  if (it == m.end() || it->second.failures < limit) return 0;
  auto left = std::chrono::duration_cast<std::chrono::seconds>(it->second.start +
                                                               limits_.window - now);
  return std::max<std::int64_t>(1, left.count());
}

void login_throttle::bump(std::unordered_map<std::string, window>& m, std::string const& key,
                          clock::time_point now) {
  auto& w = m[key];
  if (w.failures == 0 || now - w.start >= limits_.window) w = {now, 0};
  ++w.failures;
}

void login_throttle::expire(std::string const& account, std::string const& address,
                            clock::time_point now) {
  prune(now);
  for (auto* m : {&accounts_, &addresses_}) {
    std::string const& key = m == &accounts_ ? account : address;
    auto it = m->find(key);
    if (it != m->end() && now - it->second.start >= limits_.window) m->erase(it);
  }
}

void login_throttle::prune(clock::time_point now) {
  // Bounded memory under a spray of made-up account names.
  auto drop_old = [&](auto& m) {
    if (m.size() < 10000) return;
    std::erase_if(m, [&](auto const& kv) { return now - kv.second.start >= limits_.window; });
  };
  drop_old(accounts_);
  drop_old(addresses_);
}

std::int64_t login_throttle::retry_after(std::string const& account, std::string const& address) {
  std::lock_guard lock(mutex_);
  auto now = clock::now();
  expire(account, address, now);
  return std::max(wait_for(accounts_, account, limits_.per_account, now),
                  wait_for(addresses_, address, limits_.per_address, now));
}

std::int64_t login_throttle::begin_attempt(std::string const& account, std::string const& address) {
  std::lock_guard lock(mutex_);
  auto now = clock::now();
  expire(account, address, now);
  auto wait = std::max(wait_for(accounts_, account, limits_.per_account, now),
                       wait_for(addresses_, address, limits_.per_address, now));
  if (wait > 0) return wait;
  bump(accounts_, account, now);
  bump(addresses_, address, now);
  return 0;
}

void login_throttle::succeeded(std::string const& account, std::string const& address) {
  std::lock_guard lock(mutex_);
  accounts_.erase(account);
  if (auto it = addresses_.find(address); it != addresses_.end() && it->second.failures > 0)
    --it->second.failures;
}

void login_throttle::failed(std::string const& account, std::string const& address) {
  std::lock_guard lock(mutex_);
  auto now = clock::now();
  bump(accounts_, account, now);
  bump(addresses_, address, now);
}

std::int64_t login_throttle::begin_address_attempt(std::string const& address) {
  std::lock_guard lock(mutex_);
  auto now = clock::now();
  expire("", address, now);
  auto wait = wait_for(addresses_, address, limits_.per_address, now);
  if (wait > 0) return wait;
  bump(addresses_, address, now);
  return 0;
}

void login_throttle::address_succeeded(std::string const& address) {
  std::lock_guard lock(mutex_);
  if (auto it = addresses_.find(address); it != addresses_.end() && it->second.failures > 0)
    --it->second.failures;
}

std::int64_t count_account_attempt(store& s, std::string const& account, login_throttle::limits const& l) {
  auto now = now_seconds();
  auto [failures, start] = s.count_login_attempt(account, now, l.window.count());
  if (failures <= l.per_account) return 0;
  return std::max<std::int64_t>(1, start + l.window.count() - now);
}

void forget_account_attempts(store& s, std::string const& account) { s.clear_login_attempts(account); }

void login_throttle::succeeded(std::string const& account) {
  std::lock_guard lock(mutex_);
  accounts_.erase(account);
}

}  // namespace qiandao::domain
