// The programme report, JSON and XLSX. A programme built through the API
// (support/report_programme.hpp) must give the figures worked out by hand and, in both the
// JSON and the workbook read back from its zip, the figures computed independently with SQL
// on the database file (support/report_checks.hpp). Also: admins only, the export audited,
// an empty programme, and failures to write the workbook.
#include <sys/mount.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "domain/report.hpp"
#include "domain/validate.hpp"
#include "support/expect.hpp"
#include "support/report_checks.hpp"
#include "support/report_programme.hpp"
#include "support/test_server.hpp"
#include "support/xlsx_reader.hpp"
#include "transport/report_xlsx.hpp"

using namespace qiandao::test;
using nlohmann::json;
using qiandao::storage::connection;

namespace {

// TMPDIR set to a directory of the test's own while it lives (made before the server, gone
// after it), so the test can see that no temporary workbook is left behind.
class scoped_tmpdir {
 public:
  explicit scoped_tmpdir(std::string const& dir) {
    if (auto const* old = std::getenv("TMPDIR")) old_ = old;
    ::setenv("TMPDIR", dir.c_str(), 1);
  }
  ~scoped_tmpdir() {
    if (old_) ::setenv("TMPDIR", old_->c_str(), 1);
    else ::unsetenv("TMPDIR");
  }
  scoped_tmpdir(scoped_tmpdir const&) = delete;
  scoped_tmpdir& operator=(scoped_tmpdir const&) = delete;

 private:
  std::optional<std::string> old_;
};

std::vector<std::string> leftover_workbooks(std::filesystem::path const& dir) {
  std::vector<std::string> out;
  for (auto const& f : std::filesystem::recursive_directory_iterator(dir))
    if (f.path().filename().string().starts_with("qiandao-report-")) out.push_back(f.path().string());
  return out;
}

// A small tmpfs, unmounted when the object goes; mounting needs root (or CAP_SYS_ADMIN).
class tmpfs_mount {
 public:
  explicit tmpfs_mount(std::string const& size) : dir_(parent_.path() / "disk") {
    std::filesystem::create_directory(dir_);
    if (::mount("tmpfs", dir_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, ("size=" + size).c_str()) == 0) mounted_ = true;
    else error_ = std::strerror(errno);
  }
  ~tmpfs_mount() {
    if (mounted_ && ::umount2(dir_.c_str(), 0) != 0) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  tmpfs_mount(tmpfs_mount const&) = delete;
  tmpfs_mount& operator=(tmpfs_mount const&) = delete;
  [[nodiscard]] bool mounted() const { return mounted_; }
  [[nodiscard]] std::string const& error() const { return error_; }
  [[nodiscard]] std::filesystem::path const& path() const { return dir_; }

  // Writes a file until the file system is full.
  void fill() const {
    std::ofstream out(dir_ / "filler", std::ios::binary);
    std::string chunk(4096, 'f');
    while (out.write(chunk.data(), std::streamsize(chunk.size()))) {
    }
  }

 private:
  temp_dir parent_;  // removed after the unmount
  std::filesystem::path dir_;
  bool mounted_ = false;
  std::string error_;
};

// GET /api/v1/report.xlsx as admin, checked as a download, saved and read back.
xlsx_book fetch_workbook(test_server& srv, temp_dir const& dir, std::string const& name) {
  auto before = qiandao::domain::now_text();
  auto res = srv.as("admin").get("/api/v1/report.xlsx");
  auto after = qiandao::domain::now_text();
  INFO("HTTP " << res.status << " " << res.body.substr(0, 300));
  REQUIRE(res.status == 200);
  CHECK(res.header("Content-Type") == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  auto day = [](std::string const& t) { return t.substr(0, 4) + t.substr(5, 2) + t.substr(8, 2); };
  auto disposition = res.header("Content-Disposition").value_or("");
  CHECK((disposition == "attachment; filename=\"qiandao-report-" + day(before) + ".xlsx\"" ||
         disposition == "attachment; filename=\"qiandao-report-" + day(after) + ".xlsx\""));
  auto path = dir.file(name);
  std::ofstream(path, std::ios::binary) << res.body;
  auto [rc, listing] = run_command("unzip -tq '" + path + "' 2>&1");
  INFO(listing);
  REQUIRE(rc == 0);
  return read_xlsx(path);
}

}  // namespace

TEST_CASE("the report's JSON and XLSX equal the database's figures", "[report]") {
  temp_dir scratch;
  scoped_tmpdir tmpdir(scratch.path().string());
  test_server srv;
  auto p = build_report_programme(srv);
  auto r = require_status(srv.as("admin").get("/api/v1/report"), 200);
  INFO(r.dump(1));
  CHECK(r["generated_at"].get<std::string>().ends_with("+08:00"));
  require_hand_figures(r, p);
  sql_figures db(srv.db_path());
  require_database_figures(db, r);
  CHECK(db.count("SELECT count(*) FROM audit_log WHERE action = 'report.export'") == 0);  // not an export

  // The workbook holds the same figures, and no temporary file is left behind.
  auto book = fetch_workbook(srv, scratch, "report.xlsx");
  auto again = require_status(srv.as("admin").get("/api/v1/report"), 200);
  again.erase("generated_at");
  r.erase("generated_at");
  REQUIRE(again == r);  // nothing changed in between
  require_workbook(book, r);
  auto const& events = book.sheet("活动 Events");
  CHECK(text_at(events, 2, 2) == "义诊");
  CHECK(text_at(events, 2, 4) == "2024-08-17 08:30");
  CHECK(text_at(events, 2, 17) == "血压测量 4、血糖检测 2、用药指导 0、健康咨询 2");
  CHECK(text_at(events, 3, 6) == "已取消");
  CHECK(text_at(events, 4, 7) == "医政科、办公室");
  CHECK(leftover_workbooks(scratch.path()).empty());

  // The export is audited, as the admin who took it.
  CHECK(db.count("SELECT count(*) FROM audit_log WHERE action = 'report.export'") == 1);
  CHECK(query_text(db.db, "SELECT actor || ' ' || target FROM audit_log WHERE action = 'report.export'") ==
        "user:admin report");
  auto log = require_status(srv.as("admin").get("/api/v1/audit?limit=5"), 200);
  bool seen = false;
  for (auto const& a : log["items"]) seen = seen || a["action"] == "report.export";
  CHECK(seen);
}

TEST_CASE("the report is for admins only", "[report]") {
  test_server srv;
  for (auto const* path : {"/api/v1/report", "/api/v1/report.xlsx"}) {
    INFO(path);
    require_error(srv.client().get(path), 401, "unauthorized");
    require_error(srv.as("staff").get(path), 403, "forbidden");
    require_error(srv.as_kiosk().get(path), 403, "forbidden");
    require_error(srv.as("admin").post(path, json::object()), 405, "method_not_allowed");
  }
  auto db_owner = open_db(srv.db_path());
  auto& db = *db_owner;
  CHECK(query_int(db, "SELECT count(*) FROM audit_log WHERE action = 'report.export'") == 0);
}

TEST_CASE("an empty programme gives an empty report and a valid workbook", "[report]") {
  temp_dir scratch;
  scoped_tmpdir tmpdir(scratch.path().string());
  test_server srv;
  auto r = require_status(srv.as("admin").get("/api/v1/report"), 200);
  for (auto key : {"events", "units", "services", "departments"}) CHECK(r[key] == json::array());
  CHECK(r["totals"] == json({{"registered", 0}, {"checked_in", 0}, {"walk_ins", 0}, {"served", 0}, {"expected", 0}, {"leave", 0}}));
  CHECK(r["programme"].is_object());
  auto book = fetch_workbook(srv, scratch, "empty.xlsx");
  require_workbook(book, r);
  for (auto const& s : book.sheets) CHECK(s.last_row() == 1);
  CHECK(leftover_workbooks(scratch.path()).empty());
}

TEST_CASE("a workbook that cannot be written is an error, never a crash or a broken file", "[report]") {
  qiandao::domain::report r;
  r.events.push_back({});
  auto missing = qiandao::transport::report_xlsx(r, "/nonexistent/qiandao-report-test");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.err().kind == qiandao::domain::error_kind::unavailable);
  CHECK(missing.err().code == "unavailable");
  auto fine = qiandao::transport::report_xlsx(r, std::filesystem::temp_directory_path().string());
  CHECK(fine.ok());
}

TEST_CASE("a full disk under the workbook answers 503 and audits nothing", "[report]") {
  tmpfs_mount disk("128k");
  if (!disk.mounted()) {
    WARN("skipped: cannot mount a tmpfs (" << disk.error() << "); this part needs root or CAP_SYS_ADMIN");
    return;
  }
  temp_dir data;  // the database stays off the small disk
  scoped_tmpdir tmpdir(disk.path().string());
  server_options opts;
  opts.db_dir = data.path().string();
  test_server srv(opts);
  report_builder b(srv);
  auto conference = report_builder::id_of(srv.create_event());
  for (int i = 0; i < 30; ++i) b.check_in(b.person(conference));
  disk.fill();
  auto res = srv.as("admin").get("/api/v1/report.xlsx");
  require_error(res, 503, "unavailable");
  CHECK(leftover_workbooks(disk.path()).empty());
  auto db_owner = open_db(srv.db_path());
  auto& db = *db_owner;
  CHECK(query_int(db, "SELECT count(*) FROM audit_log WHERE action = 'report.export'") == 0);

  std::filesystem::remove(disk.path() / "filler");  // space again: the same request works
  CHECK(srv.as("admin").get("/api/v1/report.xlsx").status == 200);
  CHECK(leftover_workbooks(disk.path()).empty());
}
