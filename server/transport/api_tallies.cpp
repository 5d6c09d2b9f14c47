// Being written (issue 5).
#include "transport/router.hpp"

namespace qiandao::transport {

std::vector<route> tally_routes() { return {}; }

}  // namespace qiandao::transport
