// The report as an XLSX workbook. libxlsxwriter calls return error codes; the first one is
// kept and the workbook is still closed (which frees it), so nothing leaks on failure.
#include "transport/report_xlsx.hpp"

#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <string_view>
#include <utility>
#include <vector>

namespace qiandao::transport {

namespace {

// A uniquely named file that is removed when this goes, whatever happened in between.
class temp_file {
 public:
  explicit temp_file(std::string const& dir) {
    std::string name = (std::filesystem::path(dir) / "qiandao-report-XXXXXX.xlsx").string();
    int fd = ::mkstemps(name.data(), 5);
    if (fd < 0) return;
    ::close(fd);
    path_ = std::move(name);
  }
  ~temp_file() {
    std::error_code ignored;  // nothing useful to do when it is gone already
    if (!path_.empty()) std::filesystem::remove(path_, ignored);
  }
  temp_file(temp_file const&) = delete;
  temp_file& operator=(temp_file const&) = delete;
  [[nodiscard]] std::string const& path() const { return path_; }

 private:
  std::string path_;
};

// Width in Excel's character units: a CJK character (three or four UTF-8 bytes) takes two.
std::size_t display_width(std::string_view s) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < s.size();) {
    auto lead = static_cast<unsigned char>(s[i]);
    std::size_t bytes = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    width += bytes >= 3 ? 2 : 1;
    i += bytes;
  }
  return width;
}

struct book {
  lxw_workbook* wb = nullptr;
  lxw_format* bold = nullptr;
  lxw_format* percent = nullptr;
  lxw_error first_error = LXW_NO_ERROR;
  void check(lxw_error e) {
    if (first_error == LXW_NO_ERROR) first_error = e;
  }
};

// One worksheet: a bold header row, frozen, then rows written cell by cell; the column
// widths follow the widest cell (within bounds) when it is finished.
class sheet {
 public:
  sheet(book& b, char const* name, std::initializer_list<char const*> headers) : book_(b) {
    ws_ = workbook_add_worksheet(b.wb, name);
    if (!ws_) {
      auto why = workbook_validate_sheet_name(b.wb, name);
      b.check(why != LXW_NO_ERROR ? why : LXW_ERROR_MEMORY_MALLOC_FAILED);
      return;
    }
    widths_.assign(headers.size(), 0);
    lxw_col_t col = 0;
    for (auto const* h : headers) put(col++, h, b.bold);
  }
  sheet(book& b, std::string const& name, std::vector<std::string> const& headers) : book_(b) {
    ws_ = workbook_add_worksheet(b.wb, name.c_str());
    if (!ws_) {
      b.check(LXW_ERROR_MEMORY_MALLOC_FAILED);
      return;
    }
    widths_.assign(headers.size(), 0);
    lxw_col_t col = 0;
    for (auto const& h : headers) put(col++, h, b.bold);
  }

  void next_row() { ++row_; }
  void text(lxw_col_t col, std::string const& s) {
    if (!s.empty()) put(col, s, nullptr);
  }
  void value(lxw_col_t col, xlsx_cell const& v) {
    if (v.number) number(col, *v.number, nullptr, v.text.size());
    else text(col, v.text);
  }
  void count(lxw_col_t col, std::int64_t n) { number(col, static_cast<double>(n), nullptr, std::to_string(n).size()); }
  void rate(lxw_col_t col, std::optional<double> r) {
    if (r) number(col, *r, book_.percent, 7);  // "100.0%"
  }

  void finish() {
    if (!ws_) return;
    for (std::size_t c = 0; c < widths_.size(); ++c) {
      double width = static_cast<double>(std::clamp<std::size_t>(widths_[c] + 2, 6, 60));
      auto col = static_cast<lxw_col_t>(c);
      book_.check(worksheet_set_column(ws_, col, col, width, nullptr));
    }
    worksheet_freeze_panes(ws_, 1, 0);
  }

 private:
  void put(lxw_col_t col, std::string const& s, lxw_format* f) {
    if (!ws_) return;
    book_.check(worksheet_write_string(ws_, row_, col, s.c_str(), f));
    widen(col, display_width(s));
  }
  void number(lxw_col_t col, double v, lxw_format* f, std::size_t width) {
    if (!ws_) return;
    book_.check(worksheet_write_number(ws_, row_, col, v, f));
    widen(col, width);
  }
  void widen(lxw_col_t col, std::size_t width) {
    if (col < widths_.size()) widths_[col] = std::max(widths_[col], width);
  }

  book& book_;
  lxw_worksheet* ws_ = nullptr;
  lxw_row_t row_ = 0;
  std::vector<std::size_t> widths_;
};

std::string label(std::string const& code, std::initializer_list<std::pair<char const*, char const*>> names) {
  for (auto const& [c, name] : names)
    if (code == c) return name;
  return code;
}

std::string event_kind(std::string const& k) {
  return label(k, {{"conference", "大会"}, {"clinic", "义诊"}, {"lecture", "讲座"},
                   {"competition", "竞赛"}, {"salon", "沙龙"}, {"other", "其他"}});
}
std::string event_status(std::string const& s) {
  return label(s, {{"open", "开放"}, {"closed", "已关闭"}, {"cancelled", "已取消"}});
}
std::string unit_kind(std::string const& k) {
  return label(k, {{"hospital", "医院"}, {"community", "社区卫生服务中心"}, {"cdc", "疾控/监督"},
                   {"office", "机关/科室"}, {"group", "医联体/医疗集团"}, {"other", "其他"}});
}

// "2024-08-19T09:00:00+08:00" → "2024-08-19 09:00": every stored time is in +08:00.
std::string local_minute(std::string const& t) {
  return t.size() >= 16 ? t.substr(0, 10) + " " + t.substr(11, 5) : t;
}

template <class T, class F>
std::string joined(std::vector<T> const& items, F name) {
  std::string out;
  for (auto const& i : items) out += (out.empty() ? "" : "、") + name(i);
  return out;
}

void write_events(book& b, std::vector<domain::report_event> const& events) {
  sheet s(b, "活动 Events",
          {"编号 / ID", "活动 / Event", "类型 / Kind", "地点 / Venue", "开始 / Starts", "结束 / Ends",
           "状态 / Status", "牵头科室 / Lead departments", "容量 / Capacity", "报名 / Registered",
           "候补 / Waitlisted", "签到 / Checked in", "签到率 / Rate", "现场报名 / Walk-ins", "迟到 / Late",
           "请假 / Leave", "服务人次 / Served", "服务项目 / Services"});
  for (auto const& e : events) {
    s.next_row();
    s.count(0, e.id);
    s.text(1, e.title);
    s.text(2, event_kind(e.kind));
    s.text(3, e.venue);
    s.text(4, local_minute(e.starts_at));
    s.text(5, local_minute(e.ends_at));
    s.text(6, event_status(e.status));
    s.text(7, joined(e.lead_departments, [](std::string const& d) { return d; }));
    if (e.capacity) s.count(8, *e.capacity);
    lxw_col_t col = 9;
    for (auto n : {e.registered, e.waitlisted, e.checked_in}) s.count(col++, n);
    s.rate(12, e.rate);
    col = 13;
    for (auto n : {e.walk_ins, e.late, e.leave, e.served}) s.count(col++, n);
    s.text(17, joined(e.services, [](domain::named_count const& v) {
             return v.name + " " + std::to_string(v.served);
           }));
  }
  s.finish();
}

void write_units(book& b, std::vector<domain::report_unit> const& units) {
  sheet s(b, "单位 Units",
          {"编号 / ID", "单位 / Unit", "类型 / Kind", "上级单位 / Parent", "应到 / Expected",
           "报名 / Registered", "实到 / Attended", "参会率 / Rate", "请假 / Leave", "迟到 / Late"});
  for (auto const& u : units) {
    s.next_row();
    s.count(0, u.unit_id);
    s.text(1, u.unit);
    s.text(2, unit_kind(u.kind));
    s.text(3, u.parent.value_or(""));
    s.count(4, u.expected);
    s.count(5, u.registered);
    s.count(6, u.attended);
    s.rate(7, u.rate);
    s.count(8, u.leave);
    s.count(9, u.late);
  }
  s.finish();
}

void write_services(book& b, std::vector<domain::report_service> const& services) {
  sheet s(b, "义诊服务 Services",
          {"活动编号 / Event ID", "活动 / Event", "地点 / Site", "服务项目 / Service", "服务人次 / Served"});
  for (auto const& v : services) {
    s.next_row();
    s.count(0, v.event_id);
    s.text(1, v.event);
    s.text(2, v.site);
    s.text(3, v.service);
    s.count(4, v.served);
  }
  s.finish();
}

void write_departments(book& b, std::vector<domain::report_department> const& departments) {
  sheet s(b, "牵头科室 Departments", {"牵头科室 / Department", "活动数 / Events", "活动 / Event titles"});
  for (auto const& d : departments) {
    s.next_row();
    s.text(0, d.department);
    s.count(1, static_cast<std::int64_t>(d.events.size()));
    s.text(2, joined(d.events, [](domain::event_ref const& e) { return e.title; }));
  }
  s.finish();
}

domain::error write_failed(std::string const& why) {
  return domain::make_error(domain::error_kind::unavailable, "unavailable",
                            "无法生成报表，请稍后重试 / could not write the workbook: " + why);
}

// The formats, the properties and the four sheets, then workbook_close (which writes the
// file and frees the workbook, even after an error). The first error, if any.
lxw_error write_workbook(lxw_workbook* wb, domain::report const& r) {
  book b;
  b.wb = wb;
  b.bold = workbook_add_format(wb);
  b.percent = workbook_add_format(wb);
  if (b.bold && b.percent) {
    format_set_bold(b.bold);
    format_set_bottom(b.bold, LXW_BORDER_THIN);
    format_set_num_format(b.percent, "0.0%");
    std::string title = r.prog.title;  // copied by libxlsxwriter
    lxw_doc_properties props{};
    props.title = title.data();
    b.check(workbook_set_properties(wb, &props));
    write_events(b, r.events);
    write_units(b, r.units);
    write_services(b, r.services);
    write_departments(b, r.departments);
  } else {
    b.check(LXW_ERROR_MEMORY_MALLOC_FAILED);
  }
  b.check(workbook_close(wb));
  return b.first_error;
}

// Writes the workbook `fill` makes into a temporary file and reads the bytes back.
template <class Fill>
domain::result<std::string> workbook_bytes(std::string const& temp_dir, Fill fill) {
  temp_file file(temp_dir);
  if (file.path().empty()) return write_failed("no temporary file in " + temp_dir);
  std::string tmpdir = temp_dir;  // libxlsxwriter's own scratch files go there too
  lxw_workbook_options options{};
  options.tmpdir = tmpdir.data();
  auto* wb = workbook_new_opt(file.path().c_str(), &options);
  if (!wb) return write_failed("cannot create the workbook");
  if (auto e = fill(wb); e != LXW_NO_ERROR) return write_failed(lxw_strerror(e));
  std::ifstream in(file.path(), std::ios::binary);
  if (!in) return write_failed("cannot read the workbook back");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // A short write that libxlsxwriter missed would leave a zip without its directory.
  if (!bytes.starts_with("PK\x03\x04") || bytes.rfind("PK\x05\x06") == std::string::npos)
    return write_failed("the workbook is incomplete");
  return bytes;
}

lxw_error write_tables(lxw_workbook* wb, std::vector<xlsx_table> const& tables) {
  book b;
  b.wb = wb;
  b.bold = workbook_add_format(wb);
  if (b.bold) {
    format_set_bold(b.bold);
    format_set_bottom(b.bold, LXW_BORDER_THIN);
    for (auto const& t : tables) {
      sheet s(b, t.name, t.headers);
      for (auto const& row : t.rows) {
        s.next_row();
        for (std::size_t c = 0; c < row.size(); ++c) s.value(static_cast<lxw_col_t>(c), row[c]);
      }
      s.finish();
    }
  } else {
    b.check(LXW_ERROR_MEMORY_MALLOC_FAILED);
  }
  b.check(workbook_close(wb));
  return b.first_error;
}

}  // namespace

domain::result<std::string> report_xlsx(domain::report const& r, std::string const& temp_dir) {
  return workbook_bytes(temp_dir, [&](lxw_workbook* wb) { return write_workbook(wb, r); });
}

domain::result<std::string> tables_xlsx(std::vector<xlsx_table> const& tables, std::string const& temp_dir) {
  return workbook_bytes(temp_dir, [&](lxw_workbook* wb) { return write_tables(wb, tables); });
}

}  // namespace qiandao::transport
