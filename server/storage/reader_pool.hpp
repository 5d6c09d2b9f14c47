#pragma once
// Read connections for request handlers, one lent per request. WAL (SQLite) or MVCC
// (PostgreSQL) lets them read while the writer commits. A connection found broken is
// dropped rather than lent again.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "domain/database.hpp"
#include "storage/store.hpp"

namespace qiandao::storage {

class reader_pool {
 public:
  explicit reader_pool(std::string target, device_cache* devices = nullptr)
      : target_(std::move(target)), devices_(devices) {}

  domain::database::lease acquire() {
    std::unique_ptr<sql_store> s;
    {
      std::lock_guard lock(mutex_);
      if (!free_.empty()) {
        s = std::move(free_.back());
        free_.pop_back();
      }
    }
    if (s) s->db().reset_all();
    else {
      s = std::make_unique<sql_store>(target_, connection::mode::read_only);
      s->use_device_cache(devices_);
    }
    auto* raw = s.release();
    return domain::database::lease(raw, [this, raw](domain::store*) { give_back(std::unique_ptr<sql_store>(raw)); });
  }

 private:
  void give_back(std::unique_ptr<sql_store> s) {
    if (!s->db().healthy() || s->db().in_transaction()) return;
    std::lock_guard lock(mutex_);
    if (free_.size() < 16) free_.push_back(std::move(s));
  }
  std::string target_;
  device_cache* devices_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<sql_store>> free_;
};

}  // namespace qiandao::storage
