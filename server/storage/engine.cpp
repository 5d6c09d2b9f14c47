#include "storage/engine.hpp"

#include "storage/migrations.hpp"
#include "storage/postgres/pg_doorbell.hpp"

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
  else doorbell_ = std::make_unique<postgres::pg_doorbell>(target, m);
}

engine::~engine() { stop(); }

void engine::on_board_ring(ring_listener l) {
  if (!doorbell_) return;
  // This instance's commits: its own board re-reads them at once, and the others hear.
  writer_.on_board_ring([bell = doorbell_.get(), l](domain::board_ring r) {
    bell->ring(r.events, r.all);
    l(std::move(r));
  });
  doorbell_->start(std::move(l));
}

bool engine::hears_peers() const { return !doorbell_ || doorbell_->listening(); }

void engine::stop() {
  writer_.stop();  // its last commits ring first
  if (doorbell_) doorbell_->stop();
}

}  // namespace qiandao::storage
