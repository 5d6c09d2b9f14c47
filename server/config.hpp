#pragma once
// Flags and environment in one plain struct; no globals.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace qiandao {

struct config {
  std::string db_path = "qiandao.db";
  std::string listen_host = "127.0.0.1";
  unsigned short listen_port = 8080;
  bool demo = false;
  std::optional<std::string> web_root;  // serve web/ from disk instead of the embedded copy
  int io_threads = 1;
  std::vector<std::string> allowed_origins;  // besides the server's own origin
  std::optional<std::string> board_token;    // when set, the board needs ?token= or a bearer
  std::optional<std::string> tls_cert, tls_key;  // PEM files; when set, every connection is TLS
  std::size_t max_connections = 10000;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_import_bytes = 16 << 20;
  int header_timeout_seconds = 10;
  int session_hours = 12;
  int board_interval_ms = 0;  // optional floor between two board frames; 0: coalesced by load only
  std::size_t max_batch = 512;  // requests per commit; 1 = one commit and one fsync per request (benchmarks)
  std::size_t max_queue = 8192;  // requests waiting for the writer; past it, 503 at once
  // Public sign-up (/s/). The proof of work: a solver tries pow_max_number / 2 SHA-256 keys
  // on average (about a second on a phone); the HMAC secret (QIANDAO_POW_SECRET) must be
  // shared by instances behind one proxy, else each draws its own at start-up.
  std::int64_t pow_max_number = 100000;
  std::int64_t pow_ttl_seconds = 1200;
  std::optional<std::string> pow_secret;
  int public_signups_per_address = 20;  // per hour
  int public_requests_per_address = 300;  // every public call, per 10 minutes
  // Peers whose X-Forwarded-For is believed (a reverse proxy); others are the client.
  std::vector<std::string> trusted_proxies;
};

// A config file that cannot be read or holds a bad line; the message names the file and line.
struct config_file_error : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Parses `serve` flags (argv after the subcommand). Throws std::invalid_argument with a
// message fit for the terminal. With `--config FILE` (else $QIANDAO_CONFIG, when set) the
// file's settings come first, then QIANDAO_BOARD_TOKEN / QIANDAO_POW_SECRET, then the other
// flags, which win; a list flag given on the command line replaces the file's list.
config parse_serve_flags(std::vector<std::string> const& args);

// Reads a config file over the defaults: one `key = value` a line, the key a serve flag
// without its leading "--" (`demo = true|false`); `#` at the start of a line or after a
// space starts a comment; a list key (allow-origin, trusted-proxy) may repeat or take
// commas. Throws config_file_error (unreadable file, unknown key, bad value, a key twice).
config read_config_file(std::string const& path);

// Every serve flag, "--db" first; the packaged config file documents each one.
std::vector<std::string> serve_flag_names();

}  // namespace qiandao
