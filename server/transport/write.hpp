#pragma once
// co_await a job on the one writer: resumes on the caller's executor after COMMIT, with the
// job's result, or with nothing when the batch could not be committed (answer 503).
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <optional>
#include <utility>

#include "domain/result.hpp"
#include "domain/database.hpp"

namespace qiandao::transport {

namespace net = boost::asio;

// A unit of work for the writer: returns its value and whether to keep its writes.
template <class R>
using write_fn = std::function<std::pair<R, bool>(domain::store&)>;

template <class R, class Handler>
class write_job final : public domain::write_job {
 public:
  write_job(std::unique_ptr<write_fn<R>> fn, Handler h) : fn_(std::move(fn)), handler_(std::move(h)) {}

  bool run(domain::store& s) override {
    auto [value, keep] = (*fn_)(s);
    out_.emplace(std::move(value));
    return keep;
  }

  void complete(bool committed) override {
    std::optional<R> out;
    if (committed) out = std::move(out_);
    fn_.reset();  // before resuming the caller: the job's captures may refer into its frame
    auto ex = net::get_associated_executor(handler_);
    net::post(ex, [h = std::move(handler_), out = std::move(out)]() mutable {
      std::move(h)(std::move(out));
    });
  }

 private:
  std::unique_ptr<write_fn<R>> fn_;
  Handler handler_;
  std::optional<R> out_;
};

// Only trivially copyable values (a reference, a pointer) pass through async_initiate:
// GCC 12 mishandles non-trivial objects copied into use_awaitable's initiation frame.
template <class R>
net::awaitable<std::optional<R>> commit(domain::database& w, write_fn<R> fn) {
  auto* raw = new write_fn<R>(std::move(fn));
  co_return co_await net::async_initiate<decltype(net::use_awaitable), void(std::optional<R>)>(
      [&w, raw](auto done) {
        using H = decltype(done);
        w.submit(std::make_unique<write_job<R, H>>(std::unique_ptr<write_fn<R>>(raw), std::move(done)));
      },
      net::use_awaitable);
}

// A domain rule on the writer: its writes are kept when it succeeds and rolled back when it
// refuses. Empty when the batch could not be committed.
template <class T, class Rule>
net::awaitable<std::optional<domain::result<T>>> commit_rule(domain::database& w, Rule rule) {
  co_return co_await commit<domain::result<T>>(w, [&rule](domain::store& s) {
    auto r = rule(s);
    bool keep = r.ok();
    return std::pair{std::move(r), keep};
  });
}

}  // namespace qiandao::transport
