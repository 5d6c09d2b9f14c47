#pragma once
// Flags and environment in one plain struct; no globals.
#include <optional>
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
  int idle_timeout_seconds = 60;
  int session_hours = 12;
  int board_interval_ms = 100;  // least time between two board frames (10 a second)
  std::size_t max_batch = 512;  // requests per commit; 1 = one commit per request (benchmarks)
  std::size_t max_queue = 8192;  // requests waiting for the writer; past it, 503 at once
};

// Parses `serve` flags (argv after the subcommand). Throws std::invalid_argument with a
// message fit for the terminal.
config parse_serve_flags(std::vector<std::string> const& args);

}  // namespace qiandao
