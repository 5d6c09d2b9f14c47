// The door against a real SQLite file: idempotent scans, refusals, kiosks, and the audit log.
// Undoing a check-in is in test_undo.cpp.
#include <chrono>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "domain/checkins.hpp"
#include "domain/events.hpp"
#include "domain/registrations.hpp"
#include "domain/validate.hpp"
#include "unit/domain_fixture.hpp"

namespace d = qiandao::domain;
using outcome = d::checkin_answer::outcome;
using fixture = qiandao::test::checkin_fixture;
using qiandao::test::target;

TEST_CASE("a first scan checks the registration in once", "[checkins]") {
  fixture f;
  auto ev = f.make_event(10, false);
  auto r = f.signed_up(ev, "13800000001");
  auto a = f.admitted(r.code, f.fresh_nonce());
  CHECK(a.result == outcome::checked_in);
  CHECK(a.first);
  REQUIRE(a.at);
  CHECK(d::parse_time(*a.at));
  REQUIRE(a.reg);
  CHECK(a.reg->id == r.id);
  CHECK(a.reg->checked_in_at == a.at);
  CHECK(a.reg->checkin_id);
  CHECK(a.event_title == "中国医师节庆祝大会");
  CHECK(f.live_checkins(r.id) == 1);
  CHECK(f.require_counts_match(ev).checked_in == 1);
  CHECK(f.audits("checkin.create", target(r)) == 1);
}

TEST_CASE("a scanner's lowercase or dashed code is the same ticket", "[checkins]") {
  fixture f;
  auto r = f.signed_up(f.make_event(10, false), "13800000001");
  std::string typed;
  for (std::size_t i = 0; i < r.code.size(); ++i) {
    char c = r.code[i];
    typed += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (i % 5 == 4) typed += '-';
  }
  auto a = f.admitted(typed, f.fresh_nonce());
  CHECK(a.result == outcome::checked_in);
  REQUIRE(a.reg);
  CHECK(a.reg->id == r.id);
}

TEST_CASE("the same nonce always gets the same answer, even after an undo", "[checkins][nonce]") {
  fixture f;
  auto ev = f.make_event(10, false);
  auto r = f.signed_up(ev, "13800000001");
  std::string const nonce = f.fresh_nonce();
  auto first = f.admitted(r.code, nonce);
  REQUIRE(first.result == outcome::checked_in);

  auto retry = f.admitted(r.code, nonce);
  CHECK(retry.result == outcome::checked_in);
  CHECK(retry.first);
  CHECK(retry.at == first.at);
  CHECK(f.checkin_rows(r.id) == 1);

  REQUIRE(first.reg->checkin_id);
  REQUIRE(f.undo(*first.reg->checkin_id).ok());
  auto after_undo = f.admitted(r.code, nonce);
  CHECK(after_undo.result == outcome::checked_in);
  CHECK(after_undo.first);
  CHECK(after_undo.at == first.at);
  // The replay wrote nothing: the one row is the undone one.
  CHECK(f.checkin_rows(r.id) == 1);
  CHECK(f.live_checkins(r.id) == 0);
  CHECK(f.require_counts_match(ev).checked_in == 0);
}

TEST_CASE("a second scan with a new nonce answers already with the original time", "[checkins][nonce]") {
  fixture f;
  auto ev = f.make_event(10, false);
  auto r = f.signed_up(ev, "13800000001");
  auto first = f.admitted(r.code, f.fresh_nonce());
  REQUIRE(first.at);
  // Times have one-second resolution: wait so "the original time" differs from "now".
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto second = f.admitted(r.code, f.fresh_nonce());
  CHECK(second.result == outcome::already);
  CHECK_FALSE(second.first);
  CHECK(second.at == first.at);
  CHECK(second.at != d::now_text());
  CHECK(f.checkin_rows(r.id) == 1);
  CHECK(f.require_counts_match(ev).checked_in == 1);
  CHECK(f.audits("checkin.repeat", target(r)) == 1);
}

TEST_CASE("a nonce reused for a different ticket is refused", "[checkins][nonce]") {
  fixture f;
  auto ev = f.make_event(10, false);
  auto r1 = f.signed_up(ev, "13800000001");
  auto r2 = f.signed_up(ev, "13800000002");
  std::string const nonce = f.fresh_nonce();
  REQUIRE(f.admitted(r1.code, nonce).result == outcome::checked_in);
  auto reused = f.scan(r2.code, nonce);
  REQUIRE_FALSE(reused.ok());
  CHECK(reused.err().code == "nonce_reused");
  CHECK(reused.err().fields.count("nonce") == 1);
  CHECK(f.checkin_rows(r2.id) == 0);
  CHECK_FALSE(f.s.find_registration(r2.id)->checked_in_at);
}

TEST_CASE("malformed check-in requests are refused before anything is written", "[checkins][nonce]") {
  fixture f;
  auto r = f.signed_up(f.make_event(10, false), "13800000001");
  CHECK(f.scan(r.code, "short").err().fields.count("nonce") == 1);
  CHECK(f.scan(r.code, "has a space in it").err().fields.count("nonce") == 1);
  CHECK(f.scan("", f.fresh_nonce()).err().fields.count("code") == 1);
  CHECK(f.checkin_rows(r.id) == 0);
}

TEST_CASE("an unknown code answers not_found and the refusal is audited", "[checkins][audit]") {
  fixture f;
  auto ev = f.make_event(10, false);
  std::string const nonce = f.fresh_nonce();
  auto a = f.admitted("ZZZZ0000000000000000000000", nonce);
  CHECK(a.result == outcome::not_found);
  CHECK_FALSE(a.first);
  CHECK_FALSE(a.reg);
  CHECK(f.audits("checkin.refused", "ticket:ZZZZ…") == 1);
  CHECK(f.admitted("ZZZZ0000000000000000000000", nonce).result == outcome::not_found);
  CHECK(f.scalar("SELECT count(*) FROM checkins WHERE event_id = ?1", ev) == 0);
}

TEST_CASE("cancelled and waitlisted registrations are refused at the door", "[checkins]") {
  fixture f;
  auto ev = f.make_event(1, true);
  f.signed_up(ev, "13800000001");
  auto waiting = f.signed_up(ev, "13800000002");
  auto gone = f.signed_up(ev, "13800000003");
  REQUIRE(waiting.status == "waitlisted");
  REQUIRE(f.job([&] { return d::cancel_registration(f.s, f.admin, gone.id); }).ok());

  auto w = f.admitted(waiting.code, f.fresh_nonce());
  CHECK(w.result == outcome::waitlisted);
  CHECK_FALSE(w.first);
  auto c = f.admitted(gone.code, f.fresh_nonce());
  CHECK(c.result == outcome::cancelled);
  CHECK_FALSE(c.first);
  CHECK(f.checkin_rows(waiting.id) == 0);
  CHECK(f.checkin_rows(gone.id) == 0);
  CHECK(f.audits("checkin.refused", target(waiting)) == 1);
  CHECK(f.audits("checkin.refused", target(gone)) == 1);
  CHECK(f.require_counts_match(ev).checked_in == 0);

  SECTION("a cancelled event refuses its tickets") {
    auto ev2 = f.make_event(10, false);
    auto r = f.signed_up(ev2, "13800000004");
    d::event_changes cancel;
    cancel.status = "cancelled";
    REQUIRE(f.job([&] { return d::update_event(f.s, f.admin, ev2, cancel); }).ok());
    CHECK(f.admitted(r.code, f.fresh_nonce()).result == outcome::event_cancelled);
    CHECK(f.checkin_rows(r.id) == 0);
  }
}

TEST_CASE("a kiosk paired to one event refuses tickets of another", "[checkins][kiosk]") {
  fixture f;
  auto ev1 = f.make_event(10, false);
  auto ev2 = f.make_event(10, false);
  d::actor kiosk{d::role_kind::kiosk, 7, "门口1", ev1};
  auto other = f.signed_up(ev2, "13800000001");
  auto mine = f.signed_up(ev1, "13800000002");

  auto refused = f.scan(other.code, f.fresh_nonce(), kiosk);
  REQUIRE(refused.ok());
  CHECK(refused->result == outcome::wrong_event);
  CHECK(f.checkin_rows(other.id) == 0);
  CHECK(f.audits("checkin.refused", target(other)) == 1);

  auto ok = f.scan(mine.code, f.fresh_nonce(), kiosk);
  REQUIRE(ok.ok());
  CHECK(ok->result == outcome::checked_in);
  CHECK(f.scalar("SELECT count(*) FROM checkins WHERE actor = 'device:门口1' AND event_id = ?1", ev1) == 1);
}

// The pairing is the admin's decision; the request body is the kiosk's. Walk-ins and look-ups
// refuse a kiosk naming another event, so a scan must too.
TEST_CASE("a kiosk cannot admit to another event by naming it in the request", "[checkins][kiosk]") {
  fixture f;
  auto ev1 = f.make_event(10, false);
  auto ev2 = f.make_event(10, false);
  d::actor kiosk{d::role_kind::kiosk, 7, "门口1", ev1};
  auto other = f.signed_up(ev2, "13800000001");
  d::checkin_request req;
  req.nonce = f.fresh_nonce();
  req.code = other.code;
  req.event_id = ev2;
  auto a = f.job([&] { return d::check_in(f.s, kiosk, req); });
  REQUIRE(a.ok());
  CHECK(a->result == outcome::wrong_event);
  CHECK(f.checkin_rows(other.id) == 0);
}

TEST_CASE("a check-in by registration id works like a scan", "[checkins]") {
  fixture f;
  auto ev = f.make_event(10, false);
  auto r = f.signed_up(ev, "13800000001");
  d::checkin_request req;
  req.nonce = f.fresh_nonce();
  req.registration_id = r.id;
  auto a = f.job([&] { return d::check_in(f.s, f.admin, req); });
  REQUIRE(a.ok());
  CHECK(a->result == outcome::checked_in);
  CHECK(f.scalar("SELECT count(*) FROM checkins WHERE registration_id = ?1 AND method = 'lookup'", r.id) == 1);
  CHECK(f.admitted(r.code, f.fresh_nonce()).result == outcome::already);
}

TEST_CASE("every change at the door leaves one audit row per step", "[checkins][audit]") {
  fixture f;
  auto ev = f.make_event(10, false);
  auto r = f.signed_up(ev, "13800000001");
  auto a = f.admitted(r.code, f.fresh_nonce());
  REQUIRE(f.undo(*a.reg->checkin_id).ok());
  REQUIRE(f.job([&] { return d::cancel_registration(f.s, f.admin, r.id); }).ok());
  CHECK(f.audits("event.create", "event:" + std::to_string(ev)) == 1);
  CHECK(f.audits("registration.create", target(r)) == 1);
  CHECK(f.audits("checkin.create", target(r)) == 1);
  CHECK(f.audits("checkin.undo", target(r)) == 1);
  CHECK(f.audits("registration.cancel", target(r)) == 1);
  auto rows = f.s.list_audit(100, 0);
  REQUIRE(rows.size() == 5);
  for (auto const& row : rows) {
    CHECK(row.actor == "user:admin");
    CHECK(d::parse_time(row.at));
    CHECK(row.detail.find("13800000001") == std::string::npos);
  }
}

TEST_CASE("a check-in and its undo each move the door's cursor once and stamp the registration", "[checkins][door]") {
  // On SQLite the check-in writes the event's counter and the registration's stamp itself and
  // the trigger stands aside (schema 006); on PostgreSQL the trigger does it. Both must leave
  // the kiosks' ticket-list feed (door_rev) exactly as an edit would.
  fixture f;
  auto ev = f.make_event(10, false);
  auto r = f.signed_up(ev, "13800000001");
  auto other = f.signed_up(ev, "13800000002");
  auto rev = [&] { return f.scalar("SELECT door_rev FROM events WHERE id = ?1", ev); };
  auto reg_rev = [&](d::id_t id) { return f.scalar("SELECT door_rev FROM registrations WHERE id = ?1", id); };
  auto before = rev();
  CHECK(reg_rev(r.id) <= before);
  auto a = f.admitted(r.code, f.fresh_nonce());
  REQUIRE(a.result == outcome::checked_in);
  CHECK(rev() == before + 1);
  CHECK(reg_rev(r.id) == before + 1);
  CHECK(reg_rev(other.id) < before + 1);
  CHECK(f.require_counts_match(ev).checked_in == 1);
  // A repeat scan changes nothing a door sees.
  CHECK(f.admitted(r.code, f.fresh_nonce()).result == outcome::already);
  CHECK(rev() == before + 1);
  // The undo goes through the trigger: one more step, stamped on the row.
  REQUIRE(a.reg->checkin_id);
  REQUIRE(f.undo(*a.reg->checkin_id).ok());
  CHECK(rev() == before + 2);
  CHECK(reg_rev(r.id) == before + 2);
  CHECK(f.require_counts_match(ev).checked_in == 0);
  // So does any other change a door sees, after the check-in's own stamp.
  auto again = f.admitted(other.code, f.fresh_nonce());
  REQUIRE(again.result == outcome::checked_in);
  CHECK(rev() == before + 3);
  CHECK(reg_rev(other.id) == before + 3);
}
