#pragma once
// Password hashing off the I/O threads, shared by sign-in (api_auth.cpp) and the account
// pages (api_staff.cpp).
#include <optional>
#include <string>

#include "transport/router.hpp"

namespace qiandao::transport {

// At most 16 password hashes in flight: more waits are refused at once (429, retry in 1 s).
std::optional<response> hashing_busy(call const& c);
// The sign-in throttle: counts an attempt for the account (in the database, shared by every
// instance) from this address (in this process; nginx limits addresses too), and gives the
// 429 (with Retry-After) to send when either is over its limit (503 when the count could not
// be stored).
net::awaitable<std::optional<response>> throttled(call const& c, std::string const& account);
// A right password: the account's failures are forgotten, the address gets its attempt back.
net::awaitable<void> throttle_passed(call const& c, std::string const& account);
net::awaitable<bool> verify_off_thread(app& a, std::string hash, std::string password);
net::awaitable<std::string> hash_off_thread(app& a, std::string password);
// The session cookie's value, when the request carries one.
std::optional<std::string> session_token(request const& req);

}  // namespace qiandao::transport
