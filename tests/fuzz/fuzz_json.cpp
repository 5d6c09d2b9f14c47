// The JSON request decoders on arbitrary bytes: parse_object, then every reader the
// handlers use. Properties: nothing throws; a document nested deeper than 32 is refused and
// one within 32 is read exactly as nlohmann/json reads it; readers report type errors as
// field errors and return exactly what the document holds. "JSON" is RFC 8259's.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "domain/validate.hpp"
#include "fuzz_check.hpp"
#include "transport/json_io.hpp"

namespace {

namespace d = qiandao::domain;
namespace t = qiandao::transport;
using qiandao::fuzz::fail;
using json = nlohmann::json;

constexpr int max_depth = 32;

// Containers count one level each, as nesting_within counts brackets. The input is at most
// a few KiB, so the recursion is bounded by what nlohmann/json already built.
int depth(json const& j) {
  if (!j.is_structured()) return 0;
  int deepest = 0;
  for (auto const& v : j) deepest = std::max(deepest, depth(v));
  return deepest + 1;
}

// What get_int must return for the value at `key`, if anything.
bool fits_int64(json const& v) {
  if (v.is_number_unsigned())
    return v.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  return v.is_number_integer();
}

void check_get_string(json const& j, char const* key, bool required) {
  d::field_errors f;
  auto s = t::get_string(j, key, f, required);
  auto it = j.find(key);
  bool present = it != j.end() && !it->is_null();
  if (s) {
    if (!present || !it->is_string() || *s != it->get<std::string>()) fail("get_string returns the string", key);
    if (!d::is_valid_utf8(*s)) fail("get_string returns UTF-8 text", *s);
    if (!f.empty()) fail("get_string reports no error with a value", key);
  } else if ((present || required) && !f.fields.contains(key)) {
    fail("get_string reports why there is no value", key);
  }
}

void check_get_int(json const& j, char const* key, bool required) {
  d::field_errors f;
  auto v = t::get_int(j, key, f, required);
  auto it = j.find(key);
  bool present = it != j.end() && !it->is_null();
  if (v) {
    if (!present || !fits_int64(*it) || *v != it->get<std::int64_t>())
      fail("get_int returns the document's integer", it == j.end() ? key : it->dump());
    if (!f.empty()) fail("get_int reports no error with a value", key);
  } else if ((present || required) && !f.fields.contains(key)) {
    fail("get_int reports why there is no value", key);
  }
}

void check_readers(json const& j) {
  d::field_errors f;
  auto changes = t::read_event_changes(j, f);
  if (changes.title && (!j.contains("title") || *changes.title != j["title"].get<std::string>()))
    fail("read_event_changes reads the title", j.dump());
  for (auto const& [field, why] : f.fields)
    if (!j.contains(field)) fail("read_event_changes reports only fields that are there", field);

  d::field_errors rf;
  auto in = t::read_registration_input(j, rf);
  if (rf.empty() && j.contains("phone") && j["phone"].is_string() && in.phone != j["phone"].get<std::string>())
    fail("read_registration_input reads the phone", j.dump());

  for (char const* key : {"name", "phone", "nonce", "code", "username", "password", "title", "theme"}) {
    check_get_string(j, key, false);
    check_get_string(j, key, true);
  }
  for (char const* key : {"event_id", "registration_id", "capacity"}) {
    check_get_int(j, key, false);
    check_get_int(j, key, true);
  }
  // And every key the document itself has, whatever its type.
  for (auto const& [key, value] : j.items()) {
    check_get_string(j, key.c_str(), false);
    check_get_int(j, key.c_str(), true);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string body(reinterpret_cast<char const*>(data), size);
  auto parsed = t::parse_object(body);
  // The reference: nlohmann/json alone (its parser keeps its own stack, so depth is safe
  // here), made strict: it takes a NUL byte for the end of the text, but RFC 8259 allows no
  // raw NUL anywhere, so `{}\0junk` is not a JSON document.
  json reference = json::parse(body, nullptr, false);
  bool reference_object = !reference.is_discarded() && reference.is_object() &&
                          body.find('\0') == std::string::npos;
  if (parsed) {
    if (!reference_object) fail("parse_object accepts only JSON objects", body);
    if (depth(parsed.value()) > max_depth) fail("parse_object refuses nesting over 32", body);
    if (parsed.value() != reference) fail("parse_object reads what nlohmann/json reads", body);
    check_readers(parsed.value());
  } else {
    if (parsed.err().kind != d::error_kind::malformed) fail("parse_object refusals are 400s", parsed.err().code);
    if (reference_object && depth(reference) <= max_depth) fail("parse_object accepts objects within 32 levels", body);
  }
  return 0;
}
