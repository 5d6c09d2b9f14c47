#pragma once
// The programme report as an Excel workbook (libxlsxwriter): one sheet per view of the
// JSON report, in its order. Only report_xlsx.cpp sees libxlsxwriter.
#include <optional>
#include <string>
#include <vector>

#include "domain/report.hpp"
#include "domain/result.hpp"

namespace qiandao::transport {

// The .xlsx bytes. libxlsxwriter 1.1 writes only to a file, so the workbook goes to a
// uniquely named file in `temp_dir`, is read back and is always deleted. An error
// (unavailable) when any of that fails.
domain::result<std::string> report_xlsx(domain::report const& r, std::string const& temp_dir);

// Plain tables as a workbook, one sheet each: a cell is a number only when `number` is set,
// so ID and phone numbers stay text strings with every digit (issue 11).
struct xlsx_cell {
  std::string text;
  std::optional<double> number;
};
struct xlsx_table {
  std::string name;  // the sheet's name: at most 31 characters, none of []:*?/ or backslash
  std::vector<std::string> headers;
  std::vector<std::vector<xlsx_cell>> rows;
};
domain::result<std::string> tables_xlsx(std::vector<xlsx_table> const& tables, std::string const& temp_dir);

}  // namespace qiandao::transport
