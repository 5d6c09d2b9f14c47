// Phone numbers, resident IDs, ticket codes, times and the masks, on arbitrary bytes.
// Properties: every normalize_* output is a fixed point; a mask of an 11-digit phone or an
// 18-character ID never gives the input back; format_time(parse_time(x)) is what
// normalize_time(x) says, and reads back as the same instant; is_valid_utf8 agrees with
// nlohmann/json's UTF-8 check.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "domain/validate.hpp"
#include "fuzz_check.hpp"

namespace {

namespace d = qiandao::domain;
using qiandao::fuzz::fail;

bool is_digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// The characters a mask hides: all but the first three and the last four.
bool middle_hidden(std::string_view mask, std::size_t size) {
  if (mask.size() != size) return false;
  for (std::size_t i = 3; i + 4 < size; ++i)
    if (mask[i] != '*') return false;
  return true;
}

bool middle_all_stars(std::string_view s) { return middle_hidden(s, s.size()); }

void check_phone(std::string_view in) {
  auto p = d::normalize_phone(in);
  if (!p) return;
  if (p->size() != 11 || !is_digits(*p) || (*p)[0] != '1') fail("normalize_phone gives 11 digits from 1", *p);
  if (d::normalize_phone(*p) != p) fail("normalize_phone is a fixed point", *p);
}

void check_id(std::string_view in) {
  auto id = d::normalize_id_number(in);
  if (!id) return;
  if (id->size() != 18 || !is_digits(std::string_view(*id).substr(0, 17)))
    fail("normalize_id_number gives 17 digits and a check character", *id);
  if (d::normalize_id_number(*id) != id) fail("normalize_id_number is a fixed point", *id);
}

void check_masks(std::string_view in) {
  // An 11-digit phone made from the input, and the input itself when it has 11 bytes.
  if (in.size() >= 11) {
    std::string phone;
    for (std::size_t i = 0; i < 11; ++i) phone += static_cast<char>('0' + static_cast<unsigned char>(in[i]) % 10);
    auto m = d::mask_phone(phone);
    if (m.find(phone) != std::string::npos || !middle_hidden(m, 11)) fail("mask_phone hides digits 4-7", phone + " -> " + m);
  }
  if (in.size() == 11 && !middle_all_stars(in)) {
    auto m = d::mask_phone(in);
    if (m.find(in) != std::string::npos || !middle_hidden(m, 11)) fail("mask_phone hides the middle", m);
  }
  if (in.size() >= 18) {
    std::string id;
    for (std::size_t i = 0; i < 18; ++i) id += "0123456789X"[static_cast<unsigned char>(in[i]) % 11];
    auto m = d::mask_id_number(id);
    if (m.find(id) != std::string::npos || !middle_hidden(m, 18)) fail("mask_id_number hides 11 characters", id + " -> " + m);
  }
  if (in.size() == 18 && !middle_all_stars(in)) {
    auto m = d::mask_id_number(in);
    if (m.find(in) != std::string::npos || !middle_hidden(m, 18)) fail("mask_id_number hides the middle", m);
  }
  auto name = d::mask_name(in);
  if (d::is_valid_utf8(in)) {
    if (!d::is_valid_utf8(name)) fail("mask_name keeps UTF-8 valid", name);
    if (d::utf8_length(name) != d::utf8_length(in)) fail("mask_name keeps the length in characters", name);
    if (!in.empty() && in.find('*') == std::string_view::npos && name.find(in) != std::string::npos)
      fail("mask_name hides something", name);
  }
}

void check_code(std::string_view in) {
  auto c = d::normalize_code(in);
  if (d::normalize_code(c) != c) fail("normalize_code is a fixed point", c);
  for (char ch : c)
    if ((ch >= 'a' && ch <= 'z') || ch == 'O' || ch == 'I' || ch == 'L' || ch == '-' || ch == ' ')
      fail("normalize_code leaves no ambiguous character", c);
}

void check_time(std::string_view in) {
  auto t = d::parse_time(in);
  auto n = d::normalize_time(in);
  if (t.has_value() != n.has_value()) fail("parse_time and normalize_time agree", in);
  if (!t) return;
  if (*n != d::format_time(*t)) fail("normalize_time is format_time(parse_time)", *n);
  if (n->size() != 25 || !n->ends_with("+08:00") || (*n)[10] != 'T')
    fail("normalize_time writes YYYY-MM-DDTHH:MM:SS+08:00", *n);
  // The stored form must be accepted where it came from, meaning the same instant.
  if (d::parse_time(*n) != t) fail("parse_time(normalize_time(x)) == parse_time(x)", std::string(in) + " -> " + *n);
  if (d::normalize_time(*n) != n) fail("normalize_time is a fixed point", std::string(in) + " -> " + *n);
}

void check_text(std::string_view in) {
  auto t = d::trim(in);
  if (t.size() > in.size() || in.find(t) == std::string_view::npos) fail("trim returns a slice of its input", t);
  if (d::is_valid_utf8(in) && !d::is_valid_utf8(t)) fail("trim keeps UTF-8 valid", t);
  // nlohmann/json checks UTF-8 by RFC 3629's table: the reference for is_valid_utf8, on text
  // that needs no escaping inside a JSON string.
  bool plain = true;
  for (char c : in) plain = plain && static_cast<unsigned char>(c) >= 0x20 && c != '"' && c != '\\';
  if (plain && d::is_valid_utf8(in) != nlohmann::json::accept("\"" + std::string(in) + "\""))
    fail("is_valid_utf8 agrees with RFC 3629", in);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view in(reinterpret_cast<char const*>(data), size);
  check_phone(in);
  check_id(in);
  check_masks(in);
  check_code(in);
  check_time(in);
  check_text(in);
  return 0;
}
