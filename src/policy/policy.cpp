#include "policy/policy.hpp"

namespace relgate::policy {

namespace {
using S = Severity;
// The rule book's ids, names and default severities.
constexpr std::array<RuleInfo, static_cast<std::size_t>(RuleId::count_)> k_rules = {{
    {RuleId::T1, "T1", "tag-name", S::error},
    {RuleId::T2, "T2", "tag-immutable", S::error},
    {RuleId::T3, "T3", "rc-only-for-minor", S::error},
    {RuleId::T4, "T4", "rc-sequence", S::error},
    {RuleId::T5, "T5", "next-line", S::error},
    {RuleId::T6, "T6", "final-is-last-rc", S::error},
    {RuleId::T7, "T7", "patch-sequence", S::error},
    {RuleId::T8, "T8", "ci-green", S::error},
    {RuleId::T9, "T9", "tag-annotated", S::off},
    {RuleId::B1, "B1", "branch-name", S::error},
    {RuleId::B2, "B2", "branch-from-tag", S::error},
    {RuleId::B3, "B3", "no-rewrite", S::error},
    {RuleId::B4, "B4", "backport-provenance", S::error},
    {RuleId::B5, "B5", "backport-kind", S::warn},
    {RuleId::B6, "B6", "eol-line", S::error},
    {RuleId::B7, "B7", "pick-direction", S::warn},
    {RuleId::F1, "F1", "freeze-fixes-only", S::error},
    {RuleId::F2, "F2", "freeze-declare", S::error},
    {RuleId::A1, "A1", "maintainers-only", S::error},
    {RuleId::A2, "A2", "override", S::error},
    {RuleId::A3, "A3", "ci-evidence", S::error},
    {RuleId::P1, "P1", "policy-valid", S::error},
}};

// One row per RuleId, at its index: a missing row (left zero, so T1's id)
// or rows out of order do not compile, and rule_info(id) is id's row.
constexpr bool rows_match_rule_ids() {
  for (std::size_t i = 0; i < k_rules.size(); ++i) {
    if (k_rules[i].id != static_cast<RuleId>(i) || k_rules[i].code.empty() || k_rules[i].name.empty()) return false;
  }
  return true;
}
static_assert(rows_match_rule_ids(), "k_rules needs one row per RuleId, in RuleId's order");
} // namespace

const char* to_string(Severity s) {
  switch (s) {
  case Severity::off: return "off";
  case Severity::warn: return "warn";
  case Severity::error: return "error";
  }
  return "?";
}

bool AccessPolicy::is_maintainer(const std::optional<std::string>& who) const {
  if (maintainers.empty()) return true;
  if (!who) return false;
  for (const auto& m : maintainers) {
    if (m == *who) return true;
  }
  return false;
}

const RuleInfo& rule_info(RuleId id) { return k_rules[static_cast<std::size_t>(id)]; }

const std::array<RuleInfo, static_cast<std::size_t>(RuleId::count_)>& all_rules() { return k_rules; }

std::string render_path(const std::string& tmpl, const Version& v) {
  std::string out;
  for (std::size_t i = 0; i < tmpl.size();) {
    if (tmpl.compare(i, 7, "{major}") == 0) {
      out += std::to_string(v.major);
      i += 7;
    } else if (tmpl.compare(i, 7, "{minor}") == 0) {
      out += std::to_string(v.minor);
      i += 7;
    } else if (tmpl.compare(i, 7, "{patch}") == 0) {
      out += std::to_string(v.patch);
      i += 7;
    } else {
      out += tmpl[i++];
    }
  }
  return out;
}

} // namespace relgate::policy
