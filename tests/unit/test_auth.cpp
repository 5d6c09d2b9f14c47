// Passwords, token digests and the login throttle.
#include <chrono>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "domain/auth.hpp"
#include "storage/device_cache.hpp"

namespace d = qiandao::domain;

TEST_CASE("five failures lock an account, and a success unlocks it", "[auth][throttle]") {
  d::login_throttle t;
  for (int i = 0; i < 4; ++i) {
    REQUIRE(t.retry_after("wang", "10.0.0.1") == 0);
    t.failed("wang", "10.0.0.1");
  }
  CHECK(t.retry_after("wang", "10.0.0.1") == 0);
  t.failed("wang", "10.0.0.1");
  auto wait = t.retry_after("wang", "10.0.0.1");
  CHECK(wait > 0);
  CHECK(wait <= 300);
  CHECK(t.retry_after("wang", "10.0.0.99") > 0);  // the account is locked from anywhere
  CHECK(t.retry_after("li", "10.0.0.1") == 0);    // other accounts at that address are not

  t.succeeded("wang");
  CHECK(t.retry_after("wang", "10.0.0.1") == 0);
  t.failed("wang", "10.0.0.1");
  CHECK(t.retry_after("wang", "10.0.0.1") == 0);  // counting starts again from zero
}

TEST_CASE("twenty failures from one address lock it across accounts", "[auth][throttle]") {
  d::login_throttle t;
  for (int i = 0; i < 20; ++i) {
    std::string const account = "guess" + std::to_string(i);
    REQUIRE(t.retry_after(account, "203.0.113.7") == 0);
    t.failed(account, "203.0.113.7");
  }
  CHECK(t.retry_after("someone-new", "203.0.113.7") > 0);
  CHECK(t.retry_after("someone-new", "203.0.113.8") == 0);
  t.succeeded("someone-new");  // a success elsewhere does not clear the address
  CHECK(t.retry_after("guess0", "203.0.113.7") > 0);
}

TEST_CASE("the throttle forgets failures once the window has passed", "[auth][throttle]") {
  d::login_throttle t({2, 20, std::chrono::seconds(1)});
  t.failed("wang", "10.0.0.1");
  t.failed("wang", "10.0.0.1");
  REQUIRE(t.retry_after("wang", "10.0.0.1") > 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  CHECK(t.retry_after("wang", "10.0.0.1") == 0);
}

TEST_CASE("passwords are stored as argon2id and verify only with the right password", "[auth][password]") {
  d::init_crypto();
  // Each hash or verify costs ~0.1-0.5 s: three in all.
  std::string const hash = d::hash_password("青浦 doctors' day 2024");
  CHECK(hash.starts_with("$argon2id$"));
  CHECK(hash.find("青浦") == std::string::npos);
  CHECK(d::verify_password(hash, "青浦 doctors' day 2024"));
  CHECK_FALSE(d::verify_password(hash, "青浦 doctors' day 2025"));
  CHECK_FALSE(d::verify_password("not a hash", "anything"));
  CHECK_FALSE(d::verify_password(std::string(1000, '$'), "anything"));
}

TEST_CASE("token digests are stable BLAKE2b-256 hex and differ per token", "[auth]") {
  d::init_crypto();
  auto a = d::token_digest("token-a");
  CHECK(a.size() == 64);
  CHECK(a.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(d::token_digest("token-a") == a);
  CHECK(d::token_digest("token-b") != a);
  CHECK(a != "token-a");
}

TEST_CASE("the kiosk token cache drops an answer read before a revocation", "[auth][devices]") {
  qiandao::storage::device_cache c;
  d::device kiosk{7, "门口1", std::nullopt, "2024-01-01T00:00:00+08:00", std::nullopt};
  auto seen = c.generation();
  c.put("digest", kiosk, seen);
  REQUIRE(c.find("digest"));
  // A reader reads the device, a revocation commits, then the reader stores what it read.
  seen = c.generation();
  c.invalidate();
  CHECK_FALSE(c.find("digest"));
  c.put("digest", kiosk, seen);
  CHECK_FALSE(c.find("digest"));
  // A revoked device is never kept.
  auto revoked = kiosk;
  revoked.revoked_at = "2024-01-02T00:00:00+08:00";
  c.put("digest", revoked, c.generation());
  CHECK_FALSE(c.find("digest"));
}
