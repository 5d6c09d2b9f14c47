#include "support/test_server.hpp"

#include <algorithm>
#include <atomic>
#include <random>
#include <stdexcept>

#include "config.hpp"
#include "domain/auth.hpp"
#include "domain/events.hpp"
#include "domain/registrations.hpp"
#include "domain/validate.hpp"
#include "storage/engine.hpp"
#include "storage/migrations.hpp"
#include "support/test_db.hpp"
#include "transport/server.hpp"

namespace qiandao::test {

namespace {

domain::actor seeder() { return {domain::role_kind::admin, 0, "seed", std::nullopt}; }

// Argon2 is slow on purpose; one hash per user per process, shared by every fixture (each
// hash string carries its own salt, so reusing it across databases is sound).
std::string const& hash_for(std::string const& user) {
  static std::string const admin = domain::hash_password(test_server::password("admin"));
  static std::string const staff = domain::hash_password(test_server::password("staff"));
  return user == "admin" ? admin : staff;
}

std::string describe(http_response const& r) {
  return "HTTP " + std::to_string(r.status) + " " + r.body;
}

}  // namespace

test_server::test_server(server_options opts)
    : db_path_(opts.db_dir ? *opts.db_dir + "/qiandao.db" : fresh_database(dir_)) {
  domain::init_crypto();
  {
    auto db = open_db(db_path_, storage::connection::mode::read_write);
    storage::migrate(*db);
    storage::sql_store s(std::move(db));
    storage::transaction tx(s.db());
    auto now = domain::now_text();
    if (!s.insert_user("admin", hash_for("admin"), "admin", now) ||
        !s.insert_user("staff", hash_for("staff"), "staff", now))
      throw std::runtime_error("could not create the test users");
    kiosk_token_ = seed_device(s, "门口1");
    kiosk_id_ = s.find_device_by_token(domain::token_digest(kiosk_token_))->id;
    if (opts.seed) opts.seed(s);
    tx.commit();
  }
  config cfg;
  cfg.db_path = db_path_;
  cfg.listen_host = "127.0.0.1";
  cfg.listen_port = 0;
  cfg.io_threads = 2;
  cfg.board_token = opts.board_token;
  cfg.allowed_origins = opts.allowed_origins;
  if (opts.configure) opts.configure(cfg);
  engine_ = std::make_unique<storage::engine>(cfg.db_path, metrics_, storage::writer::limits{cfg.max_batch, cfg.max_queue});
  server_ = std::make_unique<transport::server>(cfg, *engine_, metrics_);
  server_->start();
  port_ = server_->port();
}

test_server::~test_server() { stop(); }

void test_server::stop() {
  if (server_) server_->stop();
}

std::string test_server::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::string test_server::password(std::string const& user) { return user + "-password-2024"; }

std::string test_server::login(std::string const& user) {
  auto c = client();
  auto res = c.post("/api/v1/login", {{"username", user}, {"password", password(user)}});
  if (res.status != 200) throw std::runtime_error("login " + user + ": " + describe(res));
  auto set_cookie = res.header("Set-Cookie").value_or("");
  auto end = set_cookie.find(';');
  auto cookie = set_cookie.substr(0, end);
  if (!cookie.starts_with("qiandao_session=") || cookie.size() <= 16)
    throw std::runtime_error("login " + user + ": no session cookie in " + set_cookie);
  return cookie;
}

http_client test_server::client() const { return http_client(port_); }

http_client test_server::as(std::string const& user) {
  std::string cookie;
  {
    std::lock_guard lock(mutex_);
    cookie = cookies_[user];
  }
  if (cookie.empty()) {
    cookie = login(user);
    std::lock_guard lock(mutex_);
    cookies_[user] = cookie;
  }
  auto c = client();
  c.set_header("Cookie", cookie);
  return c;
}

http_client test_server::as_kiosk() const { return with_bearer(kiosk_token_); }

http_client test_server::with_bearer(std::string const& token) const {
  auto c = client();
  c.set_header("Authorization", "Bearer " + token);
  return c;
}

json test_server::create_event(json const& fields) {
  json body = {{"title", "中国医师节庆祝大会"},
               {"kind", "conference"},
               {"venue", "青浦区卫生健康委员会礼堂"},
               {"starts_at", "2024-08-19T09:00:00+08:00"},
               {"ends_at", "2024-08-19T11:30:00+08:00"},
               {"capacity", nullptr},
               {"waitlist", false},
               {"walk_ins", false},
               {"lead_departments", {"医政科"}}};
  for (auto const& [k, v] : fields.items()) body[k] = v;
  auto res = as("admin").post("/api/v1/events", body);
  if (res.status != 201) throw std::runtime_error("create event: " + describe(res));
  return res.json();
}

json test_server::register_person(domain::id_t event_id, std::string const& name,
                                  std::string const& phone, json const& extra) {
  json body = {{"name", name}, {"phone", phone}, {"organization", "青浦区中心医院"}};
  for (auto const& [k, v] : extra.items()) body[k] = v;
  auto res = as("staff").post("/api/v1/events/" + std::to_string(event_id) + "/registrations", body);
  if (res.status != 201) throw std::runtime_error("register " + name + ": " + describe(res));
  return res.json();
}

std::string new_nonce() {
  static std::atomic<std::uint64_t> counter{0};
  static std::string const prefix = [] {
    std::random_device rd;
    return "t" + std::to_string(rd()) + "-";
  }();
  return prefix + std::to_string(counter.fetch_add(1));
}

std::string test_phone(int i) {
  std::string digits = std::to_string(10000000 + i % 90000000);
  return "139" + digits;
}

std::string chinese_name(int i) {
  static char const* const surnames[] = {"张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴"};
  static char const* const middles[] = {"晓", "建", "国", "海", "志", "春", "丽", "文", "德", "秀"};
  static char const* const lasts[] = {"明", "华", "平", "芳", "军", "玲", "强", "伟", "敏", "静"};
  return std::string(surnames[i % 10]) + middles[(i / 10) % 10] + lasts[(i / 100) % 10];
}

std::string mask_of(std::string const& name) { return domain::mask_name(name); }

std::string url_encode(std::string const& s) {
  static char const hex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::int64_t metric_value(std::string const& metrics_text, std::string const& sample) {
  std::string const key = "\n" + sample + " ";
  auto at = ("\n" + metrics_text).find(key);
  if (at == std::string::npos) return -1;
  return std::stoll(metrics_text.substr(at + key.size() - 1));
}

domain::id_t seed_event(domain::store& s, std::string const& title,
                        std::optional<std::int64_t> capacity) {
  domain::event_changes in;
  in.title = title;
  in.kind = "clinic";
  in.venue = "青浦区中医医院";
  in.starts_at = "2024-08-17T08:30:00+08:00";
  in.ends_at = "2024-08-17T11:30:00+08:00";
  in.capacity = capacity;
  auto made = domain::create_event(s, seeder(), in);
  if (!made) throw std::runtime_error("seed event: " + made.err().code);
  return made->id;
}

std::vector<seeded_ticket> seed_tickets(domain::store& s, std::vector<domain::id_t> const& events,
                                        int count, int first_index) {
  std::vector<seeded_ticket> out;
  out.reserve(static_cast<std::size_t>(count));
  for (int k = 0; k < count; ++k) {
    int i = first_index + k;
    auto event_id = events[static_cast<std::size_t>(k) % events.size()];
    domain::registration_input in{chinese_name(i), test_phone(i), "青浦区社区卫生服务中心", "public",
                                  std::nullopt, std::nullopt};
    auto r = domain::register_participant(s, seeder(), event_id, in, "staff");
    if (!r) throw std::runtime_error("seed registration " + std::to_string(i) + ": " + r.err().code);
    out.push_back({r->id, event_id, r->code, r->name, r->phone});
  }
  return out;
}

seeded_file seed_file(std::string const& path, int count) {
  seeded_file out;
  domain::init_crypto();
  auto s_owner = migrated_store(path);
  auto& s = *s_owner;
  std::vector<domain::id_t> events;
  {
    storage::transaction tx(s.db());
    events = {seed_event(s, "名医面对面义诊"), seed_event(s, "健康知识汇·科普智慧堂")};
    out.token = seed_device(s, "门口1");
    if (!s.insert_user("staff", domain::hash_password(test_server::password("staff")), "staff", domain::now_text()))
      throw std::runtime_error("could not add the staff user");
    tx.commit();
  }
  // A thousand sign-ups per transaction: on PostgreSQL each one updates its event's row, and
  // thousands of versions of one row inside one transaction made 30,000 take 85 s, not 8.
  int constexpr chunk = 1000;
  for (int done = 0; done < count; done += chunk) {
    storage::transaction tx(s.db());
    auto more = seed_tickets(s, events, std::min(chunk, count - done), done);
    tx.commit();
    out.tickets.insert(out.tickets.end(), more.begin(), more.end());
  }
  return out;
}

std::int64_t query_int(storage::connection& db, std::string const& sql) {
  auto& s = db.prepare(sql);
  if (!s.step()) throw std::runtime_error("no row from: " + sql);
  auto v = s.get_int(0);
  s.reset();
  return v;
}

std::string query_text(storage::connection& db, std::string const& sql) {
  auto& s = db.prepare(sql);
  if (!s.step()) throw std::runtime_error("no row from: " + sql);
  auto v = s.get_text(0);
  s.reset();
  return v;
}

std::string seed_device(domain::store& s, std::string const& name,
                        std::optional<domain::id_t> event_id) {
  auto token = domain::new_secret_token();
  s.insert_device(name, domain::token_digest(token), event_id, domain::now_text());
  return token;
}

}  // namespace qiandao::test
