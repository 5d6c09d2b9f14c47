#include "config.hpp"

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string_view>
#include <utility>

namespace qiandao {

namespace {

int to_int(std::string const& flag, std::string const& v, int lo, int hi) {
  int n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || p != v.data() + v.size() || n < lo || n > hi)
    throw std::invalid_argument(flag + " expects a number from " + std::to_string(lo) + " to " +
                                std::to_string(hi));
  return n;
}

std::size_t to_size(std::string const& flag, std::string const& v, int lo, int hi) {
  return static_cast<std::size_t>(to_int(flag, v, lo, hi));
}

bool to_bool(std::string const& flag, std::string const& v) {
  if (v == "true" || v == "yes" || v == "on" || v == "1") return true;
  if (v == "false" || v == "no" || v == "off" || v == "0") return false;
  throw std::invalid_argument(flag + " expects true or false");
}

void set_listen(config& c, std::string const& flag, std::string const& v) {
  auto colon = v.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument(flag + " expects HOST:PORT");
  c.listen_host = v.substr(0, colon);
  if (c.listen_host.size() > 2 && c.listen_host.front() == '[')
    c.listen_host = c.listen_host.substr(1, c.listen_host.size() - 2);
  c.listen_port = static_cast<unsigned short>(to_int(flag, v.substr(colon + 1), 0, 65535));
}

std::string_view trim(std::string_view s) {
  auto const* space = " \t";
  auto b = s.find_first_not_of(space);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(space) - b + 1);
}

// The setter gets the name the user wrote (a flag, or a file's key) for its messages.
using setter = void (*)(config&, std::string const& name, std::string const& value);

struct serve_flag {
  enum class kind { value, toggle, list };  // toggle: a bare flag, `true|false` in a file
  std::string_view name;
  kind how;
  setter set = nullptr;                             // value and toggle
  std::vector<std::string> config::*list = nullptr;  // list: repeats, or commas
};

using k = serve_flag::kind;
using str = std::string const&;

// One row per `serve` flag; the packaged config file (deploy/qiandao.conf) documents each.
constexpr serve_flag serve_flags[] = {
    {"--db", k::value, [](config& c, str, str v) { c.db_path = v; }},
    {"--listen", k::value, set_listen},
    {"--demo", k::toggle, [](config& c, str n, str v) { c.demo = to_bool(n, v); }},
    {"--web-root", k::value, [](config& c, str, str v) { c.web_root = v; }},
    {"--threads", k::value, [](config& c, str n, str v) { c.io_threads = to_int(n, v, 1, 64); }},
    {"--allow-origin", k::list, nullptr, &config::allowed_origins},
    {"--board-token", k::value, [](config& c, str, str v) { c.board_token = v; }},
    {"--tls-cert", k::value, [](config& c, str, str v) { c.tls_cert = v; }},
    {"--tls-key", k::value, [](config& c, str, str v) { c.tls_key = v; }},
    {"--board-interval-ms", k::value,
     [](config& c, str n, str v) { c.board_interval_ms = to_int(n, v, 0, 10000); }},
    {"--max-batch", k::value, [](config& c, str n, str v) { c.max_batch = to_size(n, v, 1, 4096); }},
    {"--max-queue", k::value, [](config& c, str n, str v) { c.max_queue = to_size(n, v, 1, 1000000); }},
    {"--max-connections", k::value,
     [](config& c, str n, str v) { c.max_connections = to_size(n, v, 1, 1000000); }},
    {"--session-hours", k::value, [](config& c, str n, str v) { c.session_hours = to_int(n, v, 1, 720); }},
    {"--pow-max-number", k::value,
     [](config& c, str n, str v) { c.pow_max_number = to_int(n, v, 10, 100000000); }},
    {"--public-signups-per-address", k::value,
     [](config& c, str n, str v) { c.public_signups_per_address = to_int(n, v, 1, 1000000); }},
    {"--public-requests-per-address", k::value,
     [](config& c, str n, str v) { c.public_requests_per_address = to_int(n, v, 1, 10000000); }},
    {"--trusted-proxy", k::list, nullptr, &config::trusted_proxies},
};

serve_flag const* find_flag(std::string_view name) {
  for (auto const& f : serve_flags)
    if (f.name == name) return &f;
  return nullptr;
}

// A list's value may hold several items separated by commas (no origin or address has one).
void append_items(std::vector<std::string>& list, std::string const& name, std::string_view v) {
  while (true) {
    auto comma = v.find(',');
    auto item = trim(v.substr(0, comma));
    if (item.empty()) throw std::invalid_argument(name + " has an empty item");
    list.emplace_back(item);
    if (comma == std::string_view::npos) return;
    v.remove_prefix(comma + 1);
  }
}

void apply(config& c, serve_flag const& f, std::string const& name, std::string const& v) {
  if (f.how == k::list) append_items(c.*f.list, name, v);
  else f.set(c, name, v);
}

// Drops a comment: `#` at the start of the line or after a space or tab. A `#` inside a
// value (a token, a URL's fragment) stays.
std::string_view strip_comment(std::string_view line) {
  for (std::size_t i = 0; i < line.size(); ++i)
    if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) return line.substr(0, i);
  return line;
}

// One line of a config file; `seen` maps each single-valued key to its line.
void read_line(config& c, std::string_view line, int number, std::map<std::string, int>& seen) {
  if (number == 1 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);  // a Windows editor's BOM
  if (line.ends_with('\r')) line.remove_suffix(1);
  line = trim(strip_comment(line));
  if (line.empty()) return;
  auto eq = line.find('=');
  if (eq == std::string_view::npos) throw std::invalid_argument("expected `key = value`");
  std::string key(trim(line.substr(0, eq)));
  std::string value(trim(line.substr(eq + 1)));
  if (key.starts_with("-"))
    throw std::invalid_argument("unknown setting \"" + key + "\" (write keys without the leading --)");
  auto const* f = find_flag("--" + key);
  if (!f) throw std::invalid_argument("unknown setting \"" + key + "\"");
  if (value.empty())
    throw std::invalid_argument(key + " needs a value (comment the line out to keep the default)");
  if (f->how != k::list) {
    auto [at, fresh] = seen.emplace(key, number);
    if (!fresh) throw std::invalid_argument(key + " is already set on line " + std::to_string(at->second));
  }
  apply(c, *f, key, value);
}

}  // namespace

config read_config_file(std::string const& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw config_file_error("cannot read config file " + path + ": it is a directory");
  std::ifstream in(path);
  if (!in) throw config_file_error("cannot read config file " + path + ": " + std::strerror(errno));
  config c;
  std::map<std::string, int> seen;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    try {
      read_line(c, line, number, seen);
    } catch (std::invalid_argument const& e) {
      throw config_file_error(path + ":" + std::to_string(number) + ": " + e.what());
    }
  }
  if (in.bad()) throw config_file_error("cannot read config file " + path);
  return c;
}

config parse_serve_flags(std::vector<std::string> const& args) {
  // Flags are checked first and applied last, over the file and the environment.
  std::vector<std::pair<serve_flag const*, std::string>> given;
  std::optional<std::string> file;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string const& a = args[i];
    auto value = [&]() -> std::string const& {
      if (i + 1 >= args.size()) throw std::invalid_argument(a + " needs a value");
      return args[++i];
    };
    if (a == "--config") {
      if (file) throw std::invalid_argument("--config is given twice");
      file = value();
      continue;
    }
    auto const* f = find_flag(a);
    if (!f) throw std::invalid_argument("unknown flag: " + a);
    given.emplace_back(f, f->how == k::toggle ? std::string("true") : value());
  }
  if (char const* env = std::getenv("QIANDAO_CONFIG"); !file && env && *env) file = env;

  config c = file ? read_config_file(*file) : config{};
  if (char const* env = std::getenv("QIANDAO_BOARD_TOKEN"); env && *env) c.board_token = env;
  if (char const* env = std::getenv("QIANDAO_POW_SECRET"); env && *env) c.pow_secret = env;
  std::set<serve_flag const*> replaced;  // lists the command line has taken over from the file
  for (auto const& [f, v] : given) {
    if (f->how == k::list && replaced.insert(f).second) (c.*f->list).clear();
    apply(c, *f, std::string(f->name), v);
  }
  if (c.tls_cert.has_value() != c.tls_key.has_value())
    throw std::invalid_argument("--tls-cert and --tls-key go together");
  return c;
}

std::vector<std::string> serve_flag_names() {
  std::vector<std::string> names;
  for (auto const& f : serve_flags) names.emplace_back(f.name);
  return names;
}

}  // namespace qiandao
