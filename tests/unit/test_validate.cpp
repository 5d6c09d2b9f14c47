// Field rules from API.md: phone numbers, resident IDs, masks, ticket codes, times, UTF-8.
#include <array>
#include <cctype>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "domain/validate.hpp"

namespace d = qiandao::domain;

namespace {

// GB 11643: the 18th character is computed from the first 17, so tests build their own IDs
// instead of copying real people's numbers.
char check_digit(std::string const& first17) {
  static constexpr std::array<int, 17> weights{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += (first17[i] - '0') * weights[i];
  return std::string_view("10X98765432")[static_cast<std::size_t>(sum % 11)];
}

std::string resident_id(std::string const& region, std::string const& birth, std::string const& seq) {
  std::string first17 = region + birth + seq;
  return first17 + check_digit(first17);
}

// The wrong check character for an ID: any other of the eleven.
std::string with_wrong_check(std::string id) {
  id[17] = id[17] == '0' ? '1' : '0';
  return id;
}

constexpr std::string_view crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

}  // namespace

TEST_CASE("normalize_phone accepts mainland mobiles however they are written", "[validate][phone]") {
  CHECK(d::normalize_phone("13800138000") == "13800138000");
  CHECK(d::normalize_phone("+86 138 0013 8000") == "13800138000");
  CHECK(d::normalize_phone("+8613800138000") == "13800138000");
  CHECK(d::normalize_phone("0086 138-0013-8000") == "13800138000");
  CHECK(d::normalize_phone("008613800138000") == "13800138000");
  CHECK(d::normalize_phone("138-1234-5678") == "13812345678");
  CHECK(d::normalize_phone(" (138) 1234 5678 ") == "13812345678");
  CHECK(d::normalize_phone("199.1234.5678") == "19912345678");
}

TEST_CASE("normalize_phone refuses what is not a mainland mobile", "[validate][phone]") {
  CHECK_FALSE(d::normalize_phone(""));
  CHECK_FALSE(d::normalize_phone("1380013800"));      // 10 digits
  CHECK_FALSE(d::normalize_phone("138001380001"));    // 12 digits
  CHECK_FALSE(d::normalize_phone("23800138000"));     // does not start with 1
  CHECK_FALSE(d::normalize_phone("12800138000"));     // no 12x mobile prefix
  CHECK_FALSE(d::normalize_phone("021-6888-8888"));   // a Shanghai landline
  CHECK_FALSE(d::normalize_phone("138a0013800"));     // letters
  CHECK_FALSE(d::normalize_phone("138\xEF\xBC\x90" "0013800"));  // a full-width digit
  CHECK_FALSE(d::normalize_phone("138+00138000"));    // '+' only leads
  CHECK_FALSE(d::normalize_phone("+86 138 0013 8000 1"));
}

// With a leading '+' the digits after it are a country code, which must be 86: "+1 415 555 0100"
// is a US number, not the mainland mobile 14155550100.
TEST_CASE("normalize_phone refuses an international number with another country code", "[validate][phone]") {
  CHECK_FALSE(d::normalize_phone("+1 415 555 0100"));
  CHECK_FALSE(d::normalize_phone("+14155550100"));
  CHECK(d::normalize_phone("+86 145 5555 0100") == "14555550100");
}

TEST_CASE("normalize_id_number checks length, birth date and the ISO 7064 checksum", "[validate][id]") {
  std::string const id = resident_id("310101", "19900307", "123");
  REQUIRE(d::normalize_id_number(id) == id);
  CHECK(d::normalize_id_number("  " + id + " ") == id);  // trimmed
  CHECK(check_digit("11010519491231002") == 'X');         // the GB 11643 worked example
  CHECK(d::normalize_id_number("11010519491231002X") == "11010519491231002X");

  SECTION("a wrong check character is refused") {
    CHECK_FALSE(d::normalize_id_number(with_wrong_check(id)));
    CHECK_FALSE(d::normalize_id_number(with_wrong_check("11010519491231002X")));
  }
  SECTION("lowercase x is read as X") {
    CHECK(d::normalize_id_number("11010519491231002x") == "11010519491231002X");
  }
  SECTION("impossible birth dates are refused even with a matching checksum") {
    CHECK_FALSE(d::normalize_id_number(resident_id("310101", "19990229", "123")));  // not a leap year
    CHECK_FALSE(d::normalize_id_number(resident_id("310101", "19901301", "123")));  // month 13
    CHECK_FALSE(d::normalize_id_number(resident_id("310101", "19900431", "123")));  // 31 April
    CHECK_FALSE(d::normalize_id_number(resident_id("310101", "19900100", "123")));  // day 0
    CHECK_FALSE(d::normalize_id_number(resident_id("310101", "18991231", "123")));  // before 1900
    CHECK(d::normalize_id_number(resident_id("310101", "20000229", "123")));        // leap year
  }
  SECTION("wrong shapes are refused") {
    CHECK_FALSE(d::normalize_id_number(""));
    CHECK_FALSE(d::normalize_id_number(id.substr(0, 17)));
    CHECK_FALSE(d::normalize_id_number(id + "0"));
    CHECK_FALSE(d::normalize_id_number("31010119900307123Y"));
    CHECK_FALSE(d::normalize_id_number("3101011990030712X" + std::string(1, check_digit("3101011990030712X"))));
  }
}

TEST_CASE("masks hide the middle of names, phones and ID numbers", "[validate][mask]") {
  CHECK(d::mask_name("张三明") == "张*明");
  CHECK(d::mask_name("张明") == "张*");
  CHECK(d::mask_name("欧阳娜娜") == "欧**娜");  // first and last character kept, never mid-character
  CHECK(d::mask_name("张") == "*");
  CHECK(d::mask_name("") == "");
  CHECK(d::mask_name("Wang Fang") == "W*******g");
  CHECK(d::mask_phone("13812345678") == "138****5678");
  CHECK(d::mask_id_number(resident_id("310101", "19900307", "123")).starts_with("310***********"));
  CHECK(d::mask_id_number("310101199003071234") == "310***********1234");
  CHECK(d::mask_phone("123") == "***");  // too short to show anything
}

TEST_CASE("ticket codes are 26 unambiguous Crockford characters and never repeat", "[validate][code]") {
  std::set<std::string> seen;
  std::set<char> symbols;
  for (int i = 0; i < 2000; ++i) {
    std::string code = d::new_ticket_code();
    seen.insert(code);
    symbols.insert(code.begin(), code.end());
    if (code.size() != 26 || code.find_first_not_of(crockford) != std::string::npos ||
        d::normalize_code(code) != code)  // a clean code passes unchanged
      FAIL("bad ticket code: " << code);
  }
  CHECK(seen.size() == 2000);
  CHECK(symbols.size() == crockford.size());  // every symbol turns up: not a narrow generator
}

TEST_CASE("normalize_code undoes what a keyboard-wedge scanner or a person changes", "[validate][code]") {
  CHECK(d::normalize_code("abcdefghjk") == "ABCDEFGHJK");
  CHECK(d::normalize_code("O0o") == "000");
  CHECK(d::normalize_code("IiLl1") == "11111");
  CHECK(d::normalize_code("7ZK4-QX9P 2M") == "7ZK4QX9P2M");
  std::string code = d::new_ticket_code();
  std::string typed;
  for (char c : code) typed += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  CHECK(d::normalize_code(typed) == code);
}

TEST_CASE("secret tokens carry 256 bits in a URL-safe alphabet", "[validate][token]") {
  std::string a = d::new_secret_token(), b = d::new_secret_token();
  CHECK(a.size() == 43);
  CHECK(a != b);
  for (char c : a) CHECK((std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'));
}

TEST_CASE("times are normalised to Asia/Shanghai +08:00", "[validate][time]") {
  CHECK(d::normalize_time("2024-08-19T09:30:00+08:00") == "2024-08-19T09:30:00+08:00");
  CHECK(d::normalize_time("2024-08-19T01:30:00Z") == "2024-08-19T09:30:00+08:00");
  CHECK(d::normalize_time("2024-08-19T01:30:00z") == "2024-08-19T09:30:00+08:00");
  CHECK(d::normalize_time("2024-08-18T20:30:00-05:00") == "2024-08-19T09:30:00+08:00");
  CHECK(d::normalize_time("2024-08-19T10:30:00+09:00") == "2024-08-19T09:30:00+08:00");
  CHECK(d::normalize_time("2024-08-19T06:00:00+05:30") == "2024-08-19T08:30:00+08:00");
  CHECK(d::normalize_time("2024-08-19T20:00:00Z") == "2024-08-20T04:00:00+08:00");  // next day
  CHECK(d::normalize_time("2024-12-31T16:00:00Z") == "2025-01-01T00:00:00+08:00");  // next year
  CHECK(d::normalize_time("2024-08-19T01:30:00.250Z") == "2024-08-19T09:30:00+08:00");

  SECTION("no offset means Shanghai time") {
    CHECK(d::normalize_time("2024-08-19T09:30:00") == "2024-08-19T09:30:00+08:00");
    CHECK(d::normalize_time("2024-08-19 09:30") == "2024-08-19T09:30:00+08:00");
  }
  SECTION("malformed or impossible times are refused") {
    CHECK_FALSE(d::normalize_time(""));
    CHECK_FALSE(d::normalize_time("2024-08-19"));
    CHECK_FALSE(d::normalize_time("tomorrow 9am"));
    CHECK_FALSE(d::normalize_time("2024-02-30T09:00:00+08:00"));
    CHECK_FALSE(d::normalize_time("2024-08-19T24:00:00+08:00"));
    CHECK_FALSE(d::normalize_time("2024-08-19T09:60:00+08:00"));
    CHECK_FALSE(d::normalize_time("2024-08-19T09:30:00+0800"));
    CHECK_FALSE(d::normalize_time("2024-08-19T09:30:00+08:00x"));
    CHECK_FALSE(d::normalize_time("2024-08-19T09:30:00."));
  }
  SECTION("parse_time and format_time agree with the Unix epoch") {
    CHECK(d::parse_time("1970-01-01T00:00:00Z") == 0);
    CHECK(d::parse_time("1970-01-01T08:00:00+08:00") == 0);
    CHECK(d::parse_time("2024-08-19T09:30:00+08:00") == 1724031000);
    CHECK(d::format_time(1724031000) == "2024-08-19T09:30:00+08:00");
    auto const now = d::now_seconds();
    auto const parsed = d::parse_time(d::now_text());
    REQUIRE(parsed);
    CHECK(*parsed >= now);
    CHECK(*parsed <= now + 1);  // the clock may tick between the two calls
  }
}

TEST_CASE("is_valid_utf8 accepts text and refuses broken byte sequences", "[validate][utf8]") {
  CHECK(d::is_valid_utf8(""));
  CHECK(d::is_valid_utf8("plain ascii"));
  CHECK(d::is_valid_utf8("青浦区卫生健康系统"));
  CHECK(d::is_valid_utf8("\xF0\x9F\x8F\xA5"));         // U+1F3E5, four bytes
  CHECK(d::is_valid_utf8("\xF4\x8F\xBF\xBF"));         // U+10FFFF, the last code point
  CHECK_FALSE(d::is_valid_utf8("\xE9\x9D"));           // truncated 青
  CHECK_FALSE(d::is_valid_utf8("ab\xE9"));             // truncated at the end
  CHECK_FALSE(d::is_valid_utf8("\xC3\x28"));           // bad continuation byte
  CHECK_FALSE(d::is_valid_utf8("\x80"));               // lone continuation byte
  CHECK_FALSE(d::is_valid_utf8("\xC0\xAF"));           // overlong '/'
  CHECK_FALSE(d::is_valid_utf8("\xE0\x80\xAF"));       // overlong '/', three bytes
  CHECK_FALSE(d::is_valid_utf8("\xED\xA0\x80"));       // UTF-16 surrogate
  CHECK_FALSE(d::is_valid_utf8("\xF4\x90\x80\x80"));   // past U+10FFFF
  CHECK_FALSE(d::is_valid_utf8("\xFF"));
  CHECK_FALSE(d::is_valid_utf8("\xB6\xFE\xCA\xB1"));   // GB18030 bytes, not UTF-8
}

TEST_CASE("utf8_length counts code points and trim removes full-width spaces", "[validate][utf8]") {
  CHECK(d::utf8_length("张三abc") == 5);
  CHECK(d::utf8_length("") == 0);
  CHECK(d::trim("  张三\t") == "张三");
  CHECK(d::trim("\xE3\x80\x80张三\xE3\x80\x80") == "张三");
  CHECK(d::trim(" \r\n ") == "");
}

TEST_CASE("has_control_chars finds C0 and DEL and C1 and lets a multi-line field keep its newlines", "[validate][utf8]") {
  using namespace std::string_literals;
  CHECK_FALSE(d::has_control_chars("青浦区中心医院 A-1 (门诊)"));
  CHECK_FALSE(d::has_control_chars("\xC2\xA0\xC2\xA9"));  // U+00A0, U+00A9: past C1
  for (auto const& bad : {"a\0b"s, "\x1b[31m"s, "a\tb"s, "a\x7f"s, "a\xC2\x80"s, "a\xC2\x9F"s, "\x01"s}) {
    INFO(bad.size());
    CHECK(d::has_control_chars(bad));
    CHECK(d::has_control_chars(bad, true));
  }
  CHECK(d::has_control_chars("a\nb"));
  CHECK(d::has_control_chars("a\r\nb"));
  CHECK_FALSE(d::has_control_chars("a\nb\r\nc\n", true));
  CHECK(d::has_control_chars("a\rb", true));  // a lone CR is not a line break
  CHECK(d::has_control_chars("a\r", true));
}

TEST_CASE("a time whose +08:00 form leaves 1900-2200 is refused, so stored times always parse", "[validate][time]") {
  CHECK_FALSE(d::normalize_time("1900-01-01T00:00+14:00"));
  CHECK_FALSE(d::normalize_time("2200-12-31T23:59-14:00"));
  REQUIRE(d::normalize_time("1900-01-01T08:00+08:00"));
  CHECK(d::parse_time(*d::normalize_time("1900-01-01T08:00+08:00")));
}
