#pragma once
// Checks for hostile-input and fault tests: a request the server must refuse (a contract
// error or a closed connection, never a hang, a 2xx or a 5xx), the server still alive, and
// the stored data unchanged. Catch checks: main test thread only.
#include <catch2/catch.hpp>
#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>

#include "storage/sql.hpp"
#include "support/test_db.hpp"
#include "support/expect.hpp"
#include "support/http_client.hpp"
#include "support/test_server.hpp"

namespace qiandao::test {

// What a raw request got: an answer, or a connection the server closed without one.
struct raw_outcome {
  std::optional<http_response> answer;
  std::string closed_why;
  std::chrono::milliseconds took{0};
};

inline raw_outcome send_hostile(unsigned short port, std::string const& bytes,
                                std::chrono::milliseconds timeout = std::chrono::seconds(6)) {
  http_client c(port);
  c.set_timeout(timeout);
  raw_outcome out;
  auto start = std::chrono::steady_clock::now();
  try {
    out.answer = c.send_raw(bytes);
  } catch (http_error const& e) {
    out.closed_why = e.what();
  }
  out.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  return out;
}

// The contract's error code for the statuses a refusal may have.
inline std::string error_code_for(int status) {
  switch (status) {
    case 400: return "malformed";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 413: return "too_large";
    default: return "?";
  }
}

// Refused: closed (well before the client's own timeout: no hang), or one of `allowed`
// answered in the contract's error shape.
inline void require_refused(raw_outcome const& o, std::initializer_list<int> allowed,
                            std::chrono::milliseconds hang = std::chrono::seconds(5)) {
  INFO("took " << o.took.count() << " ms; "
               << (o.answer ? "HTTP " + std::to_string(o.answer->status) + " " + o.answer->body.substr(0, 300)
                            : "closed: " + o.closed_why));
  CHECK(o.took < hang);
  if (!o.answer) return;
  bool fits = false;
  for (int s : allowed) fits = fits || o.answer->status == s;
  REQUIRE(fits);
  (void)require_error(*o.answer, o.answer->status, error_code_for(o.answer->status));
}

inline void require_alive(test_server& srv) {
  auto r = srv.client().get("/healthz");
  INFO("HTTP " << r.status << " " << r.body);
  REQUIRE(r.status == 200);
  CHECK(r.json()["status"] == "ok");
}

// Events, registrations and check-ins as one string, to compare before and after.
inline std::string data_fingerprint(std::string const& db_path) {
  auto db_owner = open_db(db_path);
  auto& db = *db_owner;
  std::string const agg = db.kind() == storage::dialect::sqlite ? "group_concat(x, ';')" : "string_agg(x, ';')";
  return query_text(db,
                    "SELECT (SELECT count(*) FROM events) || '|' || (SELECT count(*) FROM registrations) || '|' ||"
                    " (SELECT count(*) FROM checkins) || '|' ||"
                    " (SELECT coalesce(" + agg + ", '') FROM (SELECT id || ',' || title || ',' ||"
                    "   coalesce(CAST(capacity AS TEXT), '-') || ',' || status || ',' || checked_in_count AS x"
                    "   FROM events ORDER BY id) AS e) || '|' ||"
                    " (SELECT coalesce(" + agg + ", '') FROM (SELECT id || ',' || name || ',' || phone || ',' ||"
                    "   status || ',' || coalesce(checked_in_at, '-') AS x FROM registrations ORDER BY id) AS r)");
}

}  // namespace qiandao::test
