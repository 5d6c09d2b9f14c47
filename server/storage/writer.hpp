#pragma once
// The one writer. Requests that change data queue here; the writer thread commits whatever
// has queued in one transaction, each job in its own savepoint so one failure does not
// sink the others, and completes each job only after COMMIT has returned.
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "domain/model.hpp"
#include "metrics.hpp"
#include "storage/store.hpp"

namespace qiandao::storage {

class writer {
 public:
  struct job {
    virtual ~job() = default;
    // Runs on the writer thread inside the batch; returns whether to keep its writes.
    virtual bool run(store& s) = 0;
    // On the writer thread: committed, or the batch failed and nothing of it was written.
    virtual void complete(bool committed) = 0;
  };
  // Called on the writer thread after each COMMIT that changed what the board shows,
  // before any job of that batch completes.
  using board_listener = std::function<void(domain::board_delta)>;

  writer(std::string const& path, metrics& m, std::size_t max_batch = 512);
  ~writer();
  writer(writer const&) = delete;
  writer& operator=(writer const&) = delete;

  void on_board_change(board_listener l) { listener_ = std::move(l); }
  void submit(std::unique_ptr<job> j);  // thread-safe
  void stop();                          // commits what is queued, then joins

 private:
  void loop();
  void run_batch(std::deque<std::unique_ptr<job>>& batch);
  void publish();

  store store_;
  metrics& metrics_;
  std::size_t max_batch_;
  board_listener listener_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<job>> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace qiandao::storage
