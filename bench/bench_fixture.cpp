// Writes a benchmark database once, so each run copies a file instead of registering
// thousands of people again: one open conference with N confirmed registrations, a kiosk
// device, and beside the database DB.codes (the ticket codes, one a line) and DB.token.
//   bench_fixture DB N
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "domain/auth.hpp"
#include "domain/events.hpp"
#include "domain/registrations.hpp"
#include "domain/validate.hpp"
#include "storage/store.hpp"
#include "storage/migrations.hpp"

using namespace qiandao;

namespace {

// Made-up work units, the same few as a real list would repeat.
constexpr char const* units[] = {"青浦区示范医院", "淀山湖社区卫生服务中心", "华新镇卫生院",
                                 "朱家角镇社区卫生服务中心", "区疾病预防控制中心"};

domain::id_t make_event(storage::sql_store& s, domain::actor const& admin) {
  domain::event_changes c;
  c.title = "压测大会 / load test conference";
  c.kind = "conference";
  c.venue = "主会场";
  c.starts_at = "2024-08-19T09:00:00+08:00";
  c.ends_at = "2024-08-19T18:00:00+08:00";
  auto e = domain::create_event(s, admin, c);
  if (!e) throw std::runtime_error("create_event: " + e.err().message);
  return e->id;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::cerr << "usage: bench_fixture DB N [OUT]\n";
    return 2;
  }
  std::string db = argv[1];
  int n = std::stoi(argv[2]);
  // DB is a SQLite file (made anew) or an empty PostgreSQL database's URL; the codes and the
  // token go beside it (for a URL: OUT given as a third argument, or ./bench-pg).
  bool pg = storage::is_postgres_target(db);
  std::string out = pg ? (argc > 3 ? argv[3] : "bench-pg") : db;
  if (!pg)
    for (auto const* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
  for (auto const* suffix : {".codes", ".token"}) std::filesystem::remove(out + suffix);
  auto t0 = std::chrono::steady_clock::now();
  domain::init_crypto();
  std::ofstream codes(out + ".codes");
  {
    auto c = storage::open_connection(db, storage::connection::mode::read_write);
    storage::migrate(*c);
    storage::sql_store s(std::move(c));
    auto tx = std::make_unique<storage::transaction>(s.db());
    domain::actor admin{domain::role_kind::admin, 0, "bench", std::nullopt};
    auto event = make_event(s, admin);
    for (int i = 0; i < n; ++i) {
      // PostgreSQL: every registration updates the event's counters, and in one transaction
      // each look-up of the event walks all the row versions that transaction made (none can
      // be pruned before it ends): quadratic (20,000 took 40 s on a busy 2-core machine,
      // 100,000 would take a quarter of an hour). Commit every 250.
      if (pg && i > 0 && i % 250 == 0) {
        tx->commit();
        tx = std::make_unique<storage::transaction>(s.db());
      }
      char phone[16];
      std::snprintf(phone, sizeof phone, "154%08d", i);
      domain::registration_input in{"压测" + std::to_string(i), phone, units[i % 5], "guest", std::nullopt, std::nullopt};
      auto r = domain::register_participant(s, admin, event, in, "import");
      if (!r) throw std::runtime_error("register_participant: " + r.err().message);
      codes << r->code << '\n';
    }
    auto token = domain::new_secret_token();
    s.insert_device("bench kiosk", domain::token_digest(token), std::nullopt, domain::now_text());
    tx->commit();
    std::ofstream(out + ".token") << token << '\n';
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("bench_fixture: %d registrations in %s (%.1f s)\n", n, db.c_str(), s);
  return 0;
}
