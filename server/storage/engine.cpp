#include "storage/engine.hpp"

#include "storage/migrations.hpp"

namespace qiandao::storage {

namespace {
std::string const& migrated(std::string const& target) {
  auto db = open_connection(target, connection::mode::read_write);
  migrate(*db);
  return target;
}
}  // namespace

engine::engine(std::string const& target, metrics& m, writer::limits l)
    : postgres_(is_postgres_target(target)),
      readers_(migrated(target), postgres_ ? nullptr : &devices_),
      writer_(target, m, l) {
  if (!postgres_) writer_.use_device_cache(&devices_);
}

}  // namespace qiandao::storage
