#pragma once
// Accounts, sessions and kiosk devices, the programme's title, and the audit of exports:
// the rules and audit rows that the HTTP handlers and the command line share.
#include <optional>
#include <string>

#include "domain/model.hpp"
#include "domain/result.hpp"
#include "domain/store.hpp"

namespace qiandao::domain {

// Field checks for a new account (username 1–64 characters, password 10–1024 bytes, a role).
void check_new_user(std::string const& username, std::string const& password, std::string const& role,
                    field_errors& f);
// Adds an account with a password hash computed off the I/O threads; 409 duplicate.
result<user> create_user(store& s, std::string const& actor_label, std::string const& username,
                         std::string const& hash, std::string const& role);

// A signed-in session: stores the token's digest until `hours` from now, audited.
result<bool> open_session(store& s, user const& u, std::string const& token, int hours, std::string const& from);
result<bool> close_session(store& s, actor const& who, std::string const& token);

void check_device_name(std::string const& name, field_errors& f);
// A kiosk device; the token's digest is stored, the token itself is shown once by the caller.
result<device> create_device(store& s, std::string const& actor_label, std::string const& name,
                             std::string const& token, std::optional<id_t> event_id);
result<device> revoke_device(store& s, actor const& who, id_t id);

void check_programme(std::optional<std::string> const& title, std::optional<std::string> const& theme,
                     field_errors& f);
result<programme> update_programme(store& s, actor const& who, std::optional<std::string> const& title,
                                   std::optional<std::string> const& theme);

// Every export of personal data or results leaves an audit row before it is sent: an
// export that cannot be audited is not sent.
result<bool> audit_export(store& s, actor const& who, std::string const& action, std::string const& target,
                          std::string const& detail);

}  // namespace qiandao::domain
