// Sign-ups against a real database: capacity, waitlist, promotion, duplicates, counts, and
// the public sign-up's proof of work spent with it.
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "domain/events.hpp"
#include "domain/public_signup.hpp"
#include "domain/registrations.hpp"
#include "domain/validate.hpp"
#include "unit/domain_fixture.hpp"

namespace d = qiandao::domain;

namespace {

struct fixture : qiandao::test::domain_fixture {
  fixture() : domain_fixture({"健康知识汇·科普智慧堂", "lecture"}, {"张三", "青浦区中心医院", "doctor"}) {}

  d::result<d::registration> cancel(d::id_t id) {
    return job([&] { return d::cancel_registration(s, admin, id); });
  }

  d::result<d::event> change_capacity(d::id_t event_id, std::optional<std::int64_t> capacity) {
    d::event_changes c;
    c.capacity.emplace(capacity);
    return job([&] { return d::update_event(s, admin, event_id, c); });
  }

  std::string status_of(d::id_t id) { return s.find_registration(id).value().status; }
};

}  // namespace

TEST_CASE("validate_input normalises fields and reports every bad one", "[registrations]") {
  SECTION("good input comes back normalised") {
    auto r = d::validate_input({"  张三明 ", "+86 138-0013-8000", " 青浦区中心医院 ", "", "11010519491231002x", std::nullopt});
    REQUIRE(r.ok());
    CHECK(r->name == "张三明");
    CHECK(r->phone == "13800138000");
    CHECK(r->organization == "青浦区中心医院");
    CHECK(r->category == "public");
    CHECK(r->id_number == "11010519491231002X");
    auto blank_id = d::validate_input({"张三明", "13800138000", "", "nurse", std::string(" "), std::nullopt});
    REQUIRE(blank_id.ok());
    CHECK_FALSE(blank_id->id_number);
  }
  SECTION("every bad field is named at once") {
    auto r = d::validate_input({" ", "12345", std::string(101, 'a'), "doctor", "110105194912310021", std::nullopt});
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().kind == d::error_kind::invalid);
    CHECK(r.err().fields.count("name") == 1);
    CHECK(r.err().fields.count("phone") == 1);
    CHECK(r.err().fields.count("organization") == 1);
    CHECK(r.err().fields.count("id_number") == 1);
    CHECK(r.err().fields.count("category") == 0);
  }
  SECTION("names must be valid UTF-8 and at most 50 characters") {
    CHECK_FALSE(d::validate_input({"\xE5\xBC", "13800138000", "", "", std::nullopt, std::nullopt}).ok());
    std::string fifty;
    for (int i = 0; i < 50; ++i) fifty += "张";
    CHECK(d::validate_input({fifty, "13800138000", "", "", std::nullopt, std::nullopt}).ok());
    CHECK_FALSE(d::validate_input({fifty + "张", "13800138000", "", "", std::nullopt, std::nullopt}).ok());
  }
}

TEST_CASE("registrations are confirmed up to capacity, then waitlisted", "[registrations][capacity]") {
  fixture f;
  auto ev = f.make_event(2, true);
  CHECK(f.signed_up(ev, "张三", "13800000001").status == "confirmed");
  CHECK(f.signed_up(ev, "李四", "13800000002").status == "confirmed");
  auto third = f.signed_up(ev, "王五", "13800000003");
  CHECK(third.status == "waitlisted");
  CHECK(third.source == "staff");
  CHECK(third.code.size() == 26);
  auto counts = f.require_counts_match(ev);
  CHECK(counts.registered == 2);
  CHECK(counts.waitlisted == 1);
}

TEST_CASE("a full event without a waitlist refuses with event_full", "[registrations][capacity]") {
  fixture f;
  auto ev = f.make_event(1, false);
  f.signed_up(ev, "张三", "13800000001");
  auto second = f.sign_up(ev, "李四", "13800000002");
  REQUIRE_FALSE(second.ok());
  CHECK(second.err().code == "event_full");
  CHECK(second.err().kind == d::error_kind::conflict);
  CHECK(f.scalar("SELECT count(*) FROM registrations WHERE event_id = ?1", ev) == 1);
  CHECK(f.require_counts_match(ev).registered == 1);

  SECTION("capacity 0 refuses the first one too") {
    auto none = f.make_event(0, false);
    CHECK(f.sign_up(none, "王五", "13800000003").err().code == "event_full");
  }
  SECTION("no capacity means unlimited") {
    auto open = f.make_event(std::nullopt, false);
    for (int i = 0; i < 30; ++i)
      CHECK(f.signed_up(open, "赵六", "1390000" + std::to_string(1000 + i)).status == "confirmed");
    CHECK(f.require_counts_match(open).registered == 30);
  }
}

TEST_CASE("cancelling a confirmed registration promotes the oldest waitlisted one", "[registrations][waitlist]") {
  fixture f;
  auto ev = f.make_event(1, true);
  auto a = f.signed_up(ev, "张三", "13800000001");
  auto b = f.signed_up(ev, "李四", "13800000002");
  auto c = f.signed_up(ev, "王五", "13800000003");
  REQUIRE(b.status == "waitlisted");
  REQUIRE(c.status == "waitlisted");

  auto cancelled = f.cancel(a.id);
  REQUIRE(cancelled.ok());
  CHECK(cancelled->status == "cancelled");
  CHECK(f.status_of(b.id) == "confirmed");
  CHECK(f.status_of(c.id) == "waitlisted");
  auto counts = f.require_counts_match(ev);
  CHECK(counts.registered == 1);
  CHECK(counts.waitlisted == 1);
  CHECK(f.audits("registration.cancel", a.id) == 1);
  CHECK(f.audits("registration.promote", b.id) == 1);
  CHECK(f.audits("registration.promote", c.id) == 0);

  SECTION("cancelling a waitlisted one promotes nobody") {
    REQUIRE(f.cancel(c.id).ok());
    CHECK(f.status_of(b.id) == "confirmed");
    counts = f.require_counts_match(ev);
    CHECK(counts.registered == 1);
    CHECK(counts.waitlisted == 0);
  }
  SECTION("cancelling twice is refused") {
    auto again = f.cancel(a.id);
    REQUIRE_FALSE(again.ok());
    CHECK(again.err().code == "already_cancelled");
    CHECK(f.require_counts_match(ev).registered == 1);
  }
  SECTION("cancelling an unknown registration is not_found") {
    CHECK(f.cancel(a.id + 1000).err().code == "not_found");
  }
}

TEST_CASE("raising capacity promotes the waitlist in order and lowering it below confirmed is refused", "[registrations][capacity]") {
  fixture f;
  auto ev = f.make_event(1, true);
  auto a = f.signed_up(ev, "张三", "13800000001");
  auto b = f.signed_up(ev, "李四", "13800000002");
  auto c = f.signed_up(ev, "王五", "13800000003");
  auto dd = f.signed_up(ev, "赵六", "13800000004");

  REQUIRE(f.change_capacity(ev, 3).ok());
  CHECK(f.status_of(a.id) == "confirmed");
  CHECK(f.status_of(b.id) == "confirmed");
  CHECK(f.status_of(c.id) == "confirmed");
  CHECK(f.status_of(dd.id) == "waitlisted");
  auto counts = f.require_counts_match(ev);
  CHECK(counts.registered == 3);
  CHECK(counts.waitlisted == 1);

  auto lower = f.change_capacity(ev, 2);
  REQUIRE_FALSE(lower.ok());
  CHECK(lower.err().kind == d::error_kind::invalid);
  CHECK(lower.err().fields.count("capacity") == 1);
  CHECK(f.s.find_event(ev)->capacity == 3);

  CHECK(f.change_capacity(ev, 3).ok());  // equal to the confirmed count is fine
  REQUIRE(f.change_capacity(ev, std::nullopt).ok());
  CHECK(f.status_of(dd.id) == "confirmed");
  counts = f.require_counts_match(ev);
  CHECK(counts.registered == 4);
  CHECK(counts.waitlisted == 0);
}

TEST_CASE("the same phone cannot register twice for one event", "[registrations][duplicate]") {
  fixture f;
  auto ev = f.make_event(10, true);
  auto first = f.signed_up(ev, "张三", "+86 138 0013 8000");
  CHECK(first.phone == "13800138000");

  for (std::string phone : {"13800138000", "0086-138-0013-8000", "138 0013 8000"}) {
    auto again = f.sign_up(ev, "张三丰", phone);
    REQUIRE_FALSE(again.ok());
    CHECK(again.err().code == "duplicate");
    CHECK(again.err().kind == d::error_kind::conflict);
    CHECK(again.err().ids.at("registration_id") == first.id);
  }
  CHECK(f.scalar("SELECT count(*) FROM registrations WHERE event_id = ?1", ev) == 1);

  SECTION("another event takes the same phone") {
    auto other = f.make_event(10, true);
    CHECK(f.sign_up(other, "张三", "13800138000").ok());
  }
  SECTION("after a cancel the phone may register again") {
    REQUIRE(f.cancel(first.id).ok());
    auto again = f.sign_up(ev, "张三", "13800138000");
    REQUIRE(again.ok());
    CHECK(again->id != first.id);
    CHECK(again->code != first.code);
    CHECK(f.status_of(first.id) == "cancelled");
    CHECK(f.require_counts_match(ev).registered == 1);
  }
  SECTION("a waitlisted registration also counts as a duplicate") {
    auto small = f.make_event(0, true);
    auto w = f.signed_up(small, "李四", "13900139000");
    REQUIRE(w.status == "waitlisted");
    CHECK(f.sign_up(small, "李四", "139-0013-9000").err().ids.at("registration_id") == w.id);
  }
}

TEST_CASE("closed and missing events refuse sign-ups", "[registrations]") {
  fixture f;
  auto ev = f.make_event(10, false);
  d::event_changes close;
  close.status = "closed";
  REQUIRE(f.job([&] { return d::update_event(f.s, f.admin, ev, close); }).ok());
  CHECK(f.sign_up(ev, "张三", "13800000001").err().code == "event_closed");
  CHECK(f.sign_up(ev + 100, "张三", "13800000001").err().code == "not_found");
  CHECK(f.sign_up(ev, "张三", "not a phone").err().fields.count("phone") == 1);
  CHECK(f.scalar("SELECT count(*) FROM registrations WHERE event_id = ?1", ev) == 0);
}

TEST_CASE("sign-ups are audited without the full phone number", "[registrations][audit]") {
  fixture f;
  auto ev = f.make_event(std::nullopt, false);
  auto r = f.signed_up(ev, "张三明", "13812345678");
  auto& q = f.s.db().prepare(
      "SELECT actor, detail FROM audit_log WHERE action = 'registration.create' AND target = ?1");
  q.bind(1, "registration:" + std::to_string(r.id));
  REQUIRE(q.step());
  std::string actor = q.get_text(0), detail = q.get_text(1);
  q.reset();
  CHECK(actor == "user:admin");
  CHECK(detail.find("138****5678") != std::string::npos);
  CHECK(detail.find("13812345678") == std::string::npos);
  CHECK(detail.find("张三明") == std::string::npos);
}

TEST_CASE("a proof of work pays for one public sign-up in the database and spent proofs leave once expired",
          "[registrations][public]") {
  // The writer's rule with the shared store, as on every instance: the guard in memory only
  // sees its own process, so the database is what refuses a solution used elsewhere.
  fixture f;
  d::event_changes c;
  c.title = "名医义诊进社区";
  c.kind = "clinic";
  c.starts_at = "2099-08-19T09:00:00+08:00";
  c.ends_at = "2099-08-19T11:30:00+08:00";
  c.capacity.emplace(1);
  c.waitlist = false;
  c.public_signup = true;
  auto ev = f.job([&] { return d::create_event(f.s, f.admin, c); });
  REQUIRE(ev.ok());
  auto person = [](std::string const& name, std::string const& phone) {
    return d::registration_input{name, phone, "", "", std::nullopt, std::nullopt, true};
  };
  auto now = d::now_seconds();
  d::spent_proof proof{"0f1e2d3c4b5a69788796a5b4c3d2e1f0", now + 1200};
  auto spent = [&] { return f.scalar("SELECT count(*) FROM spent_proofs WHERE expires_at > ?1", 0); };

  // Refused for another reason (a bad phone): nothing is spent, the same proof still pays.
  auto bad = f.job([&] { return d::public_sign_up(f.s, ev->id, person("王秀兰", "12345"), proof); });
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.err().code == "invalid");
  CHECK(spent() == 0);
  auto first = f.job([&] { return d::public_sign_up(f.s, ev->id, person("王秀兰", "13900001234"), proof); });
  REQUIRE(first.ok());
  CHECK(first->reg.source == "public");
  CHECK(spent() == 1);

  // The same proof again, for someone else: 403 pow_replayed, and no registration.
  auto again = f.job([&] { return d::public_sign_up(f.s, ev->id, person("李建华", "13900005678"), proof); });
  REQUIRE_FALSE(again.ok());
  CHECK(again.err().kind == d::error_kind::forbidden);
  CHECK(again.err().code == "pow_replayed");
  CHECK(f.scalar("SELECT count(*) FROM registrations WHERE event_id = ?1", ev->id) == 1);

  // A sign-up refused after the spend (the event is full) rolls the spend back with it.
  d::spent_proof other{"a1b2c3d4e5f60718293a4b5c6d7e8f90", now + 1200};
  auto full = f.job([&] { return d::public_sign_up(f.s, ev->id, person("李建华", "13900005678"), other); });
  REQUIRE_FALSE(full.ok());
  CHECK(full.err().kind == d::error_kind::conflict);
  CHECK(f.scalar("SELECT count(*) FROM spent_proofs WHERE nonce = 'a1b2c3d4e5f60718293a4b5c6d7e8f90' AND ?1 = ?1", 0) ==
        0);

  // A proof whose challenge has expired is dropped by the next spend (its signature alone
  // refuses it from then on), and the live one stays.
  auto spend = [&](std::string const& nonce, std::int64_t expires_at, std::int64_t at) {
    qiandao::storage::transaction tx(f.s.db());
    bool fresh = f.s.spend_proof(nonce, expires_at, at);
    tx.commit();
    return fresh;
  };
  CHECK(spend("00000000000000000000000000000001", now - 5, now - 10));
  CHECK(spent() == 2);
  CHECK(spend("00000000000000000000000000000002", now + 600, now));
  CHECK(f.scalar("SELECT count(*) FROM spent_proofs WHERE nonce = '00000000000000000000000000000001' AND ?1 = ?1", 0) ==
        0);
  CHECK(spent() == 2);
}
