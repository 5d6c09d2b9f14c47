#pragma once
// Read-only connections for request handlers, one lent per request. WAL lets them read
// while the writer commits.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/store.hpp"

namespace qiandao::storage {

class reader_pool {
 public:
  explicit reader_pool(std::string path) : path_(std::move(path)) {}

  class lease {
   public:
    lease(reader_pool& p, std::unique_ptr<store> s) : pool_(&p), store_(std::move(s)) {}
    lease(lease&& o) noexcept = default;
    lease& operator=(lease&&) = delete;
    lease(lease const&) = delete;
    ~lease() {
      if (store_) pool_->give_back(std::move(store_));
    }
    store* operator->() { return store_.get(); }
    store& operator*() { return *store_; }

   private:
    reader_pool* pool_;
    std::unique_ptr<store> store_;
  };

  lease acquire() {
    {
      std::lock_guard lock(mutex_);
      if (!free_.empty()) {
        auto s = std::move(free_.back());
        free_.pop_back();
        s->db().reset_all();
        return lease(*this, std::move(s));
      }
    }
    return lease(*this, std::make_unique<store>(path_, connection::mode::read_only));
  }

 private:
  void give_back(std::unique_ptr<store> s) {
    std::lock_guard lock(mutex_);
    if (free_.size() < 16) free_.push_back(std::move(s));
  }
  std::string path_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<store>> free_;
};

}  // namespace qiandao::storage
