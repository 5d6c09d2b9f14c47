#pragma once
// The real server on 127.0.0.1:0 over a fresh SQLite file, with an admin ("admin"), a staff
// user ("staff") and a kiosk device, plus helpers to sign in, make events and register
// people through the API. Helpers throw std::runtime_error rather than use Catch macros,
// so worker threads may call them too.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "config.hpp"
#include "domain/model.hpp"
#include "metrics.hpp"
#include "storage/store.hpp"
#include "support/test_db.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

namespace qiandao::transport {
class server;
}
namespace qiandao::storage {
class engine;
}

namespace qiandao::test {

using json = nlohmann::json;

struct server_options {
  std::optional<std::string> board_token;
  std::vector<std::string> allowed_origins;
  // Runs inside one transaction on the new database before the server starts.
  std::function<void(storage::sql_store&)> seed;
  // Changes the server's config (limits, timeouts, web root…) before it starts.
  std::function<void(config&)> configure;
  // Where the database file goes instead of the fixture's own temp dir (e.g. a small tmpfs).
  std::optional<std::string> db_dir;
};

class test_server {
 public:
  explicit test_server(server_options opts = {});
  ~test_server();
  test_server(test_server const&) = delete;
  test_server& operator=(test_server const&) = delete;

  [[nodiscard]] unsigned short port() const { return port_; }
  [[nodiscard]] std::string base_url() const;  // http://127.0.0.1:PORT
  // The --db target: a SQLite file, or a postgresql:// URL when the test runs on PostgreSQL.
  [[nodiscard]] std::string const& db_path() const { return db_path_; }
  [[nodiscard]] std::string const& kiosk_token() const { return kiosk_token_; }
  [[nodiscard]] domain::id_t kiosk_id() const { return kiosk_id_; }
  [[nodiscard]] static std::string password(std::string const& user);

  // Signs in through POST /api/v1/login; returns "qiandao_session=…" for a Cookie header.
  std::string login(std::string const& user);
  [[nodiscard]] http_client client() const;  // anonymous
  http_client as(std::string const& user);   // carries a session made once per user
  [[nodiscard]] http_client as_kiosk() const;
  [[nodiscard]] http_client with_bearer(std::string const& token) const;

  // POST /api/v1/events as admin: `fields` over sensible defaults; the 201 body.
  json create_event(json const& fields = json::object());
  // POST /api/v1/events/{id}/registrations as staff; the 201 body.
  json register_person(domain::id_t event_id, std::string const& name, std::string const& phone,
                       json const& extra = json::object());

  // Stops the server (idempotent), e.g. before inspecting the database file.
  void stop();

 private:
  temp_dir dir_;
  std::string db_path_;
  std::string kiosk_token_;
  domain::id_t kiosk_id_ = 0;
  qiandao::metrics metrics_;
  std::unique_ptr<storage::engine> engine_;
  std::unique_ptr<transport::server> server_;
  unsigned short port_ = 0;
  std::mutex mutex_;
  std::map<std::string, std::string> cookies_;
};

// ---- values for tests ----

std::string new_nonce();                // unique in this process, valid for the API
std::string test_phone(int i);          // 11-digit mainland mobile, distinct per i
std::string chinese_name(int i);        // three characters, distinct for i < 1000
std::string mask_of(std::string const& name);  // what the board should show for it
std::string url_encode(std::string const& s);   // for query strings
// One sample's value from a /metrics text ("qiandao_board_connections 3"), or -1 if absent.
std::int64_t metric_value(std::string const& metrics_text, std::string const& sample);

// ---- seeding the database directly, before a server starts ----

struct seeded_ticket {
  domain::id_t registration_id = 0;
  domain::id_t event_id = 0;
  std::string code, name, phone;
};

domain::id_t seed_event(domain::store& s, std::string const& title,
                        std::optional<std::int64_t> capacity = std::nullopt);
// `count` confirmed registrations spread round-robin over `events`, people first_index…
std::vector<seeded_ticket> seed_tickets(domain::store& s, std::vector<domain::id_t> const& events,
                                        int count, int first_index = 0);
// One value from a query with no binds (test-made SQL only), e.g. "SELECT count(*) …".
std::int64_t query_int(storage::connection& db, std::string const& sql);
std::string query_text(storage::connection& db, std::string const& sql);

// A kiosk device; returns its bearer token.
std::string seed_device(domain::store& s, std::string const& name,
                        std::optional<domain::id_t> event_id = std::nullopt);

// A database file for a child server: two events, `count` tickets over them, a kiosk device
// and the staff user (test_server::password("staff")).
struct seeded_file {
  std::vector<seeded_ticket> tickets;
  std::string token;
};
seeded_file seed_file(std::string const& path, int count);

}  // namespace qiandao::test
