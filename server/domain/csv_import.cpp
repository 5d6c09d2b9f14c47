#include "domain/csv_import.hpp"

#include <iconv.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <map>
#include <memory>

#include "domain/registrations.hpp"
#include "domain/validate.hpp"

namespace qiandao::domain {

namespace {

std::optional<std::string> from_gb18030(std::string_view in) {
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::unique_ptr<void, int (*)(iconv_t)> guard(cd, iconv_close);
  std::string out(in.size() * 2 + 16, '\0');
  char* src = const_cast<char*>(in.data());  // iconv's API is not const-correct
  std::size_t src_left = in.size();
  char* dst = out.data();
  std::size_t dst_left = out.size();
  while (src_left > 0) {
    if (iconv(cd, &src, &src_left, &dst, &dst_left) == static_cast<std::size_t>(-1)) {
      if (errno != E2BIG) return std::nullopt;
      std::size_t used = static_cast<std::size_t>(dst - out.data());
      out.resize(out.size() * 2);
      dst = out.data() + used;
      dst_left = out.size() - used;
    }
  }
  out.resize(static_cast<std::size_t>(dst - out.data()));
  return out;
}

// Header names, Chinese and English, mapped to our fields.
std::optional<std::string> field_for(std::string header) {
  header = trim(header);
  for (auto& c : header)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  static std::map<std::string, std::string> const names{
      {"姓名", "name"},           {"name", "name"},           {"手机号", "phone"},
      {"手机", "phone"},          {"手机号码", "phone"},      {"电话", "phone"},
      {"联系电话", "phone"},      {"phone", "phone"},         {"工作单位", "organization"},
      {"单位", "organization"},   {"社区", "organization"},   {"organization", "organization"},
      {"类别", "category"},       {"身份", "category"},       {"category", "category"},
      {"身份证号", "id_number"},  {"身份证", "id_number"},    {"身份证号码", "id_number"},
      {"id_number", "id_number"}};
  auto it = names.find(header);
  if (it == names.end()) return std::nullopt;
  return it->second;
}

bool blank(std::vector<std::string> const& row) {
  for (auto const& f : row)
    if (!trim(f).empty()) return false;
  return true;
}

}  // namespace

result<std::string> decode_csv_text(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  if (is_valid_utf8(bytes)) return std::string(bytes);
  if (auto text = from_gb18030(bytes)) return *text;
  return make_error(error_kind::invalid, "bad_encoding",
                    "文件编码无法识别，请另存为 UTF-8 或 GB18030 的 CSV / save the file as UTF-8 or GB18030 CSV");
}

std::vector<std::vector<std::string>> parse_csv(std::string_view text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    any = true;
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      any = false;
    } else {
      field += c;
    }
  }
  if (any) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string csv_sheet::get(std::vector<std::string> const& row, std::string const& field) const {
  auto it = column.find(field);
  if (it == column.end() || it->second >= row.size()) return "";
  auto v = trim(row[it->second]);
  // ="…", as our own export writes ID and phone numbers so Excel keeps every digit.
  if (v.size() >= 3 && v.starts_with("=\"") && v.ends_with("\"")) v = trim(v.substr(2, v.size() - 3));
  return v;
}

result<csv_sheet> read_csv_sheet(std::string_view bytes, std::optional<std::string> (*field_for)(std::string header),
                                 std::vector<std::string> const& required, std::string const& what) {
  auto text = decode_csv_text(bytes);
  if (!text) return text.err();
  csv_sheet sheet;
  sheet.rows = parse_csv(text.value());
  if (sheet.rows.empty()) return make_error(error_kind::invalid, "empty", "文件是空的 / the file is empty");
  for (std::size_t i = 0; i < sheet.rows[0].size(); ++i)
    if (auto f = field_for(sheet.rows[0][i])) sheet.column.emplace(*f, i);
  for (auto const& r : required)
    if (!sheet.column.contains(r)) {
      error e = make_error(error_kind::invalid, "missing_columns", "第 1 行须为表头，至少包含" + what);
      e.fields["file"] = "缺少“" + r + "”列 / no " + r + " column";
      return e;
    }
  return sheet;
}

result<parsed_csv> read_registration_csv(std::string_view bytes) {
  auto sheet = read_csv_sheet(bytes, field_for, {"name", "phone"}, "“姓名”和“手机号” / line 1 must be a header with name and phone");
  if (!sheet) return sheet.err();
  auto const& rows = sheet->rows;
  auto get = [&](std::vector<std::string> const& r, char const* f) { return sheet->get(r, f); };
  parsed_csv out;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (blank(rows[i])) continue;
    registration_input in{get(rows[i], "name"), get(rows[i], "phone"), get(rows[i], "organization"),
                          get(rows[i], "category"), std::nullopt, std::nullopt};
    if (auto id = get(rows[i], "id_number"); !trim(id).empty()) in.id_number = id;
    out.rows.push_back({static_cast<int>(i + 1), std::move(in)});
  }
  return out;
}

import_report import_registrations(store& s, actor const& who, id_t event_id,
                                   parsed_csv const& csv, bool dry_run) {
  import_report report;
  report.dry_run = dry_run;
  report.rejected = csv.rejected;
  // No savepoint per row: register_participant writes nothing when it refuses. And the
  // event's counters are written once, from a ledger (see place_ledger), with its row held
  // from the start. On PostgreSQL a savepoint per row and a counter update per row made an
  // import quadratic: 3,000 rows took 15.7 s and 6,000 took 68 s, and the event's
  // check-ins waited on its row all along.
  s.hold_event(event_id);
  // Likewise its rows' door revisions: one step, not one update of the event row per row.
  auto revisions = s.reserve_door_revisions(event_id, static_cast<std::int64_t>(csv.rows.size()));
  std::optional<place_ledger> ledger;
  if (auto ev = s.find_event(event_id)) ledger.emplace(place_ledger{std::move(*ev)});
  for (auto const& row : csv.rows) {
    auto r = register_participant(s, who, event_id, row.in, "import", ledger ? &*ledger : nullptr);
    if (!r) {
      std::string reason = r.err().message;
      for (auto const& [field, why] : r.err().fields) reason += "；" + field + ": " + why;
      report.rejected.push_back({row.line, reason});
      continue;
    }
    ++report.accepted;
    if (r->status == "waitlisted") ++report.waitlisted;
  }
  if (ledger && (ledger->confirmed != 0 || ledger->waitlisted != 0))
    s.adjust_counts(event_id, ledger->confirmed, ledger->waitlisted, 0);
  std::sort(report.rejected.begin(), report.rejected.end(),
            [](auto const& a, auto const& b) { return a.line < b.line; });
  return report;
}

std::string csv_field(std::string_view v) {
  std::string s(v);
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s.insert(s.begin(), '\'');
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_digits_field(std::string_view v) {
  if (v.empty()) return "";
  return "\"=\"\"" + std::string(v) + "\"\"\"";
}

}  // namespace qiandao::domain
