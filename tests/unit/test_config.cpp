// `qiandao serve --config FILE`: the file's settings, flags that win over them, errors that
// name the file and line, and the packaged config file (deploy/qiandao.conf) against the flags.
#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "config.hpp"
#include "support/temp_dir.hpp"

using qiandao::config;
using qiandao::config_file_error;
using qiandao::parse_serve_flags;
using qiandao::read_config_file;

namespace {

std::string write_file(qiandao::test::temp_dir const& dir, std::string const& text) {
  auto path = dir.file("qiandao.conf");
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// The message of the config_file_error that reading `text` throws ("" if none).
std::string error_of(std::string const& text) {
  qiandao::test::temp_dir dir;
  auto path = write_file(dir, text);
  try {
    (void)read_config_file(path);
  } catch (config_file_error const& e) {
    std::string m = e.what();
    REQUIRE(m.starts_with(path + ":"));
    return m.substr(path.size() + 1);
  }
  return "";
}

std::string packaged_conf() {
  std::ifstream in(QIANDAO_SOURCE_DIR "/deploy/qiandao.conf");
  REQUIRE(in);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("a config file sets what the serve flags set", "[config]") {
  qiandao::test::temp_dir dir;
  auto path = write_file(dir,
                         "\xEF\xBB\xBF# written on Windows: a BOM and CRLF line ends\r\n"
                         "db = /var/lib/qiandao/qiandao.db\r\n"
                         "\n"
                         "  listen=0.0.0.0:8081   # the LAN\n"
                         "demo = yes\n"
                         "threads = 4\n"
                         "board-token = a#b\n"
                         "allow-origin = https://a.example, https://b.example\n"
                         "allow-origin = https://c.example\n"
                         "trusted-proxy = 127.0.0.1\n"
                         "max-connections = 20000\n"
                         "session-hours = 16\n"
                         "max-queue = 20000\n"
                         "public-signups-per-address = 500\n"
                         "public-requests-per-address = 5000\n");
  config c = read_config_file(path);
  CHECK(c.db_path == "/var/lib/qiandao/qiandao.db");
  CHECK(c.listen_host == "0.0.0.0");
  CHECK(c.listen_port == 8081);
  CHECK(c.demo);
  CHECK(c.io_threads == 4);
  CHECK(c.board_token == "a#b");  // a # inside a value is not a comment
  CHECK(c.allowed_origins == std::vector<std::string>{"https://a.example", "https://b.example", "https://c.example"});
  CHECK(c.trusted_proxies == std::vector<std::string>{"127.0.0.1"});
  CHECK(c.max_connections == 20000);
  CHECK(c.max_batch == config{}.max_batch);
  CHECK(c.session_hours == 16);
  CHECK(c.max_queue == 20000);
  CHECK(c.public_signups_per_address == 500);
  CHECK(c.public_requests_per_address == 5000);
}

TEST_CASE("flags on the command line win over the config file", "[config]") {
  qiandao::test::temp_dir dir;
  auto path = write_file(dir,
                         "db = from-file.db\n"
                         "listen = 0.0.0.0:8080\n"
                         "allow-origin = https://file.example\n"
                         "trusted-proxy = 10.0.0.1\n"
                         "demo = false\n");
  config c = parse_serve_flags({"--db", "flag.db", "--config", path, "--allow-origin", "https://flag.example",
                                "--demo"});
  CHECK(c.db_path == "flag.db");
  CHECK(c.listen_port == 8080);
  CHECK(c.listen_host == "0.0.0.0");
  CHECK(c.demo);
  // A list given on the command line replaces the file's; one not given keeps it.
  CHECK(c.allowed_origins == std::vector<std::string>{"https://flag.example"});
  CHECK(c.trusted_proxies == std::vector<std::string>{"10.0.0.1"});

  SECTION("QIANDAO_CONFIG names the file when --config does not") {
    ::setenv("QIANDAO_CONFIG", path.c_str(), 1);
    config e = parse_serve_flags({});
    ::unsetenv("QIANDAO_CONFIG");
    CHECK(e.db_path == "from-file.db");
  }
  SECTION("--config once, with a value") {
    CHECK_THROWS_WITH(parse_serve_flags({"--config", path, "--config", path}), "--config is given twice");
    CHECK_THROWS_WITH(parse_serve_flags({"--config"}), "--config needs a value");
  }
  SECTION("the pair rule holds across file and flags") {
    auto half = write_file(dir, "tls-cert = /etc/qiandao/cert.pem\n");
    CHECK_THROWS_WITH(parse_serve_flags({"--config", half}), "--tls-cert and --tls-key go together");
    CHECK(parse_serve_flags({"--config", half, "--tls-key", "k.pem"}).tls_key == "k.pem");
  }
}

TEST_CASE("a bad config line is refused with the file and its line", "[config]") {
  CHECK(error_of("db = a.db\nport = 80\n") == "2: unknown setting \"port\"");
  CHECK(error_of("--db = a.db\n") == "1: unknown setting \"--db\" (write keys without the leading --)");
  CHECK(error_of("config = other.conf\n") == "1: unknown setting \"config\"");
  CHECK(error_of("# fine\n\nthreads = many\n") == "3: threads expects a number from 1 to 64");
  CHECK(error_of("listen 0.0.0.0:80\n") == "1: expected `key = value`");
  CHECK(error_of("listen = 8080\n") == "1: listen expects HOST:PORT");
  CHECK(error_of("demo = maybe\n") == "1: demo expects true or false");
  CHECK(error_of("session-hours = 0\n") == "1: session-hours expects a number from 1 to 720");
  CHECK(error_of("public-signups-per-address = -1\n") ==
        "1: public-signups-per-address expects a number from 1 to 1000000");
  CHECK(error_of("board-token =   # later\n") ==
        "1: board-token needs a value (comment the line out to keep the default)");
  CHECK(error_of("db = a.db\ndb = b.db\n") == "2: db is already set on line 1");
  CHECK(error_of("allow-origin = https://a.example,,https://b.example\n") == "1: allow-origin has an empty item");
  CHECK(error_of("db = a.db\n# all good\n").empty());
}

TEST_CASE("a config file that cannot be read is an error naming it", "[config]") {
  qiandao::test::temp_dir dir;
  CHECK_THROWS_WITH(read_config_file(dir.file("missing.conf")),
                    "cannot read config file " + dir.file("missing.conf") + ": No such file or directory");
  CHECK_THROWS_AS(parse_serve_flags({"--config", dir.path().string()}), config_file_error);
}

TEST_CASE("the packaged config file has every serve flag and valid commented defaults", "[config]") {
  std::string const text = packaged_conf();
  // A commented setting is `#key = value` (prose comments have a space after the #).
  std::regex const setting(R"(^#?([a-z][a-z-]*) = (.*)$)");
  std::set<std::string> keys;
  std::string uncommented;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_match(line, m, setting)) {
      keys.insert(m[1]);
      uncommented += line.substr(line.front() == '#' ? 1 : 0) + "\n";
    }
  }
  for (auto const& flag : qiandao::serve_flag_names()) {
    INFO(flag);
    CHECK(keys.count(flag.substr(2)) == 1);
  }

  qiandao::test::temp_dir dir;
  config shipped = read_config_file(write_file(dir, text));
  CHECK(shipped.db_path == "/var/lib/qiandao/qiandao.db");
  CHECK(shipped.listen_host == "0.0.0.0");
  CHECK(shipped.listen_port == 8080);

  // Every commented default, switched on, reads back as the binary's own default.
  config all = read_config_file(write_file(dir, uncommented));
  config const defaults;
  CHECK(all.io_threads == defaults.io_threads);
  CHECK(all.demo == defaults.demo);
  CHECK(all.board_interval_ms == defaults.board_interval_ms);
  CHECK(all.max_batch == defaults.max_batch);
  CHECK(all.max_connections == defaults.max_connections);
  CHECK(all.pow_max_number == defaults.pow_max_number);
  CHECK(all.max_queue == defaults.max_queue);
  CHECK(all.session_hours == defaults.session_hours);
  CHECK(all.public_signups_per_address == defaults.public_signups_per_address);
  CHECK(all.public_requests_per_address == defaults.public_requests_per_address);
}
