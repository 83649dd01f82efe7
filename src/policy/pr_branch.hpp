#pragma once
// Backport pull-request branches (backport.pr_branches): the topic branches
// that carry a backport on its way to a release branch, such as
// backport-21-to-release/v0.5 (backport bots), mergify/bp/release/v0.5/pr-21
// or backport/v0.5/crash-fix. Each is named by a template whose placeholders
// name the line.

#include "policy/names.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relgate::policy {

struct Policy;

// A name template with the placeholders {release} (the line's release
// branch, spelled as branches.release), {major} and {minor} (the line's
// numbers), {pr} (a pull-request number) and {topic} (any text, at least one
// character). Numbers are decimal without leading zeros.
class PrBranchTemplate {
public:
  // Parses `text`. Each placeholder appears at most once, and the template
  // names a line: {release}, or {major} and {minor} (not both ways). Returns
  // nullopt and sets `error` otherwise.
  static std::optional<PrBranchTemplate> compile(std::string_view text, std::string* error);

  // The line `name` names when it matches exactly; `release` spells {release}.
  std::optional<Line> match(std::string_view name, const NameTemplate& release) const;
  // The name for line `l`; nullopt when the template takes {pr} and `pr` is
  // none, or takes {topic} and `topic` is empty.
  std::optional<std::string> render(Line l, const NameTemplate& release, std::optional<std::uint64_t> pr,
                                    std::string_view topic) const;
  // Placeholders shown as X, Y, <N> and <topic>: "backport-<N>-to-release/vX.Y".
  std::string display(const NameTemplate& release) const;
  const std::string& text() const { return m_text; }

private:
  using Part = TemplatePart;
  std::vector<Part> expanded(const NameTemplate& release) const;

  std::string m_text;
  std::vector<Part> m_parts;
};

// The line that `name` (a branch name without refs/heads/) names as a
// backport pull-request branch under policy.backport.pr_branches, the first
// template that matches deciding.
std::optional<Line> pr_branch_line(const Policy& policy, std::string_view name);

} // namespace relgate::policy
