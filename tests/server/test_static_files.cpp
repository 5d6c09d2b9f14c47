// The pages and their assets from the binary: embedded text goes gzip-compressed to a browser
// that takes it (compressed once, the same bytes after), as it is to one that does not; the
// service worker and small files as they are.
#include <catch2/catch.hpp>

#include "support/expect.hpp"
#include "support/gunzip.hpp"
#include "support/test_server.hpp"

using namespace qiandao::test;

TEST_CASE("embedded pages and scripts are gzip-compressed for a browser that takes it", "[static]") {
  test_server srv;
  for (std::string path : {"/web/vendor/echarts/dist/echarts.min.js", "/web/kiosk/app.js", "/web/public/board.js"}) {
    INFO(path);
    auto plain = srv.client().get(path);
    REQUIRE(plain.status == 200);
    CHECK_FALSE(plain.header("Content-Encoding"));
    CHECK(plain.header("Vary") == "Accept-Encoding");

    auto gz = srv.client().get(path, {{"Accept-Encoding", "gzip, deflate, br"}});
    REQUIRE(gz.status == 200);
    CHECK(gz.header("Content-Encoding") == "gzip");
    CHECK(gz.header("Vary") == "Accept-Encoding");
    CHECK(gz.header("Content-Type") == plain.header("Content-Type"));
    CHECK(gz.header("Cache-Control") == plain.header("Cache-Control"));
    CHECK(gz.header("Content-Security-Policy") == plain.header("Content-Security-Policy"));
    CHECK(gunzip(gz.body) == plain.body);
    CHECK(gz.body.size() * 2 < plain.body.size());
    // Made once: the next browser gets the very same bytes.
    CHECK(srv.client().get(path, {{"Accept-Encoding", "gzip"}}).body == gz.body);
    // Refused: as it is.
    auto refused = srv.client().get(path, {{"Accept-Encoding", "gzip;q=0, br"}});
    CHECK_FALSE(refused.header("Content-Encoding"));
    CHECK(refused.body == plain.body);
  }
  // A page under a kilobyte is not worth it: as it is.
  auto page = srv.client().get("/kiosk", {{"Accept-Encoding", "gzip"}});
  REQUIRE(page.status == 200);
  CHECK(page.body.size() < 1024);
  CHECK_FALSE(page.header("Content-Encoding"));
  CHECK(page.body.find("<html") != std::string::npos);
  // The service worker is filled in per binary: sent as it is.
  auto sw = srv.client().get("/sw.js", {{"Accept-Encoding", "gzip"}});
  REQUIRE(sw.status == 200);
  CHECK_FALSE(sw.header("Content-Encoding"));
  CHECK(sw.body.find("const VERSION = '") != std::string::npos);
  // A missing file is the contract's 404, never compressed.
  auto missing = srv.client().get("/web/nothing-here.js", {{"Accept-Encoding", "gzip"}});
  CHECK(missing.status == 404);
  CHECK_FALSE(missing.header("Content-Encoding"));
}
