#pragma once
// The competition's ranking from its live scores: a pure function, so the board (through
// storage) and the API compute it the same way.
#include <vector>

#include "domain/competition_model.hpp"

namespace qiandao::domain {

// Individuals by total, ties broken by the best single item score, then shared (并列);
// units by the sum (or best N) of their competitors' totals, ties shared.
leaderboard compute_leaderboard(competition const& comp, std::vector<competitor> const& competitors,
                                std::vector<score> const& live, std::vector<draw> const& draws);

}  // namespace qiandao::domain
