#pragma once
// Files staff download (CSV, XLSX): written only after the export is audited.
#include <string>

#include "transport/router.hpp"

namespace qiandao::transport {

// Where a workbook is written before it is read back: TMPDIR (or /tmp), else next to the
// database, which is writable by definition.
std::string scratch_dir(config const& cfg);

inline constexpr char const* xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
inline constexpr char const* csv_type = "text/csv; charset=utf-8";

// Audits the export (action, target, detail) and then answers the file as an attachment;
// the refusal instead when the audit row could not be written: no unaudited export.
net::awaitable<response> audited_download(call& c, std::string action, std::string target, std::string detail,
                                          std::string body, std::string content_type, std::string filename);

}  // namespace qiandao::transport
