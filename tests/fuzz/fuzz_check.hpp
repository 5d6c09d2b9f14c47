#pragma once
// A broken property ends the run the way a sanitizer does: libFuzzer keeps the input as a
// crash-* file. The detail is printed escaped, so binary inputs stay readable in the log.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace qiandao::fuzz {

inline std::string escaped(std::string_view s, std::size_t max = 400) {
  std::string out;
  for (std::size_t i = 0; i < s.size() && i < max; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  if (s.size() > max) out += "...";
  return out;
}

[[noreturn]] inline void fail(char const* property, std::string_view detail) {
  std::fprintf(stderr, "\n== property broken: %s\n== %s\n", property, escaped(detail).c_str());
  std::fflush(stderr);
  std::abort();
}

inline void expect(bool holds, char const* property, std::string_view detail) {
  if (!holds) fail(property, detail);
}

}  // namespace qiandao::fuzz
