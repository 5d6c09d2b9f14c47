#include "transport/public_board_cache.hpp"

#include <sodium.h>

#include "domain/board.hpp"
#include "domain/validate.hpp"
#include "transport/encoding.hpp"
#include "transport/json_io.hpp"

namespace qiandao::transport {

namespace {

std::string etag_of(std::string const& body) {
  unsigned char digest[16];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<unsigned char const*>(body.data()), body.size(),
                     nullptr, 0);
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return "\"" + std::string(hex) + "\"";
}

// Figures unchanged since the previous read keep its bytes, generated_at included: its ETag
// stays valid, so a viewer polling with If-None-Match gets 304 until a figure changes (or the
// chart's minute rolls on).
std::shared_ptr<public_board_body const> read_body(domain::database& db, public_board_body const* previous,
                                                   public_board_cache::clock::time_point started) {
  json j = public_board_json(domain::load_public_board(*db.read()));
  auto figures = j.dump(-1, ' ', false, json::error_handler_t::replace);
  public_board_body next;
  if (previous && previous->figures == figures) {
    next = *previous;
  } else {
    j["generated_at"] = domain::now_text();
    next.body = j.dump(-1, ' ', false, json::error_handler_t::replace);
    next.etag = etag_of(next.body);
    next.gzip = gzip_of(next.body);
    next.gzip_etag = next.etag.substr(0, next.etag.size() - 1) + "-gz\"";
    next.figures = std::move(figures);
  }
  next.read_at = started;
  return std::make_shared<public_board_body const>(std::move(next));
}

}  // namespace

std::shared_ptr<public_board_body const> public_board_cache::get(domain::database& db) {
  std::unique_lock lock(mutex_);
  for (;;) {
    auto const now = clock::now();
    if (current_ && now - current_->read_at < max_age) return current_;
    if (!reading_) break;
    // Another caller is reading: answer with the last body, at most a read's time older.
    if (current_) return current_;
    read_done_.wait(lock);
  }
  reading_ = true;
  auto previous = current_;
  lock.unlock();  // no lock is held while the database is read
  std::shared_ptr<public_board_body const> next;
  try {
    next = read_body(db, previous.get(), clock::now());
  } catch (...) {
    lock.lock();
    reading_ = false;
    read_done_.notify_all();
    throw;
  }
  lock.lock();
  reading_ = false;
  current_ = next;
  read_done_.notify_all();
  return next;
}

}  // namespace qiandao::transport
