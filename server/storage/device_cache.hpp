#pragma once
// Kiosk token digests checked from memory (SQLite: one instance owns the file). Only live
// devices are kept. A revocation clears the cache twice: when the writer runs it, and again
// after its COMMIT, before the revoking request is answered; the generation, read before a
// reader's query and checked when it stores the answer, keeps a reader that raced the COMMIT
// from putting the revoked device back. The very next request therefore reads the database.
// On PostgreSQL another instance may revoke, so no cache is used there.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "domain/model.hpp"

namespace qiandao::storage {

class device_cache {
 public:
  [[nodiscard]] std::uint64_t generation() const { return generation_.load(); }

  std::optional<domain::device> find(std::string const& digest) {
    std::lock_guard lock(mutex_);
    if (auto it = devices_.find(digest); it != devices_.end()) return it->second;
    return std::nullopt;
  }

  // Keeps a device read while the generation was `seen`, unless a revocation came between.
  void put(std::string const& digest, domain::device const& d, std::uint64_t seen) {
    std::lock_guard lock(mutex_);
    if (generation_.load() != seen || d.revoked_at) return;
    if (devices_.size() >= 4096) devices_.clear();  // kiosks are few; a bound all the same
    devices_.insert_or_assign(digest, d);
  }

  void invalidate() {
    std::lock_guard lock(mutex_);
    generation_.fetch_add(1);
    devices_.clear();
  }

 private:
  std::mutex mutex_;
  std::atomic<std::uint64_t> generation_{0};
  std::unordered_map<std::string, domain::device> devices_;
};

}  // namespace qiandao::storage
