// Undoing a check-in at the door against a real SQLite file: re-admission, undo only once,
// and cancelling only once the check-in is undone.
#include <string>

#include <catch2/catch.hpp>

#include "domain/checkins.hpp"
#include "domain/registrations.hpp"
#include "unit/domain_fixture.hpp"

namespace d = qiandao::domain;
using outcome = d::checkin_answer::outcome;
using fixture = qiandao::test::checkin_fixture;
using qiandao::test::target;

TEST_CASE("an undone check-in can be checked in again, and undone only once", "[checkins][undo]") {
  fixture f;
  auto ev = f.make_event(10, false);
  auto r = f.signed_up(ev, "13800000001");
  auto first = f.admitted(r.code, f.fresh_nonce());
  REQUIRE(first.reg->checkin_id);
  d::id_t const first_checkin = *first.reg->checkin_id;

  auto undone = f.undo(first_checkin);
  REQUIRE(undone.ok());
  CHECK_FALSE(undone->checked_in_at);
  CHECK_FALSE(undone->checkin_id);
  CHECK(f.require_counts_match(ev).checked_in == 0);
  CHECK(f.audits("checkin.undo", target(r)) == 1);
  CHECK(f.scalar("SELECT count(*) FROM checkins WHERE id = ?1 AND undone_by = 'user:admin'", first_checkin) == 1);

  auto again = f.admitted(r.code, f.fresh_nonce());
  CHECK(again.result == outcome::checked_in);
  CHECK(again.first);
  REQUIRE(again.reg->checkin_id);
  CHECK(*again.reg->checkin_id != first_checkin);
  CHECK(f.checkin_rows(r.id) == 2);
  CHECK(f.live_checkins(r.id) == 1);
  CHECK(f.require_counts_match(ev).checked_in == 1);

  auto twice = f.undo(first_checkin);
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.err().code == "already_undone");
  CHECK(f.live_checkins(r.id) == 1);
  CHECK(f.undo(first_checkin + 1000).err().code == "not_found");
}

TEST_CASE("a checked-in registration cannot be cancelled until the check-in is undone", "[checkins][undo]") {
  fixture f;
  auto ev = f.make_event(10, false);
  auto r = f.signed_up(ev, "13800000001");
  auto a = f.admitted(r.code, f.fresh_nonce());
  auto cancel = [&] { return f.job([&] { return d::cancel_registration(f.s, f.admin, r.id); }); };
  CHECK(cancel().err().code == "checked_in");
  REQUIRE(f.undo(*a.reg->checkin_id).ok());
  CHECK(cancel().ok());
  auto counts = f.require_counts_match(ev);
  CHECK(counts.registered == 0);
  CHECK(counts.checked_in == 0);
}
