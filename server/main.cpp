// qiandao: serve, user add, device add, backup. Start-up errors become exit codes:
// 0 done, 1 failed, 2 usage.
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "config.hpp"
#include "demo.hpp"
#include "domain/account_admin.hpp"
#include "domain/accounts.hpp"
#include "domain/auth.hpp"
#include "domain/validate.hpp"
#include "storage/engine.hpp"
#include "storage/migrations.hpp"
#include "storage/sqlite/sqlite_db.hpp"
#include "storage/store.hpp"
#include "transport/server.hpp"
#include "transport/tls.hpp"

namespace {

using namespace qiandao;

constexpr char const* usage = R"(qiandao — 签到: registration, check-in and live board

  qiandao serve [--config FILE] [--db FILE] [--listen HOST:PORT] [--demo] [--web-root DIR]
                [--threads N] [--allow-origin ORIGIN] [--board-token TOKEN]
                [--tls-cert PEM --tls-key PEM] [--trusted-proxy ADDR] [--board-interval-ms MS]
                [--max-batch N] [--max-queue N] [--max-connections N] [--session-hours H]
                [--pow-max-number N] [--public-signups-per-address N]
                [--public-requests-per-address N]
                (--config FILE, or $QIANDAO_CONFIG: `key = value` lines, one key per flag
                 without its "--"; flags on the command line win)
  qiandao user add NAME --role admin|staff|judge [--db FILE]   (password from a prompt or stdin)
  qiandao user passwd NAME [--db FILE]   (a new password from a prompt or stdin; enables a
                                          disabled account again and signs the user out)
  qiandao device add NAME [--event ID] [--db FILE]      (prints the kiosk token once)
  qiandao backup FILE [--db FILE]                       (online backup of a live database)
                (these take --config FILE, or $QIANDAO_CONFIG, instead of --db to use the
                 file's db, e.g. the package's /etc/qiandao/qiandao.conf)
  qiandao cert [--out DIR] [--host NAME_OR_IP]... [--days N]
                                       (self-signed TLS certificate for a venue: DIR/cert.pem, DIR/key.pem)
)";

struct usage_error : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Pulls "--flag value" out of args, leaving the rest.
std::optional<std::string> take_flag(std::vector<std::string>& args, std::string const& flag) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == flag) {
      if (i + 1 >= args.size()) throw usage_error(flag + " needs a value");
      std::string v = args[i + 1];
      args.erase(args.begin() + static_cast<long>(i), args.begin() + static_cast<long>(i) + 2);
      return v;
    }
  }
  return std::nullopt;
}

// --db, else the db of --config FILE (or $QIANDAO_CONFIG), else qiandao.db: how the other
// subcommands reach the database of a server run from a config file.
std::string take_db(std::vector<std::string>& args) {
  auto db = take_flag(args, "--db");
  auto file = take_flag(args, "--config");
  if (db) return *db;
  if (char const* env = std::getenv("QIANDAO_CONFIG"); !file && env && *env) file = env;
  return file ? read_config_file(*file).db_path : config{}.db_path;
}

std::string read_password() {
  std::string pw;
  if (isatty(STDIN_FILENO)) {
    std::cerr << "Password: " << std::flush;
    termios old{};
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::getline(std::cin, pw);
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
  } else {
    std::getline(std::cin, pw);
  }
  if (!pw.empty() && pw.back() == '\r') pw.pop_back();
  return pw;
}

// Opens the --db target, migrated to this binary's schema.
std::unique_ptr<storage::sql_store> open_store(std::string const& target) {
  auto db = storage::open_connection(target, storage::connection::mode::read_write);
  storage::migrate(*db);
  return std::make_unique<storage::sql_store>(std::move(db));
}

int user_add(std::vector<std::string> args) {
  std::string db = take_db(args);
  std::string role = take_flag(args, "--role").value_or("");
  if (args.size() != 1) throw usage_error("user add takes one NAME");
  if (role != "admin" && role != "staff" && role != "judge")
    throw usage_error("--role must be admin, staff or judge");
  std::string const& name = args[0];
  if (name.empty() || name.size() > 64 || domain::has_control_chars(name))
    throw usage_error("NAME must be 1–64 characters, without control characters");
  std::string pw = read_password();
  if (pw.size() < 10) {
    std::cerr << "qiandao: the password must have at least 10 characters\n";
    return 1;
  }
  domain::init_crypto();
  auto hash = domain::hash_password(pw);
  auto s = open_store(db);
  storage::transaction tx(s->db());
  if (auto made = domain::create_user(*s, "cli", name, hash, role); !made) {
    std::cerr << "qiandao: user " << name << " already exists\n";
    return 1;
  }
  tx.commit();
  std::cout << "user " << name << " (" << role << ") added\n";
  return 0;
}

// A lost password (often the only admin's): set a new one on the server's own machine.
int user_passwd(std::vector<std::string> args) {
  std::string db = take_db(args);
  if (args.size() != 1) throw usage_error("user passwd takes one NAME");
  std::string pw = read_password();
  if (pw.size() < 10 || pw.size() > 1024) {
    std::cerr << "qiandao: the password must have 10 to 1024 characters\n";
    return 1;
  }
  domain::init_crypto();
  auto hash = domain::hash_password(pw);
  auto s = open_store(db);
  storage::transaction tx(s->db());
  auto done = domain::rescue_password(*s, args[0], hash);
  if (!done) {
    std::cerr << "qiandao: no user " << args[0] << "\n";
    return 1;
  }
  tx.commit();
  std::cout << "password of " << args[0] << " changed; the account is enabled and signed out everywhere\n";
  return 0;
}

int device_add(std::vector<std::string> args) {
  std::string db = take_db(args);
  auto event = take_flag(args, "--event");
  if (args.size() != 1) throw usage_error("device add takes one NAME");
  if (args[0].empty() || domain::has_control_chars(args[0]))
    throw usage_error("NAME must not be empty or hold control characters");
  domain::init_crypto();
  auto s = open_store(db);
  std::optional<domain::id_t> event_id;
  if (event) {
    event_id = std::stoll(*event);
    if (!s->find_event(*event_id)) {
      std::cerr << "qiandao: no event " << *event << "\n";
      return 1;
    }
  }
  storage::transaction tx(s->db());
  auto token = domain::new_secret_token();
  auto made = domain::create_device(*s, "cli", args[0], token, event_id);
  if (!made) {
    std::cerr << "qiandao: " << made.err().message << "\n";
    return 1;
  }
  tx.commit();
  auto id = made->id;
  std::cout << "device " << id << " \"" << args[0] << "\" added. Its token (shown once):\n"
            << token << "\n";
  return 0;
}

int backup(std::vector<std::string> args) {
  std::string db = take_db(args);
  if (args.size() != 1) throw usage_error("backup takes one FILE");
  if (storage::is_postgres_target(db)) {
    // A PostgreSQL database is backed up by PostgreSQL's own tool, consistent while live.
    std::cerr << "qiandao: for PostgreSQL use pg_dump, e.g.\n  pg_dump --format=custom --file=" << args[0]
              << " '" << db << "'\nand pg_restore to bring it back.\n";
    return 1;
  }
  if (std::filesystem::exists(args[0])) {
    std::cerr << "qiandao: " << args[0] << " exists; choose a new file\n";
    return 1;
  }
  if (!std::filesystem::exists(db)) {
    std::cerr << "qiandao: no database at " << db << "\n";
    return 1;
  }
  storage::sqlite::backup(db, args[0]);
  std::cout << "backed up " << db << " to " << args[0] << "\n";
  return 0;
}

// Thousands of boards need thousands of descriptors; the soft limit is often 1024.
void raise_descriptor_limit() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
}

int cert(std::vector<std::string> args) {
  std::string dir = take_flag(args, "--out").value_or(".");
  int days = std::stoi(take_flag(args, "--days").value_or("825"));
  std::vector<std::string> hosts;
  while (auto h = take_flag(args, "--host")) hosts.push_back(*h);
  if (!args.empty()) throw usage_error("unexpected argument: " + args[0]);
  if (days < 1 || days > 3650) throw usage_error("--days must be 1–3650");
  std::filesystem::create_directories(dir);
  transport::make_self_signed(dir + "/cert.pem", dir + "/key.pem", hosts, days);
  std::cout << "wrote " << dir << "/cert.pem and " << dir << "/key.pem (valid " << days << " days)\n"
            << "serve with: qiandao serve --tls-cert " << dir << "/cert.pem --tls-key " << dir << "/key.pem\n";
  return 0;
}

int serve(std::vector<std::string> const& args) {
  auto cfg = parse_serve_flags(args);
  raise_descriptor_limit();
  if (cfg.demo) {
    domain::init_crypto();
    auto s = open_store(cfg.db_path);
    if (auto creds = seed_demo(*s)) {
      std::cout << "Demo data loaded.\n"
                << "  admin username: " << creds->admin_username << "\n"
                << "  admin password: " << creds->admin_password << "\n"
                << "  kiosk token:    " << creds->kiosk_token << "\n";
    } else {
      std::cout << "The database already holds events; demo data not loaded.\n";
    }
  }
  metrics counters;
  storage::engine db(cfg.db_path, counters, {cfg.max_batch, cfg.max_queue});
  transport::server srv(cfg, db, counters);
  srv.run_until_signal([&] {
    // Tests and scripts read this line to learn the port when --listen asked for :0.
    std::cout << "Qiandao listening on " << (cfg.tls_cert ? "https" : "http") << "://"
              << cfg.listen_host << ":" << srv.port() << "/" << std::endl;
  });
  std::cout << "Qiandao stopped." << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
      std::cout << usage;
      return args.empty() ? 2 : 0;
    }
    std::string cmd = args[0];
    args.erase(args.begin());
    if (cmd == "serve") return serve(args);
    if (cmd == "user" && !args.empty() && args[0] == "add") return user_add({args.begin() + 1, args.end()});
    if (cmd == "user" && !args.empty() && args[0] == "passwd") return user_passwd({args.begin() + 1, args.end()});
    if (cmd == "device" && !args.empty() && args[0] == "add") return device_add({args.begin() + 1, args.end()});
    if (cmd == "backup") return backup(args);
    if (cmd == "cert") return cert(args);
    if (cmd == "version" || cmd == "--version") {
      std::cout << "qiandao " QIANDAO_VERSION "\n";
      return 0;
    }
    throw usage_error("unknown command: " + cmd);
  } catch (config_file_error const& e) {
    std::cerr << "qiandao: " << e.what() << "\n";
    return 2;
  } catch (usage_error const& e) {
    std::cerr << "qiandao: " << e.what() << "\n\n" << usage;
    return 2;
  } catch (std::invalid_argument const& e) {
    std::cerr << "qiandao: " << e.what() << "\n\n" << usage;
    return 2;
  } catch (std::exception const& e) {
    std::cerr << "qiandao: " << e.what() << "\n";
    return 1;
  }
}
