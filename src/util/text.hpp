#pragma once
// Small string helpers shared by every layer.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relgate {

std::string_view trim(std::string_view s);
std::vector<std::string_view> split(std::string_view s, char sep);
bool starts_with(std::string_view s, std::string_view prefix);
// `s` without `prefix` when it starts with it, else nullopt:
// strip_prefix("refs/tags/v1", "refs/tags/") is "v1".
std::optional<std::string_view> strip_prefix(std::string_view s, std::string_view prefix);
// The items with `sep` between them: join({"a", "b"}, ", ") is "a, b".
std::string join(const std::vector<std::string>& items, std::string_view sep);
// The items, each as `show` spells it (a string or string_view), with `sep`
// between them: join(lines, ", ", [](const Line& l) { return l.str(); }).
template <typename Items, typename Show>
std::string join(const Items& items, std::string_view sep, Show show) {
  std::string out;
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += sep;
    first = false;
    out += show(item);
  }
  return out;
}
// ASCII digits only (std::isdigit depends on the locale).
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
// Lower-case hex digits, as git writes object ids.
constexpr bool is_hex_digit(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }
// Non-empty and all is_digit / all is_hex_digit.
bool is_digits(std::string_view s);
bool is_hex(std::string_view s);
// `s` as a number when it is ASCII digits only (no sign, no space; leading
// zeros allowed) and at most `max`; else nullopt, however long `s` is (no
// overflow, no exception). Callers name their bound: a version number's is
// policy::k_max_number.
std::optional<std::uint64_t> parse_uint(std::string_view s, std::uint64_t max);
// True for 40 or 64 zeros: git's "no object" id in SHA-1 and SHA-256 repositories.
bool is_zero_id(std::string_view id);
// First line of a commit message.
std::string_view first_line(std::string_view message);
// Damerau-Levenshtein (optimal string alignment) distance.
std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `word` when it is close enough to be a typo, else "".
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);
// `s` with control and non-ASCII bytes shown as \xNN, and quoted: safe to print.
std::string printable(std::string_view s);
// Path glob: `*` and `?` within one path segment, a `**` segment any number
// of segments (also none). Anchored at both ends. Never backtracks: time
// O(|pattern| * |path|) whatever the pattern (freeze.docs_paths comes from
// the policy, the paths from any pusher).
bool glob_match(std::string_view pattern, std::string_view path);
// Quote for a POSIX shell when needed (for hint commands a person copies).
std::string shell_quote(std::string_view s);

} // namespace relgate
