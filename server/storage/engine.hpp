#pragma once
// domain::database on either engine: the writer and the readers over one target, a SQLite
// file or a postgresql:// URL.
#include <memory>
#include <string>

#include "domain/database.hpp"
#include "metrics.hpp"
#include "storage/reader_pool.hpp"
#include "storage/writer.hpp"

namespace qiandao::storage {
namespace postgres {
class pg_doorbell;
}

class engine final : public domain::database {
 public:
  // Migrates the schema first (throws when the database is newer than the binary or
  // cannot be reached), then starts the writer.
  engine(std::string const& target, metrics& m, writer::limits l);

  void submit(std::unique_ptr<domain::write_job> j) override { writer_.submit(std::move(j)); }
  lease read() override { return readers_.acquire(); }
  ~engine() override;
  void on_board_change(board_listener l) override { writer_.on_board_change(std::move(l)); }
  [[nodiscard]] bool shared() const override { return postgres_; }
  void on_board_ring(ring_listener l) override;
  [[nodiscard]] bool hears_peers() const override;
  void stop() override;
  [[nodiscard]] bool reads_block() const override { return postgres_; }

 private:
  bool postgres_;
  std::unique_ptr<postgres::pg_doorbell> doorbell_;  // PostgreSQL: the other instances
  device_cache devices_;  // used on SQLite only
  reader_pool readers_;
  writer writer_;
};

}  // namespace qiandao::storage
