// The string helpers of util/text.hpp. (Path globs against a reference
// matcher are in freeze_test.cpp; skeletons of look-alike characters in
// unicode_test.cpp.)

#include "util/text.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>

using namespace relgate;

TEST_CASE("trim, split, first_line", "[text]") {
  CHECK(trim("  a b \t\r\n") == "a b");
  CHECK(trim(" \t\n").empty());
  CHECK(trim("").empty());

  CHECK(split("a,b,,c", ',') == std::vector<std::string_view>{"a", "b", "", "c"});
  CHECK(split("", ',') == std::vector<std::string_view>{""});
  CHECK(split("a,", ',') == std::vector<std::string_view>{"a", ""});

  CHECK(first_line("fix: a bug \nbody\n") == "fix: a bug");
  CHECK(first_line("only a subject") == "only a subject");
  CHECK(first_line("\nafter an empty line").empty());
}

TEST_CASE("starts_with and strip_prefix", "[text]") {
  CHECK(starts_with("refs/tags/v1", "refs/tags/"));
  CHECK(starts_with("abc", ""));
  CHECK_FALSE(starts_with("refs/tag", "refs/tags/"));

  CHECK(strip_prefix("refs/tags/v0.1.0", "refs/tags/") == std::optional<std::string_view>("v0.1.0"));
  CHECK(strip_prefix("refs/tags/", "refs/tags/") == std::optional<std::string_view>(""));
  CHECK_FALSE(strip_prefix("refs/heads/main", "refs/tags/"));
  CHECK_FALSE(strip_prefix("refs/tag", "refs/tags/"));
}

TEST_CASE("join", "[text]") {
  CHECK(join(std::vector<std::string>{"a", "b", "c"}, ", ") == "a, b, c");
  CHECK(join(std::vector<std::string>{"a"}, ", ") == "a");
  CHECK(join(std::vector<std::string>{}, ", ").empty());
  // Empty items keep their separators: the count of items shows.
  CHECK(join(std::vector<std::string>{"", "b", ""}, "|") == "|b|");

  const std::vector<int> numbers = {1, 2, 3};
  CHECK(join(numbers, " or ", [](int n) { return std::to_string(n * 10); }) == "10 or 20 or 30");
  const std::vector<std::string_view> views = {"x", "y"};
  CHECK(join(views, "", [](std::string_view v) { return v; }) == "xy");
  CHECK(join(std::vector<int>{}, ", ", [](int n) { return std::to_string(n); }).empty());
}

TEST_CASE("digits, hex and the zero id", "[text]") {
  CHECK(is_digits("0123456789"));
  CHECK_FALSE(is_digits(""));
  CHECK_FALSE(is_digits("12a"));
  CHECK_FALSE(is_digits("-1"));
  CHECK(is_hex("0123456789abcdef"));
  CHECK_FALSE(is_hex("ABCDEF")); // git writes ids in lower case
  CHECK_FALSE(is_hex(""));

  CHECK(is_zero_id(std::string(40, '0')));
  CHECK(is_zero_id(std::string(64, '0')));
  CHECK_FALSE(is_zero_id(std::string(39, '0')));
  CHECK_FALSE(is_zero_id(std::string(39, '0') + "1"));
}

TEST_CASE("parse_uint: digits only, at most the bound, never overflowing", "[text]") {
  CHECK(parse_uint("0", 9) == std::optional<std::uint64_t>(0));
  CHECK(parse_uint("473", 999) == std::optional<std::uint64_t>(473));
  CHECK(parse_uint("007", 999) == std::optional<std::uint64_t>(7));
  CHECK(parse_uint("999999999", 999'999'999) == std::optional<std::uint64_t>(999'999'999));
  CHECK_FALSE(parse_uint("1000000000", 999'999'999));
  CHECK_FALSE(parse_uint("10", 9));
  CHECK_FALSE(parse_uint("1", 0));
  CHECK(parse_uint("0", 0) == std::optional<std::uint64_t>(0));

  for (std::string bad : {"", "-1", "+1", " 1", "1 ", "1.0", "0x1", "١"}) {
    INFO(bad);
    CHECK_FALSE(parse_uint(bad, 999'999'999));
  }

  constexpr auto top = std::numeric_limits<std::uint64_t>::max();
  CHECK(parse_uint("18446744073709551615", top) == std::optional<std::uint64_t>(top));
  CHECK_FALSE(parse_uint("18446744073709551616", top)); // one past: no wrap-around
  CHECK_FALSE(parse_uint("99999999999999999999999", top));
  CHECK_FALSE(parse_uint(std::string(10'000, '9'), 999'999'999));
}

TEST_CASE("edit distance: insertions, deletions, substitutions, transpositions", "[text]") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("allow", "allow") == 0);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("alow", "allow") == 1);   // an insertion
  CHECK(edit_distance("alllow", "allow") == 1); // a deletion
  CHECK(edit_distance("allaw", "allow") == 1);  // a substitution
  CHECK(edit_distance("alolw", "allow") == 1);  // two letters swapped count once
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("abc", "xyz") == 3);
}

TEST_CASE("closest match: a typo's fix, never a guess", "[text]") {
  const std::vector<std::string> keys = {"allow", "allow_keywords", "docs_paths", "exception_trailer", "ref"};
  CHECK(closest_match("alow", keys) == "allow");
  CHECK(closest_match("docs_path", keys) == "docs_paths");
  CHECK(closest_match("exception_trialer", keys) == "exception_trailer");
  CHECK(closest_match("reff", keys) == "ref");
  // Too far from every candidate to be a typo of one.
  CHECK(closest_match("x", keys).empty());
  CHECK(closest_match("maintainers", keys).empty());
  CHECK(closest_match("alow", {}).empty());
  // Ties go to the first candidate.
  CHECK(closest_match("ab", {"abc", "abd"}) == "abc");
}

TEST_CASE("printable: quoted, control and non-ASCII bytes escaped", "[text]") {
  CHECK(printable("v0.1.0") == "\"v0.1.0\"");
  CHECK(printable("") == "\"\"");
  CHECK(printable("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(printable("a\nb\x1b[31m") == "\"a\\x0ab\\x1b[31m\"");
  CHECK(printable("caf\xc3\xa9") == "\"caf\\xc3\\xa9\"");
  CHECK(printable(std::string_view("a\0b", 3)) == "\"a\\x00b\"");
  CHECK(printable("\x7f") == "\"\\x7f\"");
}

TEST_CASE("shell_quote: plain words as they are, anything else in single quotes", "[text]") {
  CHECK(shell_quote("release/v0.5") == "release/v0.5");
  CHECK(shell_quote("v0.5.0^{commit}:refs/heads/x") == "v0.5.0^{commit}:refs/heads/x");
  CHECK(shell_quote("a=b,c@d+e") == "a=b,c@d+e");
  CHECK(shell_quote("") == "''");
  CHECK(shell_quote("two words") == "'two words'");
  CHECK(shell_quote("$HOME") == "'$HOME'");
  CHECK(shell_quote("it's") == "'it'\\''s'");
  CHECK(shell_quote("a;rm -rf /") == "'a;rm -rf /'");
  CHECK(shell_quote("`x`") == "'`x`'");
}

TEST_CASE("path globs: segments, stars, question marks", "[text][glob]") {
  CHECK(glob_match("a/b", "a/b"));
  CHECK_FALSE(glob_match("a/b", "a/b/c")); // anchored at both ends
  CHECK_FALSE(glob_match("a/b", "x/a/b"));
  CHECK(glob_match("*", "README.md"));
  CHECK_FALSE(glob_match("*", "docs/README.md")); // `*` stays within a segment
  CHECK(glob_match("*.md", ".md"));               // `*` may be empty
  CHECK(glob_match("?", "a"));
  CHECK_FALSE(glob_match("?", ""));
  CHECK_FALSE(glob_match("?", "a/b"));
  CHECK(glob_match("a*b*c", "aXbYc"));
  CHECK(glob_match("a*b*c", "abc"));
  CHECK_FALSE(glob_match("a*b*c", "acb"));
  CHECK(glob_match("docs/*", "docs/*")); // a `*` in a path is a character like any other
  CHECK(glob_match("**", "a"));
  CHECK(glob_match("a/**/b", "a/b"));
  CHECK(glob_match("a/**/b", "a/x/y/b"));
  CHECK_FALSE(glob_match("a/**/b", "a/x/y/c"));
  CHECK(glob_match("", ""));
  CHECK_FALSE(glob_match("", "a"));
}
