#pragma once
// Release words of RELEASES.md as types: versions, lines, and the name
// templates (configurable) that spell tags and branches.

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
  std::string render(const Version& v) const;
  // The template with placeholders shown as X, Y, Z and N: "vX.Y.Z-rcN".
  std::string display() const;
  // The literal text before the first placeholder ("release/v").
  std::string literal_prefix() const;
  const std::string& text() const { return m_text; }

private:
  struct Part {
    bool placeholder = false;
    std::string text; // literal text, or the placeholder's name
  };
  bool match_from(std::string_view name, std::size_t part, std::size_t pos, std::vector<std::uint64_t>& values) const;

  std::string m_text;
  std::vector<Part> m_parts;
  bool m_compiled = false; // set by compile(); a default NameTemplate matches nothing
};

} // namespace relgate::policy
