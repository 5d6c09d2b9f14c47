// Walk-ins and phone look-ups at the door, against a real SQLite file.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "domain/checkins.hpp"
#include "domain/registrations.hpp"
#include "unit/domain_fixture.hpp"

namespace d = qiandao::domain;
using outcome = d::checkin_answer::outcome;

namespace {

struct fixture : qiandao::test::domain_fixture {
  fixture()
      : domain_fixture({"名医面对面义诊", "clinic", "2024-08-17T08:30:00+08:00", "2024-08-17T11:30:00+08:00"},
                       {"李四", "盈浦街道社区", "public"}, {"walk-in-", "-xyz"}) {}

  d::result<d::checkin_answer> walk_in(d::id_t event_id, std::string const& phone,
                                       std::string const& nonce, d::actor const& who) {
    d::registration_input in{"王小明", phone, "夏阳街道社区", "", std::nullopt, std::nullopt, true};
    return job([&] { return d::walk_in(s, who, event_id, in, nonce); });
  }
  d::result<d::checkin_answer> walk_in(d::id_t event_id, std::string const& phone) {
    return walk_in(event_id, phone, fresh_nonce(), admin);
  }

  std::int64_t registrations(d::id_t event_id) {
    return scalar("SELECT count(*) FROM registrations WHERE event_id = ?1", event_id);
  }
};

}  // namespace

TEST_CASE("a walk-in is registered and checked in at once", "[walk_in]") {
  fixture f;
  auto ev = f.make_event(std::nullopt, false, true);
  std::string const nonce = f.fresh_nonce();
  auto a = f.walk_in(ev, "+86 139 1234 5678", nonce, f.admin);
  REQUIRE(a.ok());
  CHECK(a->result == outcome::checked_in);
  CHECK(a->first);
  REQUIRE(a->reg);
  CHECK(a->reg->source == "walk_in");
  CHECK(a->reg->status == "confirmed");
  CHECK(a->reg->phone == "13912345678");
  CHECK(a->reg->category == "public");
  CHECK(a->reg->checked_in_at == a->at);
  CHECK(f.scalar("SELECT count(*) FROM checkins WHERE registration_id = ?1 AND method = 'walk_in'", a->reg->id) == 1);
  auto counts = f.require_counts_match(ev);
  CHECK(counts.registered == 1);
  CHECK(counts.checked_in == 1);

  SECTION("the same nonce replays the answer") {
    auto again = f.walk_in(ev, "13912345678", nonce, f.admin);
    REQUIRE(again.ok());
    CHECK(again->result == outcome::checked_in);
    CHECK(again->first);
    CHECK(again->at == a->at);
    CHECK(f.registrations(ev) == 1);
  }
  SECTION("the same person again with a new nonce is already in") {
    auto again = f.walk_in(ev, "139-1234-5678");
    REQUIRE(again.ok());
    CHECK(again->result == outcome::already);
    CHECK_FALSE(again->first);
    CHECK(again->at == a->at);
    CHECK(f.registrations(ev) == 1);
    CHECK(f.require_counts_match(ev).checked_in == 1);
  }
  SECTION("the nonce cannot be reused for another person") {
    auto other = f.walk_in(ev, "13700000000", nonce, f.admin);
    REQUIRE_FALSE(other.ok());
    CHECK(other.err().code == "nonce_reused");
    CHECK(f.registrations(ev) == 1);
  }
}

TEST_CASE("walk-ins are refused where the event does not take them", "[walk_in]") {
  fixture f;
  auto ev = f.make_event(std::nullopt, false, false);
  auto a = f.walk_in(ev, "13912345678");
  REQUIRE_FALSE(a.ok());
  CHECK(a.err().code == "walk_ins_closed");
  CHECK(a.err().kind == d::error_kind::conflict);
  CHECK(f.registrations(ev) == 0);
  CHECK(f.walk_in(ev + 100, "13912345678").err().code == "not_found");
  CHECK(f.walk_in(ev, "12345").err().fields.count("phone") == 1);
}

TEST_CASE("a kiosk paired to another event cannot take walk-ins here", "[walk_in][kiosk]") {
  fixture f;
  auto ev = f.make_event(std::nullopt, false, true);
  auto elsewhere = f.make_event(std::nullopt, false, true);
  d::actor kiosk{d::role_kind::kiosk, 3, "东门", elsewhere};
  auto a = f.walk_in(ev, "13912345678", f.fresh_nonce(), kiosk);
  REQUIRE_FALSE(a.ok());
  CHECK(a.err().code == "wrong_event");
  CHECK(f.registrations(ev) == 0);
  auto home = f.walk_in(elsewhere, "13912345678", f.fresh_nonce(), kiosk);
  REQUIRE(home.ok());
  CHECK(home->result == outcome::checked_in);
}

TEST_CASE("a registrant who walks in is just checked in", "[walk_in]") {
  fixture f;
  auto ev = f.make_event(10, false, true);
  auto r = f.sign_up(ev, "13912345678");
  REQUIRE(r.ok());
  auto a = f.walk_in(ev, "+86 139 1234 5678");
  REQUIRE(a.ok());
  CHECK(a->result == outcome::checked_in);
  REQUIRE(a->reg);
  CHECK(a->reg->id == r->id);
  CHECK(a->reg->source == "staff");
  CHECK(a->reg->name == "李四");  // the walk-in form does not overwrite the registration
  CHECK(f.registrations(ev) == 1);
  CHECK(f.require_counts_match(ev).registered == 1);
}

TEST_CASE("walk-ins count against capacity and are never waitlisted", "[walk_in][capacity]") {
  fixture f;
  auto ev = f.make_event(2, true, true);
  REQUIRE(f.sign_up(ev, "13800000001").ok());
  auto w = f.walk_in(ev, "13800000002");
  REQUIRE(w.ok());
  CHECK(w->reg->status == "confirmed");

  auto full = f.walk_in(ev, "13800000003");
  REQUIRE_FALSE(full.ok());
  CHECK(full.err().code == "event_full");
  CHECK(f.registrations(ev) == 2);

  auto staff = f.sign_up(ev, "13800000004");
  REQUIRE(staff.ok());
  CHECK(staff->status == "waitlisted");  // the walk-in took the last seat
  auto counts = f.require_counts_match(ev);
  CHECK(counts.registered == 2);
  CHECK(counts.waitlisted == 1);
  CHECK(counts.checked_in == 1);
}

TEST_CASE("lookup finds live registrations by full phone or its last four digits", "[lookup]") {
  fixture f;
  auto ev = f.make_event(std::nullopt, false, false);
  auto other = f.make_event(std::nullopt, false, false);
  auto a = f.sign_up(ev, "13800001234").value();
  auto b = f.sign_up(ev, "13900001234").value();
  auto c = f.sign_up(ev, "13700005678").value();
  auto gone = f.sign_up(ev, "13600001234").value();
  REQUIRE(f.job([&] { return d::cancel_registration(f.s, f.admin, gone.id); }).ok());
  REQUIRE(f.sign_up(other, "13500001234").ok());

  auto by_suffix = d::lookup(f.s, ev, "1234");
  REQUIRE(by_suffix.ok());
  REQUIRE(by_suffix->size() == 2);
  CHECK((*by_suffix)[0].id == a.id);
  CHECK((*by_suffix)[1].id == b.id);

  auto by_phone = d::lookup(f.s, ev, "+86 137 0000 5678");
  REQUIRE(by_phone.ok());
  REQUIRE(by_phone->size() == 1);
  CHECK(by_phone->front().id == c.id);

  CHECK(d::lookup(f.s, ev, "13600001234")->empty());  // cancelled
  CHECK(d::lookup(f.s, ev, "0000")->empty());
  CHECK(d::lookup(f.s, ev, "12").err().fields.count("phone") == 1);
  CHECK(d::lookup(f.s, ev + 100, "1234").err().code == "not_found");
}

TEST_CASE("counts match the tables through a mixed day at the door", "[walk_in][counts]") {
  fixture f;
  auto ev = f.make_event(4, true, true);
  std::vector<d::registration> regs;
  for (int i = 0; i < 6; ++i) regs.push_back(f.sign_up(ev, "1380000000" + std::to_string(i)).value());
  f.require_counts_match(ev);  // 4 confirmed, 2 waitlisted

  d::checkin_request req;
  req.nonce = "mixed-day-1";
  req.code = regs[0].code;
  auto a = f.job([&] { return d::check_in(f.s, f.admin, req); });
  REQUIRE(a.ok());
  REQUIRE(f.job([&] { return d::cancel_registration(f.s, f.admin, regs[1].id); }).ok());  // promotes regs[4]
  REQUIRE(f.job([&] { return d::undo_checkin(f.s, f.admin, *a->reg->checkin_id); }).ok());
  REQUIRE(f.job([&] { return d::cancel_registration(f.s, f.admin, regs[5].id); }).ok());  // waitlisted
  REQUIRE(f.job([&] { return d::cancel_registration(f.s, f.admin, regs[2].id); }).ok());  // nobody to promote
  REQUIRE(f.walk_in(ev, "13911112222").ok());                                             // the freed seat
  CHECK_FALSE(f.walk_in(ev, "13911113333").ok());                                         // full again
  req.nonce = "mixed-day-2";
  REQUIRE(f.job([&] { return d::check_in(f.s, f.admin, req); }).ok());

  auto counts = f.require_counts_match(ev);
  CHECK(counts.registered == 4);
  CHECK(counts.waitlisted == 0);
  CHECK(counts.checked_in == 2);
}
