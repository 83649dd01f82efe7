#pragma once
// Shared by the rule files (tag_rules.cpp, branch_rules.cpp): what a rule
// sees while the engine judges one push.

#include "policy/engine.hpp"

#include <map>

namespace relgate::policy::detail {

class Judgement {
public:
  Judgement(const repo::Repository& repo, const Policy& policy, const ci::Provider& ci, const Request& request);

  const repo::Repository& repo;
  const Policy& policy;
  const ci::Provider& ci;
  const Request& request;
  RefMap after;
  ReleaseState before_state;
  ReleaseState after_state;
  Verdict verdict;

  // Records a violation unless the rule is off; the severity is the policy's.
  void add(RuleId rule, const RefUpdate& update, std::string why, std::vector<std::string> hints = {},
           std::optional<repo::ObjectId> commit = std::nullopt);
  bool enabled(RuleId rule) const { return policy.severity_of(rule) != Severity::off; }

  // The commit an object peels to (cached); nullopt for non-commits.
  std::optional<repo::ObjectId> peel(const repo::ObjectId& id);
  bool is_ancestor(const repo::ObjectId& ancestor, const repo::ObjectId& descendant);
  std::optional<repo::ObjectId> after_ref(const std::string& ref) const;
  std::string main_ref() const { return policy.main_ref(); }
  std::string main_name() const { return policy.main_branch; }
  // "origin/main" for hint commands.
  std::string remote_branch(const std::string& branch) const { return request.remote + "/" + branch; }
  std::string release_branch_name(Line l) const { return policy.release_branch.render({l.major, l.minor, 0, {}}); }
  std::string final_name(Line l, std::uint64_t patch = 0) const {
    return policy.final_tag.render({l.major, l.minor, patch, {}});
  }
  std::string rc_name(Line l, std::uint64_t n) const { return policy.rc_tag.render({l.major, l.minor, 0, n}); }
  std::string push_cmd(const std::string& what) const { return "  git push " + request.remote + " " + what; }

private:
  std::map<repo::ObjectId, std::optional<repo::ObjectId>> m_peeled;
  std::map<std::pair<repo::ObjectId, repo::ObjectId>, bool> m_ancestry;
};

void judge_tag(Judgement& j, const RefUpdate& u);
void judge_branch(Judgement& j, const RefUpdate& u);
void judge_main_freeze(Judgement& j, const RefUpdate& u);
void judge_freeze_ref(Judgement& j, const RefUpdate& u);

} // namespace relgate::policy::detail
