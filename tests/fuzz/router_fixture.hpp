#pragma once
// The app fuzz_router drives: a real SQLite file in tmpfs, migrated and seeded with two
// events, three sign-ups (one checked in, one on the waitlist), an admin and a staff member
// with sessions, and two kiosks, so that ids 1–3 and every role mean something.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "domain/auth.hpp"
#include "domain/checkins.hpp"
#include "domain/competitions.hpp"
#include "domain/tallies.hpp"
#include "domain/units.hpp"
#include "domain/events.hpp"
#include "domain/registrations.hpp"
#include "domain/validate.hpp"
#include "fuzz_check.hpp"
#include "storage/engine.hpp"
#include "storage/migrations.hpp"
#include "storage/store.hpp"
#include "transport/app.hpp"
#include "transport/router.hpp"
#include "transport/server.hpp"

namespace qiandao::fuzz {

namespace router_seed {

namespace d = qiandao::domain;
namespace t = qiandao::transport;

// Fixed credentials, so seeds can carry them too (flag 0). Only their digests are stored.
inline constexpr char const* admin_session = "fuzz-admin-session-0000000000000000000000000";
inline constexpr char const* staff_session = "fuzz-staff-session-0000000000000000000000000";
inline constexpr char const* kiosk_token = "fuzz-kiosk-token-00000000000000000000000000000";
inline constexpr char const* paired_token = "fuzz-paired-kiosk-token-0000000000000000000000";
// A ticket code the seeds can scan: registration 1's, set after it is made.
inline constexpr char const* ticket_code = "0QD4NDA0F0ZZSEED0000000001";
inline constexpr char const* password = "fuzz-password-123";
inline constexpr char const* board_token = "fuzz-board-token";
// Seeded personal data, never in a seed or the dictionary: it may only reach staff.
inline constexpr char const* phones[] = {"15411112222", "15433334444", "15455556666"};
inline constexpr char const* id_number = "310118198001012037";

// The database lives in tmpfs when there is one: every commit fsyncs, and the fuzzer commits
// thousands of times. A run removes its directory when it exits; one that crashed cannot, so
// each run also removes those whose process is gone (the pid is in the name).
inline std::string temp_directory() {
  namespace fs = std::filesystem;
  fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
  std::error_code ec;
  for (auto const& e : fs::directory_iterator(base, ec)) {
    auto name = e.path().filename().string();
    if (!name.starts_with("qiandao-fuzz-")) continue;
    int pid = std::atoi(name.c_str() + 13);
    if (pid > 0 && !fs::exists("/proc/" + std::to_string(pid))) fs::remove_all(e.path(), ec);
  }
  std::string templ = (base / ("qiandao-fuzz-" + std::to_string(getpid()) + "-XXXXXX")).string();
  if (!mkdtemp(templ.data())) fail("mkdtemp", templ);
  return templ;
}

inline d::event_changes event_of(char const* title, char const* kind, std::optional<std::int64_t> capacity) {
  d::event_changes c;
  c.title = title;
  c.kind = kind;
  c.venue = "青浦区中心医院 报告厅";
  c.starts_at = "2024-08-19T09:00:00+08:00";
  c.ends_at = "2024-08-19T11:30:00+08:00";
  c.capacity.emplace(capacity);
  c.waitlist = true;
  c.walk_ins = true;
  c.lead_departments = std::vector<std::string>{"心内科", "急诊科"};
  return c;
}

// Two events, three sign-ups (one checked in), a waitlist, two users with sessions and two
// kiosks: enough that ids 1–3 mean something on every route.
inline void seed(std::string const& path) {
  auto db = storage::open_connection(path, storage::connection::mode::read_write);
  storage::migrate(*db);
  storage::sql_store s(std::move(db));
  storage::transaction tx(s.db());
  std::string now = d::now_text(), later = d::format_time(d::now_seconds() + 10LL * 365 * 86400);
  std::string hash = d::hash_password(password);
  auto admin_id = s.insert_user("wang", hash, "admin", now);
  auto staff_id = s.insert_user("li", hash, "staff", now);
  if (!admin_id || !staff_id) fail("seed users", path);
  s.insert_session(d::token_digest(admin_session), *admin_id, now, later);
  s.insert_session(d::token_digest(staff_session), *staff_id, now, later);
  d::actor admin{d::role_kind::admin, *admin_id, "wang", std::nullopt};
  auto conference = d::create_event(s, admin, event_of("中国医师节庆祝大会", "conference", 2));
  auto lecture = d::create_event(s, admin, event_of("科普讲堂：高血压防治", "lecture", std::nullopt));
  if (!conference || !lecture) fail("seed events", path);
  char const* names[] = {"张三明", "李四", "欧阳娜娜"};
  for (std::size_t i = 0; i < 3; ++i) {
    d::registration_input in{names[i], phones[i], "青浦区中心医院", "医生", std::nullopt, std::nullopt};
    if (i == 1) in.id_number = id_number;
    if (!d::register_participant(s, admin, conference->id, in, "staff")) fail("seed registration", phones[i]);
  }
  s.db().exec(std::string("UPDATE registrations SET code = '") + ticket_code + "' WHERE id = 1");
  d::checkin_request scan{"seed-nonce-0001", ticket_code, std::nullopt, std::nullopt, std::nullopt};
  if (!d::check_in(s, admin, scan)) fail("seed check-in", ticket_code);
  // Issue 5 and 6 state: units with a quota, a clinic with services and sites (event 3),
  // a competition with two items, the first drawn (event 4).
  d::unit_changes hospital, centre;
  hospital.name = "青浦区中心医院";
  hospital.kind = "hospital";
  centre.name = "盈浦街道社区卫生服务中心";
  centre.kind = "community";
  if (!d::create_unit(s, admin, hospital) || !d::create_unit(s, admin, centre)) fail("seed units", path);
  if (!d::set_quotas(s, admin, conference->id, {{std::nullopt, "community", 3}, {1, std::nullopt, 2}}))
    fail("seed quotas", path);
  auto clinic_changes = event_of("名医面对面义诊", "clinic", std::nullopt);
  clinic_changes.services = std::vector<std::string>{"血压测量", "血糖检测"};
  clinic_changes.sites = std::vector<std::string>{"广场东区", "广场西区"};
  auto clinic = d::create_event(s, admin, clinic_changes);
  if (!clinic || !d::record_tally(s, admin, clinic->id, {"seed-tally-0001", "血压测量", "广场东区"}))
    fail("seed clinic", path);
  auto contest = d::create_event(s, admin, event_of("全科医师技能竞赛", "competition", std::nullopt));
  if (!contest) fail("seed competition", path);
  d::competition_changes rules;
  d::competition_item a, b;
  a.name = "导尿术";
  a.max_score = 10000;
  a.judges = 2;
  b.name = "换药";
  b.max_score = 5000;
  rules.items = std::vector<d::competition_item>{a, b};
  auto comp = d::configure_competition(s, admin, contest->id, rules);
  if (!comp) fail("seed competition rules", path);
  d::registration_input competitor{"赵竞赛", "13800000009", "盈浦街道社区卫生服务中心", "competitor", std::nullopt, std::nullopt};
  auto entrant = d::register_participant(s, admin, contest->id, competitor, "staff");
  if (!entrant) fail("seed competitor", path);
  d::checkin_request arrive{"seed-nonce-0002", entrant->code, std::nullopt, std::nullopt, std::nullopt};
  if (!d::check_in(s, admin, arrive) || !d::run_draw(s, admin, contest->id, comp->items[0].id, std::nullopt))
    fail("seed draw", path);
  s.insert_device("门口1号机", d::token_digest(kiosk_token), std::nullopt, now);
  s.insert_device("大会签到", d::token_digest(paired_token), conference->id, now);
  tx.commit();
}

// Where this run's database is, for the exit handler.
inline std::string& the_dir() {
  static std::string dir;
  return dir;
}

struct fixture {
  fixture() {
    d::init_crypto();
    dir = the_dir() = temp_directory();
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(the_dir(), ec);
    });
    config cfg;
    cfg.db_path = dir + "/qiandao.db";
    cfg.board_token = board_token;
    seed(cfg.db_path);
    secrets.assign(std::begin(phones), std::end(phones));
    secrets.emplace_back(id_number);
    storage::sql_store s(cfg.db_path, storage::connection::mode::read_only);
    for (d::id_t id : {2, 3, 4}) secrets.push_back(s.find_registration(id).value().code);
    secrets.emplace_back("13800000009");  // the seeded competitor
    engine = std::make_unique<storage::engine>(cfg.db_path, metrics, storage::writer::limits{});
    app = std::make_unique<t::app>(std::move(cfg), metrics, *engine);
    router = std::make_unique<t::router>(*app);
    maintenance = std::make_unique<storage::sql_store>(app->cfg.db_path);
  }

  // Sign-out and revocation are fine things to fuzz, but they would leave the later inputs
  // without credentials: put them back. The writer is idle between inputs.
  void restore_credentials() {
    storage::transaction tx(maintenance->db());
    std::string now = d::now_text(), later = d::format_time(d::now_seconds() + 10LL * 365 * 86400);
    maintenance->delete_session(d::token_digest(admin_session));
    maintenance->delete_session(d::token_digest(staff_session));
    maintenance->insert_session(d::token_digest(admin_session), 1, now, later);
    maintenance->insert_session(d::token_digest(staff_session), 2, now, later);
    maintenance->db().exec("UPDATE devices SET revoked_at = NULL WHERE id IN (1, 2)");
    tx.commit();
  }

  std::string dir;
  std::vector<std::string> secrets;  // what only staff may see
  qiandao::metrics metrics;
  std::unique_ptr<storage::engine> engine;
  std::unique_ptr<t::app> app;
  std::unique_ptr<t::router> router;
  std::unique_ptr<storage::sql_store> maintenance;
};

inline fixture& the_fixture() {
  // Never destroyed: the writer thread and the hashing pool live until the process ends.
  static fixture* f = new fixture();
  return *f;
}

}  // namespace router_seed

using router_seed::fixture;
using router_seed::the_fixture;

}  // namespace qiandao::fuzz
