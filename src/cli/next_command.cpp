#include "cli/next_command.hpp"

#include "ci/providers.hpp"
#include "cli/clone_view.hpp"
#include "git/libgit2_repository.hpp"
#include "policy/freeze.hpp"
#include "policy/known_refs.hpp"
#include "policy/overview.hpp"
#include "policy/pr_branch.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <iostream>

#include <nlohmann/json.hpp>
#include <re2/re2.h>

namespace relgate::cli {

namespace {

std::optional<policy::Line> parse_line(const std::string& text) {
  std::string_view s = text;
  if (!s.empty() && (s[0] == 'v' || s[0] == 'V')) s.remove_prefix(1);
  auto dot = s.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  auto major = parse_uint(s.substr(0, dot), policy::k_max_number);
  auto minor = parse_uint(s.substr(dot + 1), policy::k_max_number);
  if (!major || !minor) return std::nullopt;
  return policy::Line{*major, *minor};
}

struct Plan {
  policy::NextStep step;
  bool ready = true;
  std::string not_now;                // why not, when !ready
  std::vector<std::string> notes;     // prose before the commands
  std::vector<std::string> commands;
  std::vector<std::string> after;     // what comes once the commands are done
};

// RELEASES.md, backport phase step 1: cherry-pick the fix from main and
// raise a pull request to the release branch of each supported line.
int backport(const git::Libgit2Repository& repo, const policy::Policy& pol, const policy::RefMap& refs,
             const policy::ReleaseState& state, const NextOptions& opts, const std::optional<policy::Line>& only_line) {
  const std::string& r = opts.remote;
  const repo::ObjectId sha = repo.resolve_commit(opts.commit);
  const std::string short_sha = repo::short_id(sha);
  const repo::Commit commit = repo.commit(sha);
  auto main_it = refs.find(pol.main_ref());
  auto main_tip = main_it == refs.end() ? std::nullopt : repo.peel_to_commit(main_it->second);
  if (!main_tip || !repo.is_ancestor(sha, *main_tip)) {
    std::cout << "relgate: no backport of " << short_sha << " now: it is not on " << pol.main_branch
              << "; fixes land on " << pol.main_branch << " first and are backported from there (B4)\n";
    return 1;
  }
  std::vector<policy::Line> lines;
  if (only_line) {
    const auto* ls = state.line(*only_line);
    std::string why;
    if (!ls || !ls->released()) why = only_line->str() + " is not released";
    else if (const auto* by = state.eol_by(*only_line)) why = only_line->str() + " is end of life since " + by->name + " (B6)";
    else if (!ls->branch) why = only_line->str() + " has no release branch yet (relgate next branch)";
    if (!why.empty()) {
      std::cout << "relgate: no backport to " << only_line->str() << " now: " << why << '\n';
      return 1;
    }
    lines.push_back(*only_line);
  } else {
    for (auto l : state.supported_lines()) {
      if (state.line(l)->branch) lines.push_back(l);
    }
  }
  if (lines.empty()) {
    std::cout << "relgate: no backport now: no supported line has a release branch\n";
    return 1;
  }
  auto cls = policy::classify_for_freeze(
      pol, commit, [&](const std::function<bool(const std::string&)>& keep) { return repo.changes_only(sha, keep); },
      true);
  bool any = false;
  for (auto l : lines) {
    const std::string branch = pol.release_branch.render({l.major, l.minor, 0, {}});
    auto tip = repo.peel_to_commit(*state.line(l)->branch);
    std::cout << "next backport: " << short_sha << " " << commit.subject() << " to " << branch << '\n';
    bool done = tip && repo.is_ancestor(sha, *tip);
    if (!done && tip) { // picked before? its cherry-pick line names the commit
      for (const auto& id : repo.new_commits(*tip, {*main_tip})) {
        if (repo.commit(id).message.find("cherry picked from commit " + sha) != std::string::npos) done = true;
      }
    }
    if (done) {
      std::cout << "  not now: " << branch << " has it already\n";
      continue;
    }
    any = true;
    if (!cls.allowed) {
      std::cout << "  note: " << cls.why << "; backports are bug fixes, security fixes or docs (B5 warns)\n";
    }
    // A pull-request branch the server judges as a backport to the line
    // (backport.pr_branches): the first template that can be spelled with
    // the commit's pull-request number, if it names one, and its sha.
    std::string topic = "backport-v" + l.str() + "-" + short_sha;
    std::optional<std::uint64_t> pr;
    if (pol.backport.main_pr) {
      std::string number;
      if (RE2::PartialMatch(commit.subject(), *pol.backport.main_pr, &number)) {
        pr = parse_uint(number, policy::BackportPolicy::k_max_pr_number);
      }
    }
    for (const auto& t : pol.backport.pr_branches) {
      if (auto name = t.render(l, pol.release_branch, pr, "fix-" + short_sha)) {
        topic = *name;
        break;
      }
    }
    std::cout << "  cherry-pick it onto " << branch << " and raise a pull request to " << branch << ":\n"
              << "    git fetch " << r << '\n'
              << "    git switch -c " << topic << " " << r << "/" << branch << '\n'
              << "    git cherry-pick -x " << short_sha << '\n'
              << "    git push " << r << " " << topic << '\n'
              << "  once it is merged and CI passes on " << branch << ": relgate next patch --line " << l.str() << '\n';
  }
  return any ? 0 : 1;
}

} // namespace

int run_next(const GlobalOptions& global, const NextOptions& opts) {
  if (!opts.step.empty() && opts.step != "rc" && opts.step != "final" && opts.step != "branch" &&
      opts.step != "patch" && opts.step != "backport") {
    throw Error("unknown step \"" + opts.step + "\" (use rc, final, branch, patch or backport)");
  }
  if ((opts.step == "backport") != !opts.commit.empty()) {
    throw Error(opts.step == "backport" ? "next backport needs the commit on main to backport: relgate next backport <commit>"
                                        : "only next backport takes a commit");
  }
  std::optional<policy::Line> only_line;
  if (!opts.line.empty()) {
    only_line = parse_line(opts.line);
    if (!only_line) throw Error("--line takes a release line such as 0.5, not \"" + opts.line + "\"");
  }
  auto repo = git::Libgit2Repository::open(global.repo_dir);
  policy::Policy pol = load_policy(global, *repo);
  const std::string remote = view_remote(*repo, opts.remote);
  auto refs = clone_refs(*repo, pol, remote, true);
  policy::ReleaseState state(refs, pol);
  // In a clone the answer is only as new as the last fetch: say so.
  const auto age = view_age(*repo, remote);
  if (age && opts.format != "json") std::cout << "(" << *age << ")\n";
  NextOptions resolved = opts;
  resolved.remote = remote.empty() ? "origin" : remote;
  if (opts.step == "backport") {
    if (opts.format == "json") throw Error("next backport prints text only (drop --format json)");
    return backport(*repo, pol, refs, state, resolved, only_line);
  }
  const std::string& r = resolved.remote;
  const std::string main = pol.main_branch;

  auto ref_commit = [&](const std::string& ref) -> std::optional<repo::ObjectId> {
    auto it = refs.find(ref);
    if (it == refs.end()) return std::nullopt;
    return repo->peel_to_commit(it->second);
  };
  auto main_tip = ref_commit(pol.main_ref());
  std::unique_ptr<ci::Provider> provider;

  std::vector<Plan> plans;
  for (const auto& step : policy::next_steps(state, pol)) {
    if (only_line && step.line != *only_line) continue;
    if (!opts.step.empty() && opts.step != policy::to_string(step.kind)) continue;
    Plan p{step, true, {}, {}, {}, {}};
    const policy::LineState* ls = state.line(step.line);
    switch (step.kind) {
    case policy::StepKind::rc: {
      const policy::TagEntry* last = ls ? ls->highest_rc() : nullptr;
      const policy::TagEntry* newest = last; // what main must have moved past
      if (!newest) {
        if (auto h = state.highest_line()) {
          const auto* hs = state.line(*h);
          newest = hs->latest_release() ? hs->latest_release() : hs->highest_rc();
        }
      }
      auto last_commit = newest ? repo->peel_to_commit(newest->target) : std::nullopt;
      if (!main_tip) {
        p.ready = false;
        p.not_now = "there is no " + main + " branch to cut it from";
      } else if (last_commit && *last_commit == *main_tip) {
        p.ready = false;
        p.not_now = main + " has nothing new since " + newest->name + " (" + repo::short_id(*main_tip) + "); land " +
                    (last ? "the fix" : "new work") + " on " + main + " first";
      } else {
        if (!last) {
          std::string release = pol.final_tag.render({step.line.major, step.line.minor, 0, {}});
          const bool declare = !refs.count(pol.freeze.ref.render({step.line.major, step.line.minor, 0, {}}));
          if (declare) {
            p.notes.push_back("first tell the community that " + main + " is frozen for " + release +
                              " (RELEASES.md, RC phase step 1):");
            p.notes.push_back("  relgate freeze start " + release + " --remote " + r);
          }
          // "then" only after a first step.
          p.notes.push_back(std::string(declare ? "then cut" : "cut") + " the first release candidate from " + main + ":");
        }
        p.commands = {"git fetch " + r, "git tag " + step.name + " " + r + "/" + main, "git push " + r + " " + step.name};
      }
      break;
    }
    case policy::StepKind::final: {
      const policy::TagEntry* last = ls->highest_rc();
      auto rc_commit = repo->peel_to_commit(last->target);
      if (main_tip && rc_commit && *main_tip == *rc_commit) {
        p.commands = {"git fetch " + r, "git tag " + step.name + " " + r + "/" + main, "git push " + r + " " + step.name};
      } else {
        p.notes.push_back(main + " moved on after " + last->name + "; the final release is exactly what " + last->name +
                          " tested (or cut another rc first):");
        p.commands = {"git fetch " + r + " --tags", "git tag " + step.name + " " + last->name + "^{}",
                      "git push " + r + " " + step.name};
      }
      p.after.push_back("then create " + pol.release_branch.render({step.line.major, step.line.minor, 0, {}}) +
                        " from it (relgate next branch)");
      break;
    }
    case policy::StepKind::branch:
      p.commands = {"git fetch " + r + " --tags", "git branch " + step.name + " " + step.from,
                    "git push " + r + " " + step.name};
      break;
    case policy::StepKind::patch: {
      auto tip = ls->branch ? repo->peel_to_commit(*ls->branch) : std::nullopt;
      auto rel = repo->peel_to_commit(ls->latest_release()->target);
      if (!tip) {
        p.ready = false;
        p.not_now = step.from + " does not name a commit";
      } else if (rel && *tip == *rel) {
        p.ready = false;
        p.not_now = step.from + " has nothing since " + ls->latest_release()->name + "; backport a fix first";
      } else {
        bool needs_ci = pol.ci.required_for.count(policy::TagKind::patch) &&
                        pol.severity_of(policy::RuleId::T8) == policy::Severity::error;
        if (needs_ci) {
          if (!provider) provider = ci::make_provider(*repo, pol.ci);
          auto result = provider->status(*tip, [&](const std::string& ref) -> std::optional<repo::ObjectId> {
            auto it = refs.find(ref);
            if (it != refs.end()) return it->second;
            auto found = repo->refs(ref);
            for (const auto& x : found) {
              if (x.name == ref) return x.target;
            }
            return std::nullopt;
          });
          if (result.status != ci::Status::green) {
            p.ready = false;
            p.not_now = "CI on " + step.from + " (" + repo::short_id(*tip) + ") is " + ci::to_string(result.status) +
                        (result.reason.empty() ? "" : ": " + result.reason) +
                        "; do not cut the tag until all CI passes";
          }
        }
        p.commands = {"git fetch " + r, "git tag " + step.name + " " + r + "/" + step.from,
                      "git push " + r + " " + step.name};
      }
      break;
    }
    }
    plans.push_back(std::move(p));
  }

  if (plans.empty()) {
    std::string what = opts.step.empty() ? "no step" : "no " + opts.step + " step";
    std::string where = only_line ? " for " + only_line->str() : "";
    std::string why;
    if (only_line) {
      const auto* ls = state.line(*only_line);
      if (!ls || !ls->has_tags()) why = only_line->str() + " has no tags; the next line is " + policy::next_line_after(state).str();
      else if (state.eol_by(*only_line)) why = only_line->str() + " is end of life since " + state.eol_by(*only_line)->name;
      else if (ls->released()) why = only_line->str() + " is released (latest " + ls->latest_release()->name + ")";
      else why = only_line->str() + " is in its RC phase (latest " + ls->highest_rc()->name + ")";
    } else if (opts.step == "final" || opts.step == "rc") {
      why = "no line is in its RC phase";
    } else if (opts.step == "branch") {
      why = "every supported line has its release branch";
    } else if (opts.step == "patch") {
      why = "no supported line has a release branch";
    }
    if (opts.format == "json") {
      nlohmann::json j{{"view", age ? nlohmann::json(*age) : nlohmann::json()},
                       {"steps", nlohmann::json::array()},
                       {"reason", what + where + " now" + (why.empty() ? "" : ": " + why)}};
      std::cout << j.dump() << '\n';
      return 1;
    }
    std::cout << "relgate: " << what << where << " now" << (why.empty() ? "" : ": " + why) << '\n';
    return 1;
  }
  if (opts.format == "json") {
    nlohmann::json steps = nlohmann::json::array();
    bool any = false;
    for (const auto& p : plans) {
      any = any || p.ready;
      steps.push_back({{"step", policy::to_string(p.step.kind)}, {"name", p.step.name}, {"why", p.step.why},
                       {"ready", p.ready}, {"reason", p.ready ? nlohmann::json() : nlohmann::json(p.not_now)},
                       {"notes", p.notes}, {"commands", p.commands}, {"after", p.after}});
    }
    nlohmann::json j{{"view", age ? nlohmann::json(*age) : nlohmann::json()}, {"steps", steps}};
    std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    return any ? 0 : 1;
  }
  bool any_ready = false;
  for (const auto& p : plans) {
    // A step that is not due is not proposed: its line says it waits.
    std::cout << "next " << policy::to_string(p.step.kind) << (p.ready ? ": " : ", when it is due: ") << p.step.name
              << " (" << p.step.why << ")\n";
    if (!p.ready) {
      std::cout << "  not now: " << p.not_now << '\n';
      continue;
    }
    any_ready = true;
    for (const auto& n : p.notes) std::cout << "  " << n << '\n';
    for (const auto& c : p.commands) std::cout << "    " << c << '\n';
    for (const auto& a : p.after) std::cout << "  " << a << '\n';
  }
  return any_ready ? 0 : 1;
}

} // namespace relgate::cli
