// Fuzz target: the path glob matcher of freeze.docs_paths (util/text.hpp's
// glob_match). The input is a glob, a newline, and a path. Small inputs are
// checked against the recursive matcher it replaced (exponential in the
// number of `**`, so only for a few); every input must finish in the time
// libFuzzer allows a unit, whatever its `**` and `*`.
#include "util/text.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace {
bool reference_segment(std::string_view p, std::string_view s) {
  if (p.empty()) return s.empty();
  if (p[0] == '*') return reference_segment(p.substr(1), s) || (!s.empty() && reference_segment(p, s.substr(1)));
  return !s.empty() && (p[0] == '?' || p[0] == s[0]) && reference_segment(p.substr(1), s.substr(1));
}

bool reference_glob(const std::vector<std::string_view>& p, std::size_t pi, const std::vector<std::string_view>& s,
                    std::size_t si) {
  if (pi == p.size()) return si == s.size();
  if (p[pi] == "**") {
    for (std::size_t k = si; k <= s.size(); ++k) {
      if (reference_glob(p, pi + 1, s, k)) return true;
    }
    return false;
  }
  return si < s.size() && reference_segment(p[pi], s[si]) && reference_glob(p, pi + 1, s, si + 1);
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto newline = input.find('\n');
  std::string_view pattern = input.substr(0, newline);
  std::string_view path = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  bool got = relgate::glob_match(pattern, path);
  auto count = [](std::string_view s, char c) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), c)); };
  if (count(pattern, '*') <= 4 && pattern.size() <= 32 && path.size() <= 32) {
    bool want = reference_glob(relgate::split(pattern, '/'), 0, relgate::split(path, '/'), 0);
    if (got != want) std::abort();
  }
  return 0;
}
