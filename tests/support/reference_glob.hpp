#pragma once
// The path glob matcher that util/text.hpp's glob_match replaced: it tries
// every split of the path at every `**` (exponential in the number of
// `**`). Kept as the reference that the unit tests and the fuzz target
// compare glob_match with, on small inputs only.

#include "util/text.hpp"

#include <cstddef>
#include <string_view>
#include <vector>

namespace relgate::test {

inline bool reference_segment(std::string_view p, std::string_view s) {
  if (p.empty()) return s.empty();
  if (p[0] == '*') return reference_segment(p.substr(1), s) || (!s.empty() && reference_segment(p, s.substr(1)));
  return !s.empty() && (p[0] == '?' || p[0] == s[0]) && reference_segment(p.substr(1), s.substr(1));
}

inline bool reference_glob(const std::vector<std::string_view>& p, std::size_t pi,
                           const std::vector<std::string_view>& s, std::size_t si) {
  if (pi == p.size()) return si == s.size();
  if (p[pi] == "**") {
    for (std::size_t k = si; k <= s.size(); ++k) {
      if (reference_glob(p, pi + 1, s, k)) return true;
    }
    return false;
  }
  return si < s.size() && reference_segment(p[pi], s[si]) && reference_glob(p, pi + 1, s, si + 1);
}

// Whether `pattern` matches `path`, both split at '/'.
inline bool reference_glob_match(std::string_view pattern, std::string_view path) {
  return reference_glob(split(pattern, '/'), 0, split(path, '/'), 0);
}

} // namespace relgate::test
