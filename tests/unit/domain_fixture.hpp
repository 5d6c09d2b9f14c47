#pragma once
// The database fixture the domain tests share: a freshly migrated database (a SQLite file in its
// own temp directory, or a new PostgreSQL database), an admin, one-transaction writer jobs, events and sign-ups made from a per-file
// template, fresh nonces, and the counts the tests compare against the tables.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <catch2/catch.hpp>

#include "domain/checkins.hpp"
#include "domain/events.hpp"
#include "domain/registrations.hpp"
#include "embedded.hpp"
#include "storage/migrations.hpp"
#include "storage/store.hpp"
#include "support/temp_dir.hpp"
#include "support/test_db.hpp"

namespace qiandao::test {

// The target, once the database there is migrated to the latest schema.
inline std::string migrated(std::string target) {
  auto db = open_db(target, storage::connection::mode::read_write);
  storage::migrate(*db);
  return target;
}

// What a file's events have in common; capacity, waitlist and walk-ins are per event.
struct event_template {
  std::string title;
  std::string kind;
  std::string starts_at = "2024-08-19T09:00:00+08:00";
  std::string ends_at = "2024-08-19T11:00:00+08:00";
};

// Who a file signs up; the name is the default when a test gives only the phone.
struct participant_template {
  std::string name;
  std::string organization;
  std::string category;
};

// Nonces are prefix + a per-fixture counter + suffix.
struct nonce_template {
  std::string prefix = "nonce-";
  std::string suffix = "-abcdef";
};

// The audit target of a registration.
inline std::string target(domain::registration const& r) {
  return "registration:" + std::to_string(r.id);
}

struct domain_fixture {
  domain_fixture(event_template event, participant_template participant, nonce_template nonce = {})
      : event_(std::move(event)), participant_(std::move(participant)), nonce_(std::move(nonce)) {}

  temp_dir dir;
  std::string target = migrated(fresh_database(dir));  // the --db target of `s`
  storage::sql_store s{target};
  domain::actor admin{domain::role_kind::admin, 1, "admin", std::nullopt};

  // One writer job: kept when the rule succeeded, rolled back when it refused.
  template <class F>
  auto job(F&& f) {
    storage::transaction tx(s.db());
    auto r = f();
    if (r.ok()) tx.commit();
    return r;
  }

  // walk_ins left empty leaves the event's default.
  domain::id_t make_event(std::optional<std::int64_t> capacity, bool waitlist,
                          std::optional<bool> walk_ins = std::nullopt) {
    domain::event_changes c;
    c.title = event_.title;
    c.kind = event_.kind;
    c.starts_at = event_.starts_at;
    c.ends_at = event_.ends_at;
    c.capacity.emplace(capacity);
    c.waitlist = waitlist;
    if (walk_ins) c.walk_ins = *walk_ins;
    auto e = job([&] { return domain::create_event(s, admin, c); });
    REQUIRE(e.ok());
    return e->id;
  }

  domain::result<domain::registration> sign_up(domain::id_t event_id, std::string const& name,
                                               std::string const& phone) {
    domain::registration_input in{name, phone, participant_.organization, participant_.category,
                                  std::nullopt, std::nullopt};
    return job([&] { return domain::register_participant(s, admin, event_id, in, "staff"); });
  }
  domain::result<domain::registration> sign_up(domain::id_t event_id, std::string const& phone) {
    return sign_up(event_id, participant_.name, phone);
  }

  domain::registration signed_up(domain::id_t event_id, std::string const& name,
                                 std::string const& phone) {
    auto r = sign_up(event_id, name, phone);
    REQUIRE(r.ok());
    return r.value();
  }
  domain::registration signed_up(domain::id_t event_id, std::string const& phone) {
    return signed_up(event_id, participant_.name, phone);
  }

  std::string fresh_nonce() { return nonce_.prefix + std::to_string(++nonces_) + nonce_.suffix; }

  std::int64_t scalar(std::string const& sql, domain::id_t id) {
    auto& q = s.db().prepare(sql);
    q.bind(1, id);
    REQUIRE(q.step());
    auto n = q.get_int(0);
    q.reset();
    return n;
  }

  std::int64_t audits(std::string const& action, std::string const& audit_target) {
    auto& q = s.db().prepare("SELECT count(*) FROM audit_log WHERE action = ?1 AND target = ?2");
    q.bind(1, action).bind(2, audit_target);
    REQUIRE(q.step());
    auto n = q.get_int(0);
    q.reset();
    return n;
  }
  std::int64_t audits(std::string const& action, domain::id_t registration_id) {
    return audits(action, "registration:" + std::to_string(registration_id));
  }

  // The event's counters are a cache of the tables; they must never drift.
  domain::event_counts require_counts_match(domain::id_t event_id) {
    auto e = s.find_event(event_id);
    REQUIRE(e);
    CHECK(e->counts.registered ==
          scalar("SELECT count(*) FROM registrations WHERE event_id = ?1 AND status = 'confirmed'", event_id));
    CHECK(e->counts.waitlisted ==
          scalar("SELECT count(*) FROM registrations WHERE event_id = ?1 AND status = 'waitlisted'", event_id));
    CHECK(e->counts.checked_in ==
          scalar("SELECT count(*) FROM checkins WHERE event_id = ?1 AND undone_at IS NULL", event_id));
    return e->counts;
  }

 private:
  event_template event_;
  participant_template participant_;
  nonce_template nonce_;
  int nonces_ = 0;
};

// The door: scans, undo and check-in rows, for test_checkins.cpp and test_undo.cpp.
struct checkin_fixture : domain_fixture {
  checkin_fixture()
      : domain_fixture({"中国医师节庆祝大会", "conference"}, {"张三明", "青浦区中心医院", "doctor"},
                       {"nonce-", "-abcdef"}) {}

  domain::result<domain::checkin_answer> scan(std::string const& code, std::string const& nonce,
                                              domain::actor const& who) {
    domain::checkin_request req;
    req.nonce = nonce;
    req.code = code;
    return job([&] { return domain::check_in(s, who, req); });
  }
  domain::result<domain::checkin_answer> scan(std::string const& code, std::string const& nonce) {
    return scan(code, nonce, admin);
  }

  domain::checkin_answer admitted(std::string const& code, std::string const& nonce) {
    auto a = scan(code, nonce);
    REQUIRE(a.ok());
    return a.value();
  }

  domain::result<domain::registration> undo(domain::id_t checkin_id) {
    return job([&] { return domain::undo_checkin(s, admin, checkin_id); });
  }

  std::int64_t checkin_rows(domain::id_t registration_id) {
    return scalar("SELECT count(*) FROM checkins WHERE registration_id = ?1", registration_id);
  }
  std::int64_t live_checkins(domain::id_t registration_id) {
    return scalar("SELECT count(*) FROM checkins WHERE registration_id = ?1 AND undone_at IS NULL",
                  registration_id);
  }
};

}  // namespace qiandao::test
