#pragma once
// The policy: which names mean what, and how severe each rule is. Loaded from
// TOML by policy_loader.hpp; the built-in default is config/relgate.toml.

#include "ci/ci.hpp"
#include "policy/names.hpp"

#include <array>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

namespace relgate::policy {

enum class Severity { off, warn, error };
const char* to_string(Severity s);

// Every rule of RULEBOOK.md that relgate implements. A new rule gets an
// entry here, in k_rules (policy.cpp), and a check in the engine.
enum class RuleId { T1, T2, T3, T4, T5, T6, T7, T8, T9, B1, B2, B3, count_ };

struct RuleInfo {
  RuleId id;
  std::string_view code;  // "T4"
  std::string_view name;  // "rc-sequence": the key in [rules]
  Severity default_severity;
};

const RuleInfo& rule_info(RuleId id);
const std::array<RuleInfo, static_cast<std::size_t>(RuleId::count_)>& all_rules();

struct CiPolicy {
  std::string provider = "notes";
  std::string notes_ref = "refs/notes/ci";
  ci::Requirements requirements;
  std::set<TagKind> required_for = {TagKind::patch};
  int timeout_ms = 3000;
};

struct Policy {
  std::string source = "built-in policy"; // where it was read from, for messages
  std::string main_branch = "main";       // short name, under refs/heads/
  NameTemplate release_branch;            // release/v{major}.{minor}
  std::shared_ptr<re2::RE2> release_branch_like; // near misses of release_branch
  NameTemplate final_tag;                 // v{major}.{minor}.{patch}: final and patch tags
  NameTemplate rc_tag;                    // v{major}.{minor}.{patch}-rc{rc}
  std::shared_ptr<re2::RE2> version_like; // tags that look like a version (T1)
  bool other_tags_allowed = true;         // tags.other
  std::array<Severity, static_cast<std::size_t>(RuleId::count_)> severity{};
  CiPolicy ci;

  Severity severity_of(RuleId id) const { return severity[static_cast<std::size_t>(id)]; }
  std::string main_ref() const { return "refs/heads/" + main_branch; }
};

} // namespace relgate::policy
