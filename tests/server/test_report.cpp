// Being written (issue 5).
#include <catch2/catch.hpp>
