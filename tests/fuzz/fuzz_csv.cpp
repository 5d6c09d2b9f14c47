// The registration-list importer on arbitrary bytes, and the CSV writer against the reader.
// The first byte chooses:
//   even: read_registration_csv (UTF-8, BOM or GB18030, then RFC 4180) and parse_csv;
//   odd:  values drawn from the rest are written with csv_field and read back with
//         parse_csv, which must give the values again (a formula-looking value comes back
//         with the ' that csv_field puts in front of it).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "domain/csv_import.hpp"
#include "domain/validate.hpp"
#include "fuzz_check.hpp"

namespace {

namespace d = qiandao::domain;
using qiandao::fuzz::fail;
using rows = std::vector<std::vector<std::string>>;

std::string show(rows const& r) {
  std::string out;
  for (auto const& row : r) {
    out += "[";
    for (auto const& f : row) out += "<" + f + ">";
    out += "]";
  }
  return out;
}

void read_file(std::string_view bytes) {
  auto text = d::decode_csv_text(bytes);
  if (text && !d::is_valid_utf8(text.value())) fail("decode_csv_text gives UTF-8", text.value());
  auto csv = d::read_registration_csv(bytes);
  if (csv && !text) fail("read_registration_csv reads only what decode_csv_text decodes", bytes);
  if (!csv) {
    if (csv.err().kind != d::error_kind::invalid) fail("CSV refusals are 422s", csv.err().code);
    return;
  }
  auto all = d::parse_csv(text.value());
  int last = 1;
  for (auto const& row : csv->rows) {
    if (row.line <= last || static_cast<std::size_t>(row.line) > all.size())
      fail("rows come in order with their line numbers", std::to_string(row.line));
    last = row.line;
    for (auto const* f : {&row.in.name, &row.in.phone, &row.in.organization, &row.in.category})
      if (!d::is_valid_utf8(*f)) fail("imported fields are UTF-8", *f);
  }
}

// The values a spreadsheet shows for what csv_field wrote.
std::string shown(std::string const& v) {
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) return "'" + v;
  return v;
}

void round_trip(FuzzedDataProvider& in) {
  rows values, expected;
  std::string text;
  std::string const eol = in.ConsumeBool() ? "\r\n" : "\n";
  bool final_eol = in.ConsumeBool();
  std::size_t n_rows = in.ConsumeIntegralInRange<std::size_t>(1, 8);
  for (std::size_t r = 0; r < n_rows && in.remaining_bytes() > 0; ++r) {
    std::vector<std::string> row, want;
    std::size_t n_fields = in.ConsumeIntegralInRange<std::size_t>(1, 8);
    std::string line;
    for (std::size_t i = 0; i < n_fields; ++i) {
      auto v = in.ConsumeRandomLengthString(64);
      if (i > 0) line += ',';
      line += d::csv_field(v);
      want.push_back(shown(v));
      row.push_back(std::move(v));
    }
    if (r > 0) text += eol;
    text += line;
    values.push_back(std::move(row));
    expected.push_back(std::move(want));
  }
  if (values.empty()) return;
  if (final_eol) text += eol;
  // Without a line end, an empty last line is no line at all: the one place where text
  // cannot say the difference.
  if (!final_eol && expected.back() == std::vector<std::string>{""}) expected.pop_back();
  auto got = d::parse_csv(text);
  if (got != expected) fail("parse_csv reads back what csv_field wrote", show(values) + " => " + text + " => " + show(got));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  if (size == 0) return 0;
  if (data[0] % 2 == 0) {
    read_file(std::string_view(reinterpret_cast<char const*>(data + 1), size - 1));
  } else {
    FuzzedDataProvider in(data + 1, size - 1);
    round_trip(in);
  }
  return 0;
}
