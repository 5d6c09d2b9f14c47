#include "domain/public_guard.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>

namespace qiandao::domain {

std::int64_t rate_limiter::hit(std::string const& key, int max, std::chrono::seconds window) {
  std::lock_guard lock(mutex_);
  auto now = clock::now();
  if (slots_.size() >= 20000)
    std::erase_if(slots_, [&](auto const& kv) { return now - kv.second.start >= kv.second.window; });
  auto& s = slots_[key];
  if (s.count == 0 || now - s.start >= s.window) s = {now, window, 0};
  if (s.count >= max) {
    auto left = std::chrono::duration_cast<std::chrono::seconds>(s.start + s.window - now).count();
    return std::max<std::int64_t>(1, left);
  }
  ++s.count;
  return 0;
}

std::string to_hex(std::string const& bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), reinterpret_cast<unsigned char const*>(bytes.data()), bytes.size());
  out.pop_back();
  return out;
}

namespace {

std::optional<std::string> from_hex(std::string const& hex) {
  if (hex.size() % 2 != 0 || hex.size() > 256) return std::nullopt;
  std::string out(hex.size() / 2, '\0');
  std::size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(), hex.size(), nullptr,
                     &len, nullptr) != 0 ||
      len != out.size())
    return std::nullopt;
  return out;
}

std::string random_hex(std::size_t n) {
  std::string b(n, '\0');
  randombytes_buf(b.data(), b.size());
  return to_hex(b);
}

}  // namespace

std::string pow_derive(std::string const& salt_hex, std::string const& nonce_hex, std::uint32_t counter) {
  auto salt = from_hex(salt_hex), nonce = from_hex(nonce_hex);
  if (!salt || !nonce) return {};
  std::string data = *salt + *nonce;
  for (int shift = 24; shift >= 0; shift -= 8) data += static_cast<char>((counter >> shift) & 0xff);
  std::string key(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(key.data()), reinterpret_cast<unsigned char const*>(data.data()),
                     data.size());
  return key;
}

std::string canonical_json(pow_parameters const& p) {
  // Every value is ASCII (hex, a fixed algorithm name) or an integer: nothing to escape.
  return "{\"algorithm\":\"" + p.algorithm + "\",\"cost\":" + std::to_string(p.cost) +
         ",\"expiresAt\":" + std::to_string(p.expires_at) + ",\"keyLength\":" + std::to_string(p.key_length) +
         ",\"keyPrefix\":\"" + p.key_prefix + "\",\"nonce\":\"" + p.nonce + "\",\"salt\":\"" + p.salt + "\"}";
}

pow_guard::pow_guard(std::string const& secret, std::int64_t max_number, std::int64_t ttl_seconds)
    : key_(crypto_auth_hmacsha256_KEYBYTES, '\0'), max_number_(std::max<std::int64_t>(10, max_number)),
      ttl_(ttl_seconds) {
  if (secret.empty()) randombytes_buf(key_.data(), key_.size());
  else
    crypto_hash_sha256(reinterpret_cast<unsigned char*>(key_.data()),
                       reinterpret_cast<unsigned char const*>(secret.data()), secret.size());
}

std::string pow_guard::sign(pow_parameters const& p) const {
  std::string text = canonical_json(p);
  std::string mac(crypto_auth_hmacsha256_BYTES, '\0');
  crypto_auth_hmacsha256(reinterpret_cast<unsigned char*>(mac.data()), reinterpret_cast<unsigned char const*>(text.data()),
                         text.size(), reinterpret_cast<unsigned char const*>(key_.data()));
  return to_hex(mac);
}

pow_challenge pow_guard::issue(std::int64_t now_unix) const {
  pow_challenge c;
  c.parameters.nonce = random_hex(16);
  c.parameters.salt = random_hex(16);
  auto low = static_cast<std::uint32_t>(max_number_ / 10);
  auto span = static_cast<std::uint32_t>(max_number_ - low);
  std::uint32_t counter = low + randombytes_uniform(span);
  auto key = pow_derive(c.parameters.salt, c.parameters.nonce, counter);
  c.parameters.key_prefix = to_hex(key.substr(0, key.size() / 2));
  c.parameters.expires_at = now_unix + ttl_;
  c.signature = sign(c.parameters);
  return c;
}

pow_verdict pow_guard::redeem(pow_solution const& s, std::int64_t now_unix) {
  auto const& p = s.challenge.parameters;
  if (p.algorithm != "SHA-256" || p.cost != 1 || p.key_length != 32 || p.key_prefix.size() != 32)
    return pow_verdict::invalid;
  std::string expected = sign(p);
  if (s.challenge.signature.size() != expected.size() ||
      sodium_memcmp(s.challenge.signature.data(), expected.data(), expected.size()) != 0)
    return pow_verdict::invalid;
  if (p.expires_at <= now_unix) return pow_verdict::expired;
  if (s.counter < 0 || s.counter > 0xffffffffLL) return pow_verdict::invalid;
  auto key = pow_derive(p.salt, p.nonce, static_cast<std::uint32_t>(s.counter));
  if (key.empty() || to_hex(key.substr(0, 16)) != p.key_prefix) return pow_verdict::invalid;
  std::lock_guard lock(mutex_);
  std::erase_if(spent_, [&](auto const& kv) { return kv.second <= now_unix; });
  if (!spent_.emplace(p.nonce, p.expires_at).second) return pow_verdict::replayed;
  return pow_verdict::ok;
}

}  // namespace qiandao::domain
