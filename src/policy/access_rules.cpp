// Access (A1), overrides (A2) and the versioned policy ref (P1).

#include "policy/engine_internal.hpp"
#include "policy/policy_loader.hpp"

#include "util/error.hpp"
#include "util/text.hpp"

namespace relgate::policy::detail {

namespace {
std::string who(const Judgement& j) { return printable(j.request.pusher.value_or("an unknown user")); }

std::string maintainer_list(const Policy& p) {
  std::string s;
  for (const auto& m : p.access.maintainers) s += (s.empty() ? "" : ", ") + m;
  return s;
}
} // namespace

// A1: release tags, release branch creation and the policy ref are pushed
// only by maintainers, when maintainers are configured. (Freeze refs are
// F2's.)
void judge_access(Judgement& j, const RefUpdate& u) {
  if (!j.enabled(RuleId::A1)) return;
  // The policy decides who the maintainers are, so with nobody named nobody
  // may push it: the administrator names the first maintainers on the host.
  if (u.ref == Policy::k_policy_ref && j.policy.access.maintainers.empty()) {
    const std::string places = join(j.policy.host.places, " or ");
    j.add(RuleId::A1, u, "nobody may push the policy while no maintainers are named",
          {"the administrator names them first, in host configuration" + (places.empty() ? std::string() : " (" + places + ")") +
           ": [access] maintainers = [\"name\"]"},
          u.is_delete() ? std::nullopt : j.peel(u.new_id));
    return;
  }
  if (j.policy.access.is_maintainer(j.request.pusher)) return;
  std::string what;
  if (starts_with(u.ref, "refs/tags/") && parse_release_tag(j.policy, u.ref.substr(10))) {
    what = "release tags";
  } else if (starts_with(u.ref, "refs/heads/") && u.is_create() &&
             j.policy.release_branch.match(u.ref.substr(11))) {
    what = "new release branches";
  } else if (u.ref == Policy::k_policy_ref) {
    what = "the policy";
  } else {
    return;
  }
  j.add(RuleId::A1, u, "only maintainers push " + what + " (this push is by " + who(j) + ")",
        {"maintainers: " + maintainer_list(j.policy) + "; ask one of them to push it"},
        u.is_delete() ? std::nullopt : j.peel(u.new_id));
}

// P1: a policy pushed to refs/meta/relgate must load, and may set only
// repository policy (config_keys.hpp); it takes effect for the pushes after
// this one. P1 is never overridden (apply_override).
void judge_policy_ref(Judgement& j, const RefUpdate& u) {
  if (u.is_delete() || !j.enabled(RuleId::P1)) return;
  const std::string source = std::string(Policy::k_policy_ref) + ":" + Policy::k_policy_file;
  auto text = j.repo.read_file(u.new_id, Policy::k_policy_file);
  if (!text) {
    j.add(RuleId::P1, u, "the policy commit has no " + std::string(Policy::k_policy_file) + " at its top level", {});
    return;
  }
  try {
    check_pushed_policy(*text, source, j.policy);
  } catch (const Error& e) {
    j.add(RuleId::P1, u, std::string("the policy does not load: ") + e.what(),
          {"fix it and push again; the policy in force stays as it was"});
  }
}

// A2: a maintainer's override lets errors through (they are still shown and
// logged); anyone else's override is itself refused. An override needs
// maintainers to be configured: with nobody named, nobody may override.
void apply_override(Judgement& j) {
  if (!j.request.override_reason) return;
  const auto& maintainers = j.policy.access.maintainers;
  bool allowed = !maintainers.empty() && j.policy.access.is_maintainer(j.request.pusher);
  if (!allowed) {
    RefUpdate any = j.request.updates.empty() ? RefUpdate{} : j.request.updates.front();
    j.add(RuleId::A2, any,
          "only maintainers may override the release policy (override asked by " + who(j) + ": " +
              printable(*j.request.override_reason) + ")",
          {maintainers.empty() ? "no maintainers are configured (access.maintainers), so nobody may override"
                               : "maintainers: " + maintainer_list(j.policy)});
    return;
  }
  bool any = false;
  for (auto& v : j.verdict.violations) {
    // A policy that does not load, or sets host keys, would break the
    // server for every push after this one: no override lets it in.
    if (v.severity == Severity::error && v.rule != RuleId::P1) {
      v.severity = Severity::warn;
      v.overridden = true;
      any = true;
    }
  }
  if (any) j.verdict.override_by = *j.request.pusher + ": " + *j.request.override_reason;
}

} // namespace relgate::policy::detail
