// The doorbell between instances (storage/postgres/pg_doorbell.hpp): what a ring says, and
// what a listener makes of a payload, its own or another's, well formed or not.
#include <catch2/catch.hpp>

#include "storage/postgres/pg_doorbell.hpp"

using qiandao::storage::postgres::pg_doorbell;

TEST_CASE("a doorbell payload names the instance and the events, or * for all", "[doorbell]") {
  CHECK(pg_doorbell::payload("ab12", {3, 1, 2}, false) == "ab12 1,2,3");
  CHECK(pg_doorbell::payload("ab12", {3}, true) == "ab12 *");
  std::set<qiandao::domain::id_t> many;
  for (qiandao::domain::id_t i = 1'000'000; i < 1'002'000; ++i) many.insert(i);
  auto long_one = pg_doorbell::payload("ab12", many, false);
  CHECK(long_one == "ab12 *");  // past the payload limit: everything

  std::string who;
  qiandao::domain::board_ring r;
  REQUIRE(pg_doorbell::parse("ab12 1,2,3", who, r));
  CHECK(who == "ab12");
  CHECK(r.events == std::set<qiandao::domain::id_t>{1, 2, 3});
  CHECK_FALSE(r.all);
  REQUIRE(pg_doorbell::parse("cd34 *", who, r));
  CHECK(who == "cd34");
  CHECK(r.all);
  CHECK(r.events.empty());
}

TEST_CASE("a malformed doorbell payload is ignored", "[doorbell]") {
  std::string who;
  qiandao::domain::board_ring r;
  for (std::string bad : {"", " ", "ab12", "ab12 ", " 1,2", "ab12 1,,2", "ab12 x", "ab12 1,2,", "ab12 -4", "ab12 0",
                          "ab12 99999999999999999999999"})
    CHECK_FALSE(pg_doorbell::parse(bad, who, r));
}
