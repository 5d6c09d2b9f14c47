#pragma once
// Registration lists from Excel: CSV in UTF-8 (with or without BOM) or GB18030, which is
// what Excel on a Chinese Windows writes. Columns are found by their header, in Chinese or
// English, in any order.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/model.hpp"
#include "domain/result.hpp"
#include "domain/store.hpp"

namespace qiandao::domain {

struct csv_row {
  int line = 0;  // 1-based line in the file, the header being line 1
  registration_input in;
};

struct csv_rejection {
  int line = 0;
  std::string reason;
};

struct parsed_csv {
  std::vector<csv_row> rows;
  std::vector<csv_rejection> rejected;  // lines that could not even be read
};

struct import_report {
  bool dry_run = true;
  int accepted = 0;
  int waitlisted = 0;
  std::vector<csv_rejection> rejected;
};

// Bytes → UTF-8 text: a UTF-8 BOM is dropped; text that is not UTF-8 is read as GB18030.
result<std::string> decode_csv_text(std::string_view bytes);

// RFC 4180 fields (quotes, doubled quotes, commas and newlines inside quotes, CRLF or LF).
std::vector<std::vector<std::string>> parse_csv(std::string_view text);

// A CSV file decoded and split, with its columns found by the header row (line 1).
struct csv_sheet {
  std::vector<std::vector<std::string>> rows;  // rows[0] is the header
  std::map<std::string, std::size_t> column;   // our field name → its column
  // The row's value for `field`, trimmed; empty when the column is absent or the row short.
  [[nodiscard]] std::string get(std::vector<std::string> const& row, std::string const& field) const;
};

// Decodes, parses and maps the header through `field_for` (a header → one of our field
// names). An empty file, or one without every `required` field, is refused (422).
result<csv_sheet> read_csv_sheet(std::string_view bytes,
                                 std::optional<std::string> (*field_for)(std::string header),
                                 std::vector<std::string> const& required, std::string const& what);

// Finds the columns by header and reads each line; a file without a name or phone column
// is refused whole (422).
result<parsed_csv> read_registration_csv(std::string_view bytes);

// Registers each row in its own savepoint, so bad rows are reported and good rows kept.
// The caller rolls the whole thing back for a dry run.
import_report import_registrations(store& s, actor const& who, id_t event_id,
                                   parsed_csv const& csv, bool dry_run);

// One CSV field, quoted when it must be, and with a leading ' when a spreadsheet would
// otherwise read it as a formula.
std::string csv_field(std::string_view v);
// A validated ID or phone number as ="…" (quoted for CSV), so Excel keeps it as text with
// every digit; csv_sheet::get reads that form back. Only for values of digits and X.
std::string csv_digits_field(std::string_view v);

}  // namespace qiandao::domain
