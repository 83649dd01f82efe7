// Access (A1), overrides (A2), CI evidence (A3), the versioned policy ref
// (P1), and the ref namespaces the rules rely on.

#include "policy/engine_internal.hpp"
#include "policy/policy_loader.hpp"

#include "util/error.hpp"
#include "util/text.hpp"

#include <algorithm>

namespace relgate::policy::detail {

namespace {
std::string who(const Judgement& j) { return j.pusher_text(); }

std::string maintainer_list(const Policy& p) { return join(p.access.maintainers, ", "); }
} // namespace

// A1: release tags, release branch creation and the policy ref are pushed
// only by maintainers, when maintainers are configured. (Freeze refs are
// F2's.)
void judge_access(Judgement& j, const RefUpdate& u) {
  if (!j.enabled(RuleId::A1)) return;
  // The policy decides who the maintainers are, so with nobody named nobody
  // may push it: the administrator names the first maintainers on the host.
  // (A clone cannot see the server's host files, where they are named.)
  if (u.ref == Policy::k_policy_ref && j.policy.access.maintainers.empty() && !j.request.advisory) {
    const std::string places = join(j.policy.host.places, " or ");
    j.add(RuleId::A1, u, "nobody may push the policy while no maintainers are named",
          {"the administrator names them first, in host configuration" + (places.empty() ? std::string() : " (" + places + ")") +
           ": [access] maintainers = [\"name\"]"},
          u.is_delete() ? std::nullopt : j.peel(u.new_id));
    return;
  }
  std::string what;
  const auto tag = repo::tag_name(u.ref), branch = repo::branch_name(u.ref);
  if (tag && parse_release_tag(j.policy, *tag)) {
    what = "release tags";
  } else if (branch && u.is_create() && j.policy.release_branch.match(*branch)) {
    what = "new release branches";
  } else if (u.ref == Policy::k_policy_ref) {
    what = "the policy";
  } else {
    return;
  }
  if (j.pusher_is_maintainer()) return;
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

namespace {
// A maintainer refused by a rule gets the one command that overrides it on
// both sides (the client hook reads RELGATE_OVERRIDE, the server the push
// option), when an override can let the push through (not P1).
void offer_override(Judgement& j) {
  if (!j.verdict.rejected() || j.policy.access.maintainers.empty() || !j.enabled(RuleId::A2)) return;
  if (!j.pusher_may_be_maintainer() || !j.request.offer_override) return;
  std::vector<std::string> refs;
  for (const auto& v : j.verdict.violations) {
    if (v.severity != Severity::error) continue;
    if (v.rule == RuleId::P1) return; // never overridden
    const std::string name(repo::branch_name(v.ref).value_or(repo::tag_name(v.ref).value_or(v.ref)));
    if (!name.empty() && std::find(refs.begin(), refs.end(), name) == refs.end()) refs.push_back(name);
  }
  if (refs.empty()) return;
  const std::string targets = " " + join(refs, " ", shell_quote);
  j.verdict.notes.push_back(std::string(j.request.pusher_unknown_here ? "if you are a maintainer, you" : "as a maintainer you") +
                            " may push past this once, with a reason for the audit log: RELGATE_OVERRIDE=\"<reason>\" "
                            "git push -o relgate.override=\"<reason>\" " + j.request.remote + targets);
}
} // namespace

// A2: a maintainer's override lets errors through (they are still shown and
// logged); anyone else's override is itself refused. An override needs
// maintainers to be configured: with nobody named, nobody may override.
void apply_override(Judgement& j) {
  if (!j.request.override_reason) {
    offer_override(j);
    return;
  }
  const auto& maintainers = j.policy.access.maintainers;
  bool allowed = !maintainers.empty() && j.pusher_is_maintainer();
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
  if (any) j.verdict.override_by = j.request.pusher.value_or("you") + ": " + *j.request.override_reason;
}

// A3: when access.ci_writers names CI's identities, only they write CI
// results, and what is recorded stays: a later line may be added to a
// commit's note, an earlier one is never changed or removed.
void judge_ci_notes(Judgement& j, const RefUpdate& u) {
  if (!j.enabled(RuleId::A3) || j.policy.access.ci_writers.empty()) return;
  const std::string writers = join(j.policy.access.ci_writers, ", ");
  if (!j.pusher_is_ci_writer()) {
    j.add(RuleId::A3, u,
          "only CI records results on " + u.ref + " (access.ci_writers: " + writers + "; this push is by " + who(j) + ")",
          {"CI writes its results itself (relgate ci record ... --push " + j.request.remote +
               "); wait for it, or re-run the checks in CI",
           "a result typed by a person is no evidence that CI passed"});
    return;
  }
  if (u.is_create() || u.is_delete()) return;
  std::vector<CommitRef> changed;
  for (const auto& object : j.repo.changed_notes(u.old_id, u.new_id)) {
    auto before = j.repo.note(u.old_id, object);
    if (!before) continue; // a new note: results added
    auto after = j.repo.note(u.new_id, object);
    if (after && starts_with(*after, *before)) continue; // lines added after what was there
    changed.push_back({object, ""});
  }
  if (changed.empty()) return;
  j.add(RuleId::A3, u,
        "CI results are append-only: this push changes or removes recorded results of " + std::to_string(changed.size()) +
            (changed.size() == 1 ? " commit" : " commits"),
        {"record a new result instead (a later line for the same check counts): relgate ci record <commit> <check> <state>"},
        std::move(changed));
}

namespace {
// The refs the rules rely on, and the rule that owns each: a ref whose name
// is a directory of one of them, or lies below a single ref, makes git
// refuse to create it (a directory/file conflict).
struct Namespace {
  std::string name; // a directory ("refs/heads/release/") or a single ref
  RuleId rule;
  std::string what;
};

std::vector<Namespace> namespaces(const Policy& p) {
  auto dir_of = [](std::string_view prefix, const std::string& literal) {
    auto slash = literal.rfind('/');
    return slash == std::string::npos ? std::string() : std::string(prefix) + literal.substr(0, slash + 1);
  };
  std::vector<Namespace> out;
  if (auto d = dir_of(repo::k_heads, p.release_branch.literal_prefix()); !d.empty())
    out.push_back({d, RuleId::B1, "release branches"});
  if (auto d = dir_of(repo::k_tags, p.final_tag.literal_prefix()); !d.empty())
    out.push_back({d, RuleId::T1, "release tags"});
  if (auto d = dir_of(repo::k_tags, p.rc_tag.literal_prefix()); !d.empty()) out.push_back({d, RuleId::T1, "rc tags"});
  out.push_back({p.freeze_ref_dir(), RuleId::F2, "freeze declarations"});
  out.push_back({p.main_ref(), RuleId::B1, "the main branch"});
  out.push_back({p.ci.notes_ref, RuleId::A3, "CI results"});
  out.push_back({Policy::k_policy_ref, RuleId::P1, "the versioned policy"});
  return out;
}
} // namespace

// A new ref that would block a namespace the rules rely on (git cannot
// have refs/heads/release and refs/heads/release/v0.1 at once) is refused
// by the rule that owns the namespace.
void judge_namespaces(Judgement& j, const RefUpdate& u) {
  for (const auto& ns : namespaces(j.policy)) {
    bool dir = !ns.name.empty() && ns.name.back() == '/';
    std::string base = dir ? ns.name.substr(0, ns.name.size() - 1) : ns.name;
    bool blocks = starts_with(base, u.ref + "/") || (dir && u.ref == base) || (!dir && starts_with(u.ref, base + "/"));
    if (!blocks) continue;
    j.add(ns.rule, u,
          printable(u.ref) + " would block " + ns.what + " (" + ns.name + (dir ? "*" : "") +
              "): git cannot keep a ref and a directory of the same name",
          {"push it under another name"}, j.peel(u.new_id));
  }
}

} // namespace relgate::policy::detail
