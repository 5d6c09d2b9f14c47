#pragma once
// Password hashing off the I/O threads, shared by sign-in (api_auth.cpp) and the account
// pages (api_staff.cpp).
#include <optional>
#include <string>

#include "transport/router.hpp"

namespace qiandao::transport {

// At most 16 password hashes in flight: more waits are refused at once (429, retry in 1 s).
std::optional<response> hashing_busy(call const& c);
// The sign-in throttle: counts an attempt for the account from this address, and gives the
// 429 (with Retry-After) to send when it is over the limit.
std::optional<response> throttled(call const& c, std::string const& account);
net::awaitable<bool> verify_off_thread(app& a, std::string hash, std::string password);
net::awaitable<std::string> hash_off_thread(app& a, std::string password);
// The session cookie's value, when the request carries one.
std::optional<std::string> session_token(request const& req);

}  // namespace qiandao::transport
