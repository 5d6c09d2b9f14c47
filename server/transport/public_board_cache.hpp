#pragma once
// The public board's answer (GET /api/v1/board/public), read from the database at most once
// a second per process and shared, byte for byte, by every viewer until the next read. From
// the database, not from the board hub, so that instances on one PostgreSQL database serve
// the same figures.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "domain/database.hpp"

namespace qiandao::transport {

struct public_board_body {
  std::string body;  // the JSON sent
  std::string etag;  // strong: "\"" + 32 hex digits of BLAKE2b-128(body) + "\""
  // The same JSON gzip-compressed, made once per change, for viewers that accept it; its
  // ETag is the JSON's with "-gz" before the closing quote (another representation).
  std::string gzip;
  std::string gzip_etag;
  std::string figures;  // the body without generated_at: whether anything has changed
  std::chrono::steady_clock::time_point read_at;  // when the read began
};

class public_board_cache {
 public:
  using clock = std::chrono::steady_clock;
  static constexpr clock::duration max_age = std::chrono::seconds(1);

  // The current answer, reading anew when the last read began `max_age` ago or more. While
  // one caller reads, the others answer with the previous body; only the very first read of
  // the process makes them wait. Throws what the read throws (storage_error: 503).
  std::shared_ptr<public_board_body const> get(domain::database& db);

 private:
  std::mutex mutex_;
  std::condition_variable read_done_;
  std::shared_ptr<public_board_body const> current_;
  bool reading_ = false;
};

}  // namespace qiandao::transport
