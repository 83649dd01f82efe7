#pragma once
// Release words of RELEASES.md as types: versions, lines, and the name
// templates (configurable) that spell tags and branches.

#include "util/unicode.hpp"

#include <compare>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relgate::policy {

// MAJOR.MINOR: a release line.
struct Line {
  std::uint64_t major = 0;
  std::uint64_t minor = 0;
  auto operator<=>(const Line&) const = default;
  std::string str() const; // "0.5"
};

// The largest number a version part (major, minor, patch, rc) may be: nine
// digits. A longer number is not a version: the name templates read at most
// nine digits (names.cpp, pr_branch.cpp).
inline constexpr std::uint64_t k_max_number = 999'999'999;

// vMAJOR.MINOR.PATCH[-rcN]
struct Version {
  std::uint64_t major = 0;
  std::uint64_t minor = 0;
  std::uint64_t patch = 0;
  std::optional<std::uint64_t> rc;
  Line line() const { return {major, minor}; }
  auto operator<=>(const Version&) const = default;
};

// The kind of a release tag, as `ci.required_for` names it.
enum class TagKind { rc, final, patch };
TagKind kind_of(const Version& v);
const char* to_string(TagKind kind);

// A template's text split into literal text and {placeholders}.
struct TemplatePart {
  bool placeholder = false;
  std::string text; // literal text, or the placeholder's name
};

// Splits `text` into parts: each placeholder one of `allowed`, at most once;
// two placeholders side by side only with `adjacent_ok`. nullopt, with
// *error naming `text` ("unclosed \"{\" in <kind>\"...\""), otherwise. Name
// templates and the templates of backports' pull-request branches both
// read their text so.
std::optional<std::vector<TemplatePart>> split_template(std::string_view text, const std::vector<std::string>& allowed,
                                                        std::string_view kind, bool adjacent_ok, std::string* error);

// A name pattern such as "v{major}.{minor}.{patch}-rc{rc}": literal text and
// placeholders. Numbers match decimal without leading zeros.
class NameTemplate {
public:
  NameTemplate() = default;
  // Parses `text`; every placeholder of `required` must appear once, no
  // other placeholder may. Returns nullopt and sets `error` otherwise.
  static std::optional<NameTemplate> compile(std::string_view text, const std::vector<std::string>& required,
                                             std::string* error);
  // The fields of `name` when it matches exactly; absent placeholders are 0.
  std::optional<Version> match(std::string_view name) const;
  // The release name a folded name (unicode::fold) imitates, read by UTS #39
  // skeletons: each of the template's characters is matched by one with the
  // same skeleton (0 and O, 1 and l, ν and v), or by any one character
  // outside ASCII (ʋ, the Arabic decimal separator ٫: the skeleton of ʋ is
  // u, and that of ٫ a comma); each number by a run of digits and digit
  // look-alikes (O, l, I, Cyrillic О). nullopt when it does not read as one,
  // or has more than k_max_imitation_letters letters. A release name reads
  // as itself: ask about names that are not release names.
  std::optional<Version> imitated_by(const std::vector<unicode::Letter>& letters) const;
  static constexpr std::size_t k_max_imitation_letters = 256;
  std::string render(const Version& v) const;
  // The template with placeholders shown as X, Y, Z and N: "vX.Y.Z-rcN".
  std::string display() const;
  // The literal text before the first placeholder ("release/v").
  std::string literal_prefix() const;
  const std::string& text() const { return m_text; }

private:
  // The version the placeholders' matched values spell, in template order.
  Version version_of(const std::vector<std::uint64_t>& values) const;
  using Part = TemplatePart;
  bool match_from(std::string_view name, std::size_t part, std::size_t pos, std::vector<std::uint64_t>& values) const;

  std::string m_text;
  std::vector<Part> m_parts;
  bool m_compiled = false; // set by compile(); a default NameTemplate matches nothing
};

} // namespace relgate::policy
