#pragma once
// Reads an .xlsx back, as a spreadsheet program would have to: `unzip -p` for the parts,
// then just enough XML for the sheets in workbook order, their cell values (shared
// strings, inline strings, numbers) and each cell's style (number format, bold). Throws
// std::runtime_error on anything it cannot read; no Catch macros.
#include <sys/wait.h>

#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qiandao::test {

// The command's exit status and standard output.
inline std::pair<int, std::string> run_command(std::string const& cmd) {
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("popen failed: " + cmd);
  std::string out;
  char buf[8192];
  while (auto n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

inline std::string unzip_part(std::string const& file, std::string const& part) {
  auto [rc, out] = run_command("unzip -p '" + file + "' '" + part + "' 2>/dev/null");
  if (rc != 0 || out.empty()) throw std::runtime_error("unzip -p " + file + " " + part + ": exit " + std::to_string(rc));
  return out;
}

struct xml_element {
  std::string attrs, body;
};

// Every <tag …>…</tag> or <tag …/> in `xml`, in order (the tag must not nest in itself).
inline std::vector<xml_element> xml_elements(std::string_view xml, std::string_view tag) {
  std::vector<xml_element> out;
  std::string open = "<" + std::string(tag), close = "</" + std::string(tag) + ">";
  for (std::size_t at = xml.find(open); at != std::string_view::npos; at = xml.find(open, at + 1)) {
    auto after = at + open.size();
    if (after >= xml.size() || (xml[after] != ' ' && xml[after] != '>' && xml[after] != '/')) continue;
    auto end = xml.find('>', after);
    if (end == std::string_view::npos) throw std::runtime_error("unterminated <" + std::string(tag));
    bool empty = xml[end - 1] == '/';
    xml_element e{std::string(xml.substr(after, end - after - (empty ? 1 : 0))), ""};
    if (!empty) {
      auto stop = xml.find(close, end);
      if (stop == std::string_view::npos) throw std::runtime_error("no " + close);
      e.body = std::string(xml.substr(end + 1, stop - end - 1));
    }
    out.push_back(std::move(e));
  }
  return out;
}

inline std::optional<std::string> xml_attr(std::string_view attrs, std::string const& name) {
  auto key = " " + name + "=\"";
  auto at = attrs.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  auto from = at + key.size();
  return std::string(attrs.substr(from, attrs.find('"', from) - from));
}

inline std::string xml_unescape(std::string_view s) {
  static std::pair<std::string_view, std::string_view> const named[] = {
      {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}};
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool done = false;
    for (auto const& [from, to] : named) {
      if (s.substr(i, from.size()) == from) {
        out += to;
        i += from.size() - 1;
        done = true;
        break;
      }
    }
    if (!done) out += s[i];
  }
  return out;
}

// The text of a <si> or <is>: every <t> run joined.
inline std::string runs_text(std::string_view body) {
  std::string out;
  for (auto const& t : xml_elements(body, "t")) out += xml_unescape(t.body);
  return out;
}

struct xlsx_cell {
  std::string text;              // a string cell's text, or a number as written
  std::optional<double> number;  // for numeric cells
  int style = 0;                 // index into the cellXfs of styles.xml
};

struct xlsx_sheet {
  std::string name, xml;
  std::map<int, std::map<int, xlsx_cell>> rows;  // 1-based row → 0-based column → cell

  [[nodiscard]] xlsx_cell const* cell(int row, int col) const {
    auto r = rows.find(row);
    if (r == rows.end()) return nullptr;
    auto c = r->second.find(col);
    return c == r->second.end() ? nullptr : &c->second;
  }
  [[nodiscard]] int last_row() const { return rows.empty() ? 0 : rows.rbegin()->first; }
};

struct xlsx_book {
  std::vector<xlsx_sheet> sheets;  // in workbook order
  std::vector<std::string> xf_format;  // per cellXfs index: number format code
  std::vector<bool> xf_bold;           // per cellXfs index: bold font

  [[nodiscard]] xlsx_sheet const& sheet(std::string const& name) const {
    for (auto const& s : sheets)
      if (s.name == name) return s;
    throw std::runtime_error("no sheet " + name);
  }
  [[nodiscard]] std::string format_of(xlsx_cell const& c) const {
    return c.style >= 0 && static_cast<std::size_t>(c.style) < xf_format.size() ? xf_format[c.style] : "?";
  }
  [[nodiscard]] bool bold(xlsx_cell const& c) const {
    return c.style >= 0 && static_cast<std::size_t>(c.style) < xf_bold.size() && xf_bold[c.style];
  }
};

// "AB12" → column 27 (0-based) and row 12.
inline std::pair<int, int> cell_ref(std::string const& ref) {
  int col = 0;
  std::size_t i = 0;
  for (; i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z'; ++i) col = col * 26 + (ref[i] - 'A' + 1);
  return {col - 1, std::stoi(ref.substr(i))};
}

inline void read_cells(xlsx_sheet& sheet, std::vector<std::string> const& shared) {
  for (auto const& row : xml_elements(sheet.xml, "row")) {
    for (auto const& c : xml_elements(row.body, "c")) {
      auto [col, r] = cell_ref(xml_attr(c.attrs, "r").value_or("?0"));
      xlsx_cell cell;
      cell.style = std::stoi(xml_attr(c.attrs, "s").value_or("0"));
      auto type = xml_attr(c.attrs, "t").value_or("n");
      auto v = xml_elements(c.body, "v");
      std::string value = v.empty() ? "" : xml_unescape(v[0].body);
      if (type == "s") cell.text = shared.at(std::stoul(value));
      else if (type == "inlineStr") cell.text = runs_text(c.body);
      else if (type == "n" && !value.empty()) {
        cell.text = value;
        cell.number = std::stod(value);
      } else cell.text = value;
      sheet.rows[r][col] = std::move(cell);
    }
  }
}

inline void read_styles(xlsx_book& book, std::string const& styles) {
  std::map<int, std::string> formats{{0, "General"}, {9, "0%"}, {10, "0.00%"}};
  for (auto const& f : xml_elements(styles, "numFmt"))
    formats[std::stoi(xml_attr(f.attrs, "numFmtId").value_or("0"))] = xml_unescape(xml_attr(f.attrs, "formatCode").value_or(""));
  std::vector<bool> bold_fonts;
  for (auto const& fonts : xml_elements(styles, "fonts"))
    for (auto const& f : xml_elements(fonts.body, "font")) bold_fonts.push_back(f.body.find("<b/>") != std::string::npos);
  for (auto const& xfs : xml_elements(styles, "cellXfs")) {
    for (auto const& xf : xml_elements(xfs.body, "xf")) {
      int fmt = std::stoi(xml_attr(xf.attrs, "numFmtId").value_or("0"));
      auto font = std::stoul(xml_attr(xf.attrs, "fontId").value_or("0"));
      book.xf_format.push_back(formats.contains(fmt) ? formats[fmt] : "id:" + std::to_string(fmt));
      book.xf_bold.push_back(font < bold_fonts.size() && bold_fonts[font]);
    }
  }
}

inline xlsx_book read_xlsx(std::string const& file) {
  xlsx_book book;
  std::vector<std::string> shared;
  // A workbook of numbers only has no shared strings part.
  if (run_command("unzip -l '" + file + "' xl/sharedStrings.xml >/dev/null 2>&1").first == 0)
    for (auto const& si : xml_elements(unzip_part(file, "xl/sharedStrings.xml"), "si")) shared.push_back(runs_text(si.body));
  std::map<std::string, std::string> targets;
  for (auto const& rel : xml_elements(unzip_part(file, "xl/_rels/workbook.xml.rels"), "Relationship")) {
    auto target = xml_attr(rel.attrs, "Target").value_or("");
    targets[xml_attr(rel.attrs, "Id").value_or("")] = target.starts_with("/") ? target.substr(1) : "xl/" + target;
  }
  for (auto const& s : xml_elements(unzip_part(file, "xl/workbook.xml"), "sheet")) {
    xlsx_sheet sheet;
    sheet.name = xml_unescape(xml_attr(s.attrs, "name").value_or(""));
    sheet.xml = unzip_part(file, targets.at(xml_attr(s.attrs, "r:id").value_or("")));
    read_cells(sheet, shared);
    book.sheets.push_back(std::move(sheet));
  }
  read_styles(book, unzip_part(file, "xl/styles.xml"));
  return book;
}

}  // namespace qiandao::test
