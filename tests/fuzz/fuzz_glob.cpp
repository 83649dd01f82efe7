// Fuzz target: the path glob matcher of freeze.docs_paths (util/text.hpp's
// glob_match). The input is a glob, a newline, and a path. Small inputs are
// checked against the recursive matcher it replaced (exponential in the
// number of `**`, so only for a few); every input must finish in the time
// libFuzzer allows a unit, whatever its `**` and `*`.
#include "util/text.hpp"

#include "../support/reference_glob.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto newline = input.find('\n');
  std::string_view pattern = input.substr(0, newline);
  std::string_view path = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  bool got = relgate::glob_match(pattern, path);
  auto count = [](std::string_view s, char c) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), c)); };
  if (count(pattern, '*') <= 4 && pattern.size() <= 32 && path.size() <= 32) {
    bool want = relgate::test::reference_glob_match(pattern, path);
    if (got != want) std::abort();
  }
  return 0;
}
