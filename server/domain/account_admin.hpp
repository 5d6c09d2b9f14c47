#pragma once
// Accounts after they are made (issue 11): an admin disables, re-enables and resets; every
// user changes their own password; the command line rescues a lost admin password. Each
// signs the user out where it should and is audited. Hashes are computed by the caller,
// off the I/O threads.
#include <string>

#include "domain/model.hpp"
#include "domain/result.hpp"
#include "domain/store.hpp"

namespace qiandao::domain {

// Disabling deletes every session of the user, so their next request is 401. An admin may
// not disable themself, nor the last enabled admin (409).
result<account> set_account_disabled(store& s, actor const& who, id_t id, bool disabled);
// A new password set by an admin: the user's sessions are deleted.
result<account> reset_password(store& s, actor const& who, id_t id, std::string const& hash);
// The caller's own new password (the current one checked by the caller): their other
// sessions are deleted, the one with digest `keep` stays.
result<bool> change_own_password(store& s, actor const& who, std::string const& hash, std::string const& keep);
// `qiandao user passwd NAME`: a new password, and the account enabled again (a locked-out
// admin is the reason to run it); every session of the user deleted. 404 unknown name.
result<account> rescue_password(store& s, std::string const& username, std::string const& hash);

}  // namespace qiandao::domain
