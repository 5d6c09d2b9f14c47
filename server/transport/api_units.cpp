// Being written (issue 5).
#include "transport/router.hpp"

namespace qiandao::transport {

std::vector<route> unit_routes() { return {}; }

}  // namespace qiandao::transport
