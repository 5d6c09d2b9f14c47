// Several writers on one database, as several instances on one PostgreSQL server run (and,
// on SQLite, several processes on one file): each rule must hold with no writer knowing of
// the others, because each is one guarded statement, not count-then-insert.
#include <atomic>
#include <future>
#include <set>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "domain/checkins.hpp"
#include "domain/csv_import.hpp"
#include "domain/registrations.hpp"
#include "storage/writer.hpp"
#include "unit/domain_fixture.hpp"

namespace d = qiandao::domain;
namespace st = qiandao::storage;

namespace {

// A rule on a writer; the future holds its result, or nothing when the batch failed.
template <class T>
class rule_job final : public d::write_job {
 public:
  explicit rule_job(std::function<d::result<T>(d::store&)> f) : f_(std::move(f)) {}
  bool run(d::store& s) override {
    out_.reset();
    out_.emplace(f_(s));
    return out_->ok();
  }
  void complete(bool committed) override { done_.set_value(committed ? std::move(out_) : std::nullopt); }
  std::future<std::optional<d::result<T>>> future() { return done_.get_future(); }

 private:
  std::function<d::result<T>(d::store&)> f_;
  std::optional<d::result<T>> out_;
  std::promise<std::optional<d::result<T>>> done_;
};

template <class T>
std::future<std::optional<d::result<T>>> submit(st::writer& w, std::function<d::result<T>(d::store&)> f) {
  auto job = std::make_unique<rule_job<T>>(std::move(f));
  auto fut = job->future();
  w.submit(std::move(job));
  return fut;
}

struct three_writers : qiandao::test::domain_fixture {
  three_writers() : domain_fixture({"中国医师节庆祝大会", "conference"}, {"张三明", "青浦区中心医院", "doctor"}) {
    for (int i = 0; i < 3; ++i) writers.push_back(std::make_unique<st::writer>(target, counters, st::writer::limits{}));
  }
  ~three_writers() {
    for (auto& w : writers) w->stop();
  }
  qiandao::metrics counters;
  std::vector<std::unique_ptr<st::writer>> writers;
  st::writer& w(std::size_t i) { return *writers[i % writers.size()]; }
};

std::string phone_of(int i) { return "154" + std::string(8 - std::to_string(i).size(), '0') + std::to_string(i); }

}  // namespace

TEST_CASE("three writers: 192 sign-ups race for 100 seats, exactly 100 confirmed and the rest waitlisted",
          "[writers]") {
  three_writers f;
  auto event = f.make_event(100, true);
  std::vector<std::future<std::optional<d::result<d::registration>>>> answers;
  std::mutex mutex;
  std::vector<std::thread> clients;
  for (int c = 0; c < 64; ++c) {
    clients.emplace_back([&, c] {
      for (int k = 0; k < 3; ++k) {
        int i = c * 3 + k;
        d::registration_input in{"报名" + std::to_string(i), phone_of(i), "", "public", std::nullopt, std::nullopt};
        auto fut = submit<d::registration>(f.w(static_cast<std::size_t>(i)), [&f, in, event](d::store& s) {
          return d::register_participant(s, f.admin, event, in, "staff");
        });
        std::lock_guard lock(mutex);
        answers.push_back(std::move(fut));
      }
    });
  }
  for (auto& t : clients) t.join();
  int confirmed = 0, waitlisted = 0;
  for (auto& a : answers) {
    auto r = a.get();
    REQUIRE(r);
    REQUIRE(r->ok());
    (r->value().status == "confirmed" ? confirmed : waitlisted)++;
  }
  CHECK(confirmed == 100);
  CHECK(waitlisted == 92);
  auto counts = f.require_counts_match(event);
  CHECK(counts.registered == 100);
  CHECK(counts.waitlisted == 92);
}

TEST_CASE("three writers: one nonce sent through all three at once checks in once and answers alike", "[writers]") {
  three_writers f;
  auto event = f.make_event(std::nullopt, false);
  for (int round = 0; round < 20; ++round) {
    auto reg = f.signed_up(event, phone_of(round));
    d::checkin_request req;
    req.nonce = "same-nonce-" + std::to_string(round) + "-xyz";
    req.code = reg.code;
    std::vector<std::future<std::optional<d::result<d::checkin_answer>>>> answers;
    for (std::size_t i = 0; i < 3; ++i)
      answers.push_back(submit<d::checkin_answer>(f.w(i), [&f, req](d::store& s) { return d::check_in(s, f.admin, req); }));
    std::set<std::string> times;
    for (auto& a : answers) {
      auto r = a.get();
      REQUIRE(r);
      REQUIRE(r->ok());
      CHECK(r->value().result == d::checkin_answer::outcome::checked_in);
      CHECK(r->value().first);  // a replay answers as the first time did
      times.insert(r->value().at.value_or(""));
    }
    CHECK(times.size() == 1);
    CHECK(f.scalar("SELECT count(*) FROM checkins WHERE registration_id = ?1", reg.id) == 1);
  }
  CHECK(f.require_counts_match(event).checked_in == 20);
}

TEST_CASE("three writers: one ticket scanned through all three with their own nonces is admitted once", "[writers]") {
  three_writers f;
  auto event = f.make_event(std::nullopt, false);
  for (int round = 0; round < 20; ++round) {
    auto reg = f.signed_up(event, phone_of(round));
    std::vector<std::future<std::optional<d::result<d::checkin_answer>>>> answers;
    for (std::size_t i = 0; i < 3; ++i) {
      d::checkin_request req;
      req.nonce = "door-" + std::to_string(i) + "-round-" + std::to_string(round);
      req.code = reg.code;
      answers.push_back(submit<d::checkin_answer>(f.w(i), [&f, req](d::store& s) { return d::check_in(s, f.admin, req); }));
    }
    int first = 0, already = 0;
    for (auto& a : answers) {
      auto r = a.get();
      REQUIRE(r);
      REQUIRE(r->ok());
      if (r->value().first) ++first;
      else if (r->value().result == d::checkin_answer::outcome::already) ++already;
    }
    CHECK(first == 1);
    CHECK(already == 2);
  }
  CHECK(f.require_counts_match(event).checked_in == 20);
}

TEST_CASE("three writers: a cancel and a check-in of the same ticket race and exactly one of them wins", "[writers]") {
  // Each reads the registration before the other commits, as two instances do under READ
  // COMMITTED: the cancel's status change must still refuse a ticket checked in meanwhile,
  // and the check-in must not stamp a ticket cancelled meanwhile.
  three_writers f;
  auto event = f.make_event(std::nullopt, false);
  std::vector<d::registration> regs;
  for (int i = 0; i < 60; ++i) regs.push_back(f.signed_up(event, phone_of(i)));
  std::vector<std::future<std::optional<d::result<d::registration>>>> cancels;
  std::vector<std::future<std::optional<d::result<d::checkin_answer>>>> scans;
  for (std::size_t i = 0; i < regs.size(); ++i) {
    d::id_t id = regs[i].id;
    d::checkin_request req;
    req.nonce = "door-race-" + std::to_string(i) + "-nonce";
    req.code = regs[i].code;
    // Alternate which goes first into its queue, and spread them over the writers.
    auto cancel = [&] {
      cancels.push_back(submit<d::registration>(f.w(i), [&f, id](d::store& s) { return d::cancel_registration(s, f.admin, id); }));
    };
    auto scan = [&] {
      scans.push_back(submit<d::checkin_answer>(f.w(i + 1), [&f, req](d::store& s) { return d::check_in(s, f.admin, req); }));
    };
    if (i % 2 == 0) { cancel(); scan(); } else { scan(); cancel(); }
  }
  int cancelled = 0, checked_in = 0;
  for (std::size_t i = 0; i < regs.size(); ++i) {
    auto c = cancels[i].get();
    auto k = scans[i].get();
    REQUIRE(c);
    REQUIRE(k);
    INFO("ticket " << i << ": scan " << (k->ok() ? d::outcome_name(k->value().result) : k->err().code));
    REQUIRE(k->ok());
    bool cancel_won = c->ok();
    bool scan_won = k->value().first;
    INFO("ticket " << i << ": cancel " << (cancel_won ? "ok" : c->err().code) << ", scan "
                   << d::outcome_name(k->value().result));
    CHECK(cancel_won != scan_won);
    if (cancel_won) CHECK(k->value().result == d::checkin_answer::outcome::cancelled);
    else CHECK(c->err().code == "checked_in");
    cancelled += cancel_won;
    checked_in += scan_won;
  }
  CHECK(cancelled + checked_in == 60);
  CHECK(f.scalar("SELECT count(*) FROM registrations r JOIN checkins c ON c.registration_id = r.id "
                 "AND c.undone_at IS NULL WHERE r.status = 'cancelled' AND r.event_id = ?1",
                 event) == 0);
  CHECK(f.scalar("SELECT count(*) FROM registrations WHERE status = 'cancelled' AND checked_in_at IS NOT NULL "
                 "AND event_id = ?1",
                 event) == 0);
  auto counts = f.require_counts_match(event);
  CHECK(counts.checked_in == checked_in);
  CHECK(counts.registered == 60 - cancelled);
}

TEST_CASE("three writers: cancellations and their promotions race without giving a seat twice", "[writers]") {
  three_writers f;
  auto event = f.make_event(10, true);
  std::vector<d::registration> confirmed, waiting;
  for (int i = 0; i < 30; ++i) {
    auto r = f.signed_up(event, phone_of(i));
    (r.status == "confirmed" ? confirmed : waiting).push_back(r);
  }
  REQUIRE(confirmed.size() == 10);
  // Every confirmed one cancels through a writer, each cancel twice (a retried tap on
  // another instance), and a third of the waitlist leaves at the same time.
  std::vector<std::future<std::optional<d::result<d::registration>>>> answers;
  std::size_t k = 0;
  auto cancel = [&](d::id_t id) {
    answers.push_back(submit<d::registration>(f.w(k++), [&f, id](d::store& s) {
      return d::cancel_registration(s, f.admin, id);
    }));
  };
  for (std::size_t i = 0; i < 10; ++i) {
    cancel(confirmed[i].id);
    cancel(confirmed[i].id);
    if (i < 7) cancel(waiting[i * 3].id);
  }
  int ok = 0, already = 0;
  for (auto& a : answers) {
    auto r = a.get();
    REQUIRE(r);
    if (r->ok()) ++ok;
    else if (r->err().code == "already_cancelled") ++already;
  }
  CHECK(ok == 17);
  CHECK(already == 10);
  auto counts = f.require_counts_match(event);
  // 30 signed up, 17 left: the 13 who stay fill the 10 seats and 3 wait. A leaver from the
  // waitlist may have been promoted just before leaving, and freed a seat for the next.
  CHECK(counts.registered == 10);
  CHECK(counts.waitlisted == 3);
  auto promotions = f.scalar("SELECT count(*) FROM audit_log WHERE action = 'registration.promote' AND ?1 > 0", 1);
  CHECK(promotions >= 10);
  CHECK(promotions <= 17);
  // Nobody was promoted twice.
  CHECK(f.scalar("SELECT count(DISTINCT target) FROM audit_log WHERE action = 'registration.promote' AND ?1 > 0", 1) ==
        promotions);
}

TEST_CASE("a full writer queue refuses at once and commits nothing of the refused job", "[writers]") {
  three_writers f;
  auto event = f.make_event(std::nullopt, false);
  st::writer w(f.target, f.counters, st::writer::limits{512, 2});
  // The first job holds the writer thread until released; two more fill the queue.
  std::promise<void> release;
  auto gate = release.get_future().share();
  std::atomic<bool> running{false};
  auto held = submit<d::registration>(w, [&, gate](d::store& s) {
    running = true;
    gate.wait();
    d::registration_input in{"占位", phone_of(1), "", "public", std::nullopt, std::nullopt};
    return d::register_participant(s, f.admin, event, in, "staff");
  });
  while (!running) std::this_thread::yield();
  std::vector<std::future<std::optional<d::result<d::registration>>>> queued;
  for (int i = 2; i <= 4; ++i) {
    d::registration_input in{"排队" + std::to_string(i), phone_of(i), "", "public", std::nullopt, std::nullopt};
    queued.push_back(submit<d::registration>(w, [&f, in, event](d::store& s) {
      return d::register_participant(s, f.admin, event, in, "staff");
    }));
  }
  // The third waiting job found the queue full: refused before the writer was free.
  REQUIRE(queued[2].wait_for(std::chrono::seconds(0)) == std::future_status::ready);
  CHECK_FALSE(queued[2].get().has_value());
  release.set_value();
  CHECK(held.get().value().ok());
  CHECK(queued[0].get().value().ok());
  CHECK(queued[1].get().value().ok());
  w.stop();
  CHECK(f.require_counts_match(event).registered == 3);
  CHECK(f.scalar("SELECT count(*) FROM registrations WHERE phone = '15400000004' AND event_id = ?1", event) == 0);
}

// An import decides its rows' places in memory, from the event read once with its row held
// (place_ledger), and runs its rows without a savepoint each. A sign-up in flight on another
// connection must be counted, and its phone refused, not doubled. On PostgreSQL the import
// waits on the event row the sign-up holds; on SQLite it waits to begin.
TEST_CASE("an import racing a sign-up of the same phone refuses that line and leaves the counts exact",
          "[writers][import]") {
  using namespace std::chrono_literals;
  three_writers f;
  auto event = f.make_event(2, true);
  d::parsed_csv csv;
  for (int i : {1, 0, 2})  // line 2 holds the phone the sign-up is taking
    csv.rows.push_back({static_cast<int>(csv.rows.size()) + 2,
                        {"导入" + std::to_string(i), phone_of(i), "青浦区中心医院", "doctor", std::nullopt, std::nullopt}});

  st::sql_store other{f.target};
  st::transaction signing(other.db());
  d::registration_input same{"抢先报名", phone_of(1), "", "public", std::nullopt, std::nullopt};
  auto first = d::register_participant(other, f.admin, event, same, "public");
  REQUIRE(first.ok());
  auto importing = std::async(std::launch::async, [&] {
    st::sql_store s{f.target};
    st::transaction tx(s.db());
    auto report = d::import_registrations(s, f.admin, event, csv, false);
    tx.commit();
    return report;
  });
  std::this_thread::sleep_for(300ms);  // the import is waiting on the sign-up by now
  signing.commit();
  auto report = importing.get();

  CHECK(report.accepted == 2);
  REQUIRE(report.rejected.size() == 1);
  CHECK(report.rejected[0].line == 2);
  CHECK(report.waitlisted == 1);  // two seats: the sign-up took one, line 3 the other
  auto counts = f.require_counts_match(event);
  CHECK(counts.registered == 2);
  CHECK(counts.waitlisted == 1);
}
