#include "domain/validate.hpp"

#include <sys/random.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <vector>

namespace qiandao::domain {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

void fill_random(unsigned char* p, std::size_t n) {
  while (n > 0) {
    ssize_t got = getrandom(p, n, 0);
    if (got < 0) throw std::runtime_error("getrandom failed");
    p += got;
    n -= static_cast<std::size_t>(got);
  }
}

// Howard Hinnant's days_from_civil.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  std::int64_t const era = (y >= 0 ? y : y - 399) / 400;
  auto const yoe = static_cast<unsigned>(y - era * 400);
  unsigned const doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool valid_date(int y, int m, int d) {
  static constexpr std::array<int, 12> days{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int max = (m == 2 && !leap) ? 28 : days[static_cast<std::size_t>(m - 1)];
  return d <= max;
}

int digits(std::string_view s, std::size_t pos, std::size_t n) {
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

bool all_digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return false;
  for (std::size_t i = pos; i < pos + n; ++i)
    if (!is_digit(s[i])) return false;
  return true;
}

constexpr std::int64_t shanghai_offset = 8 * 3600;

}  // namespace

std::optional<std::string> normalize_phone(std::string_view raw) {
  std::string d;
  bool international = false;  // "+…": the country code must then be 86
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (is_digit(c)) {
      d += c;
    } else if (c == '+' && d.empty() && !international) {
      international = true;
    } else if (c == ' ' || c == '-' || c == '(' || c == ')' || c == '.' || c == '\t') {
      continue;
    } else {
      return std::nullopt;
    }
    if (d.size() > 16) return std::nullopt;
  }
  if (international && !d.starts_with("86")) return std::nullopt;
  if (d.size() == 15 && d.starts_with("0086")) d.erase(0, 4);
  if (d.size() == 13 && d.starts_with("86")) d.erase(0, 2);
  if (d.size() != 11 || d[0] != '1' || d[1] < '3') return std::nullopt;
  return d;
}

std::optional<std::string> normalize_id_number(std::string_view raw) {
  std::string s = trim(raw);
  if (s.size() != 18 || !all_digits(s, 0, 17)) return std::nullopt;
  if (s[17] == 'x') s[17] = 'X';
  if (!is_digit(s[17]) && s[17] != 'X') return std::nullopt;
  if (!valid_date(digits(s, 6, 4), digits(s, 10, 2), digits(s, 12, 2))) return std::nullopt;
  static constexpr std::array<int, 17> weights{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += (s[i] - '0') * weights[i];
  static constexpr std::string_view check = "10X98765432";
  if (s[17] != check[static_cast<std::size_t>(sum % 11)]) return std::nullopt;
  return s;
}

bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n;
    std::uint32_t cp;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; }
    else return false;
    if (i + n >= s.size()) return false;  // truncated sequence
    for (std::size_t k = 1; k <= n; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not text.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
      return false;
    i += n + 1;
  }
  return true;
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

bool has_control_chars(std::string_view s, bool allow_newline) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (allow_newline && (c == '\n' || (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n'))) continue;
    if (c < 0x20 || c == 0x7F) return true;
    // C1 in UTF-8: C2 80 – C2 9F.
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9F &&
        static_cast<unsigned char>(s[i + 1]) >= 0x80)
      return true;
  }
  return false;
}

std::string trim(std::string_view s) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  // Full-width space U+3000, common in Chinese input.
  while (s.starts_with("\xE3\x80\x80")) s.remove_prefix(3);
  while (s.ends_with("\xE3\x80\x80")) s.remove_suffix(3);
  return std::string(s);
}

std::string mask_name(std::string_view name) {
  // Split into code points so 张三丰 masks as 张*丰, never mid-character.
  std::vector<std::string_view> cps;
  std::size_t i = 0;
  while (i < name.size()) {
    std::size_t j = i + 1;
    while (j < name.size() && (static_cast<unsigned char>(name[j]) & 0xC0) == 0x80) ++j;
    cps.push_back(name.substr(i, j - i));
    i = j;
  }
  if (cps.empty()) return "";
  if (cps.size() == 1) return "*";
  std::string out(cps.front());
  if (cps.size() == 2) return out + "*";
  out.append(cps.size() - 2, '*');
  out += cps.back();
  return out;
}

std::string mask_phone(std::string_view phone) {
  if (phone.size() < 8) return std::string(phone.size(), '*');
  return std::string(phone.substr(0, 3)) + std::string(phone.size() - 7, '*') +
         std::string(phone.substr(phone.size() - 4));
}

std::string mask_id_number(std::string_view id) {
  if (id.size() < 8) return std::string(id.size(), '*');
  return std::string(id.substr(0, 3)) + std::string(id.size() - 7, '*') +
         std::string(id.substr(id.size() - 4));
}

namespace {

// `n` random bytes from the OS CSPRNG, written as symbols of an alphabet of 2^bits letters.
std::string random_symbols(std::size_t n, std::string_view alphabet, int bits) {
  std::vector<unsigned char> bytes(n);
  fill_random(bytes.data(), bytes.size());
  std::string out;
  std::uint32_t acc = 0;
  int held = 0;
  std::uint32_t const mask = (1u << bits) - 1;
  for (unsigned char b : bytes) {
    acc = (acc << 8) | b;
    held += 8;
    while (held >= bits) {
      out += alphabet[(acc >> (held - bits)) & mask];
      held -= bits;
    }
  }
  return out;
}

}  // namespace

std::string new_ticket_code() {
  // Crockford base 32: no I, L, O or U, so a scanner typing it cannot confuse letters.
  // 17 bytes give 27 symbols; 26 of them carry 130 bits.
  return random_symbols(17, "0123456789ABCDEFGHJKMNPQRSTVWXYZ", 5).substr(0, 26);
}

std::string normalize_code(std::string_view raw) {
  std::string out;
  for (char c : raw) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    if (c == '-' || c == ' ') continue;
    out += c;
  }
  return out;
}

std::string new_secret_token() {
  // 258 bits, URL-safe base 64 without padding (43 symbols).
  return random_symbols(33, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 6)
      .substr(0, 43);
}

std::optional<std::int64_t> parse_time(std::string_view s) {
  // YYYY-MM-DD[T ]HH:MM[:SS[.frac]][Z|±HH:MM]
  if (s.size() < 16 || !all_digits(s, 0, 4) || s[4] != '-' || !all_digits(s, 5, 2) ||
      s[7] != '-' || !all_digits(s, 8, 2) || (s[10] != 'T' && s[10] != ' ') ||
      !all_digits(s, 11, 2) || s[13] != ':' || !all_digits(s, 14, 2))
    return std::nullopt;
  int y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
  int h = digits(s, 11, 2), mi = digits(s, 14, 2), sec = 0;
  std::size_t p = 16;
  if (p < s.size() && s[p] == ':') {
    if (!all_digits(s, p + 1, 2)) return std::nullopt;
    sec = digits(s, p + 1, 2);
    p += 3;
    if (p < s.size() && s[p] == '.') {
      ++p;
      std::size_t start = p;
      while (p < s.size() && is_digit(s[p])) ++p;
      if (p == start) return std::nullopt;
    }
  }
  if (!valid_date(y, mo, d) || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  std::int64_t offset = shanghai_offset;
  if (p < s.size()) {
    if (s[p] == 'Z' || s[p] == 'z') {
      offset = 0;
      ++p;
    } else if ((s[p] == '+' || s[p] == '-') && all_digits(s, p + 1, 2) && p + 3 < s.size() &&
               s[p + 3] == ':' && all_digits(s, p + 4, 2)) {
      int oh = digits(s, p + 1, 2), om = digits(s, p + 4, 2);
      if (oh > 14 || om > 59) return std::nullopt;
      offset = (s[p] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
      p += 6;
    } else {
      return std::nullopt;
    }
  }
  if (p != s.size()) return std::nullopt;
  std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  std::int64_t t = days * 86400 + h * 3600 + mi * 60 + std::min(sec, 59) - offset;
  // The range holds for the instant as stored (+08:00), not only as written, so a stored
  // time always parses again.
  if (t < days_from_civil(1900, 1, 1) * 86400 - shanghai_offset ||
      t >= days_from_civil(2201, 1, 1) * 86400 - shanghai_offset)
    return std::nullopt;
  return t;
}

std::string format_time(std::int64_t t) {
  std::int64_t local = t + shanghai_offset;
  std::int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  std::int64_t secs = local - days * 86400;
  // civil_from_days
  std::int64_t z = days + 719468;
  std::int64_t const era = (z >= 0 ? z : z - 146096) / 146097;
  auto const doe = static_cast<unsigned>(z - era * 146097);
  unsigned const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  unsigned const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned const mp = (5 * doy + 2) / 153;
  unsigned const d = doy - (153 * mp + 2) / 5 + 1;
  unsigned const m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld+08:00",
                static_cast<long long>(y), m, d, static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  return buf;
}

std::optional<std::string> normalize_time(std::string_view s) {
  auto t = parse_time(s);
  if (!t) return std::nullopt;
  return format_time(*t);
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string now_text() { return format_time(now_seconds()); }

}  // namespace qiandao::domain
