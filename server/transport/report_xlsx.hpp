#pragma once
// The programme report as an Excel workbook (libxlsxwriter): one sheet per view of the
// JSON report, in its order. Only report_xlsx.cpp sees libxlsxwriter.
#include <string>

#include "domain/report.hpp"
#include "domain/result.hpp"

namespace qiandao::transport {

// The .xlsx bytes. libxlsxwriter 1.1 writes only to a file, so the workbook goes to a
// uniquely named file in `temp_dir`, is read back and is always deleted. An error
// (unavailable) when any of that fails.
domain::result<std::string> report_xlsx(domain::report const& r, std::string const& temp_dir);

}  // namespace qiandao::transport
