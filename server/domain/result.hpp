#pragma once
// Outcomes are values: a rule that refuses returns an error, it does not throw.
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace qiandao::domain {

enum class error_kind {
  malformed,     // 400
  unauthorized,  // 401
  forbidden,     // 403
  not_found,     // 404
  conflict,      // 409
  too_large,     // 413
  invalid,       // 422, with fields
  rate_limited,  // 429
  unavailable,   // 503: storage failed, nothing was committed
};

struct error {
  error_kind kind = error_kind::malformed;
  std::string code;     // machine-readable, e.g. "duplicate"
  std::string message;  // for people, in Chinese first
  std::map<std::string, std::string> fields;
  std::map<std::string, std::int64_t> ids;  // e.g. {"registration_id": 12}
};

inline error make_error(error_kind k, std::string code, std::string message) {
  return error{k, std::move(code), std::move(message), {}, {}};
}

template <class T>
class [[nodiscard]] result {
 public:
  result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  result(error e) : v_(std::move(e)) {}      // NOLINT
  [[nodiscard]] bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  T const& value() const { return std::get<0>(v_); }
  T* operator->() { return &value(); }
  T& operator*() { return value(); }
  error const& err() const { return std::get<1>(v_); }

 private:
  std::variant<T, error> v_;
};

// Thrown by a store when the database fails (an I/O error, a full disk, a lost server): the
// request is answered 503 and nothing of it was saved.
struct storage_error : std::runtime_error {
  explicit storage_error(std::string const& what, std::string c = {}) : std::runtime_error(what), code(std::move(c)) {}
  std::string code;  // the engine's own code when it gave one (SQLite's result code, PostgreSQL's SQLSTATE)
};

struct field_errors {
  std::map<std::string, std::string> fields;
  void add(std::string field, std::string why) { fields.emplace(std::move(field), std::move(why)); }
  [[nodiscard]] bool empty() const { return fields.empty(); }
  [[nodiscard]] error to_error() const {
    error e = make_error(error_kind::invalid, "invalid", "提交的内容有误 / Some fields are invalid");
    e.fields = fields;
    return e;
  }
};

}  // namespace qiandao::domain
