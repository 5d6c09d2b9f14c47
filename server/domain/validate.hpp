#pragma once
// Field rules from API.md: phone numbers, resident IDs, ticket codes, times, and the masks
// that keep personal data off the board, the kiosk and the logs.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace qiandao::domain {

// "+86 138-1234-5678" → "13812345678"; empty when not a mainland mobile number.
std::optional<std::string> normalize_phone(std::string_view raw);

// 18-character resident ID with a valid birth date and ISO 7064 checksum; "x" → "X".
std::optional<std::string> normalize_id_number(std::string_view raw);

// Masks: 张*明 / 张*, 138****5678, 310***********1234.
std::string mask_name(std::string_view name);
std::string mask_phone(std::string_view phone);
std::string mask_id_number(std::string_view id);

// Ticket codes: 26 Crockford base-32 characters (130 bits from the OS CSPRNG). A scanner
// typing as a keyboard may change case or read O for 0: normalize_code undoes that.
std::string new_ticket_code();
std::string normalize_code(std::string_view raw);
// A random token for sessions and devices (256 bits, URL-safe).
std::string new_secret_token();

// Number of Unicode code points; invalid UTF-8 counts as not valid text.
bool is_valid_utf8(std::string_view s);
std::size_t utf8_length(std::string_view s);
// C0 (U+0000–U+001F, U+007F) and C1 (U+0080–U+009F) control characters: a NUL cuts text
// short in C tools and an ESC sequence repaints the terminal that shows a log or an export.
// A multi-line field (allow_newline) may hold "\n" and "\r\n". Expects valid UTF-8.
bool has_control_chars(std::string_view s, bool allow_newline = false);
inline constexpr char const* control_chars_message = "不能含控制字符 / must not contain control characters";
std::string trim(std::string_view s);

// Times are stored as "YYYY-MM-DDTHH:MM:SS+08:00" (Asia/Shanghai has had no DST since 1991),
// so text order is time order. Input without an offset is read as Asia/Shanghai.
std::optional<std::string> normalize_time(std::string_view rfc3339);
std::optional<std::int64_t> parse_time(std::string_view rfc3339);  // Unix seconds
std::string format_time(std::int64_t unix_seconds);
std::string now_text();
std::int64_t now_seconds();

}  // namespace qiandao::domain
