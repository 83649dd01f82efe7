// Backport rules B4-B7 of the rule book, and B1's "cherry-picks go to
// release/vX.Y" for branches that name a line.

#include "policy/engine_internal.hpp"
#include "policy/freeze.hpp"

#include "util/text.hpp"

#include <re2/re2.h>

#include <algorithm>

namespace relgate::policy::detail {

namespace {

// Every capture of `re` in `text`.
std::vector<std::string> captures(const Regex* re, std::string_view text) {
  std::vector<std::string> out;
  if (!re) return out;
  re2::StringPiece input(text.data(), text.size());
  std::string value;
  while (RE2::FindAndConsume(&input, *re, &value)) out.push_back(value);
  return out;
}

struct Provenance {
  std::vector<repo::ObjectId> sources;       // main commits this backport comes from
  std::vector<std::string> picked_not_main;  // cherry-pick lines whose source is not on main
};

std::vector<std::string> sorted_paths(Judgement& j, MainIndex& idx, const repo::ObjectId& id) {
  auto it = idx.paths.find(id);
  if (it != idx.paths.end()) return it->second;
  auto p = j.repo.changed_paths(id);
  std::sort(p.begin(), p.end());
  return idx.paths.emplace(id, std::move(p)).first->second;
}

// B4's proofs, cheapest first: cherry-pick lines, pull-request numbers, patch ids.
// With `one_is_enough`, the first source found ends the search: the caller
// needs no other (B4 needs one, and B5 is settled by the backport itself).
// Otherwise every source named is looked for (B5 may need one that is a fix).
// Looking for a pull request that is not on main walks main back to the
// line's final tag, so the search stops as soon as it can.
Provenance prove(Judgement& j, MainIndex& idx, const repo::ObjectId& id, bool one_is_enough) {
  Provenance p;
  const repo::Commit& c = j.commit(id);
  for (const auto& sha : captures(j.policy.backport.cherry_pick.get(), c.message)) {
    bool on_main = idx.tip && j.repo.type(sha) == repo::ObjectType::commit && j.is_ancestor(sha, *idx.tip);
    if (on_main) p.sources.push_back(sha);
    else p.picked_not_main.push_back(sha);
    if (on_main && one_is_enough) return p;
  }
  if (!p.sources.empty()) return p;
  const auto numbers = captures(j.policy.backport.pr_ref.get(), c.message);
  auto add = [&](const repo::ObjectId& source) {
    if (std::find(p.sources.begin(), p.sources.end(), source) == p.sources.end()) p.sources.push_back(source);
  };
  // A binary search of main's chain first (a few reads), then the walk.
  std::vector<bool> searched(numbers.size(), false);
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    auto it = idx.by_pr.find(numbers[i]);
    std::optional<repo::ObjectId> source = it != idx.by_pr.end() ? std::optional(it->second) : j.find_pr(idx, numbers[i]);
    if (!source) continue;
    add(*source);
    searched[i] = true;
    if (one_is_enough) return p;
  }
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    if (searched[i]) continue;
    const std::string& n = numbers[i];
    if (one_is_enough && !p.sources.empty()) break;
    auto it = idx.by_pr.find(n);
    while (it == idx.by_pr.end() && j.advance(idx)) it = idx.by_pr.find(n);
    if (it != idx.by_pr.end()) add(it->second);
  }
  if (!p.sources.empty() || !j.policy.backport.patch_id) return p;
  // Equal patch ids need equal changed paths: compare paths (cheap) before
  // computing any patch id of main.
  auto own = j.repo.patch_id(id);
  if (!own) return p;
  auto paths = sorted_paths(j, idx, id);
  const auto window = static_cast<std::size_t>(j.policy.backport.patch_id_window);
  for (std::size_t i = 0; i < window; ++i) {
    if (i >= idx.commits.size() && !j.advance(idx)) break;
    const repo::ObjectId m = idx.commits[i];
    if (j.commit(m).parents.size() > 1) continue;
    if (sorted_paths(j, idx, m) != paths) continue;
    if (j.repo.patch_id(m) == own) {
      p.sources.push_back(m);
      break;
    }
  }
  return p;
}

std::string line_list(const std::vector<Line>& lines) {
  std::string s;
  for (const auto& l : lines) s += (s.empty() ? "" : ", ") + l.str();
  return s.empty() ? "none" : s;
}

} // namespace

// B4, B5, B6: the commits a push brings to release/vX.Y.
void judge_release_branch_commits(Judgement& j, const RefUpdate& u, Line line) {
  if (u.is_delete()) return;
  if (!j.enabled(RuleId::B4) && !j.enabled(RuleId::B5) && !j.enabled(RuleId::B6)) return;
  const LineState* after = j.after_state.line(line);
  const TagEntry* fin = after ? after->final_tag() : nullptr;
  std::optional<repo::ObjectId> fin_commit = fin ? j.peel(fin->target) : std::nullopt;
  std::vector<repo::ObjectId> hide;
  if (!u.is_create()) {
    if (j.request.advisory && j.repo.type(u.old_id) == repo::ObjectType::missing) return; // B3 has said it
    hide.push_back(u.old_id);
  } else if (fin_commit) {
    hide.push_back(*fin_commit);
  } else {
    return; // B2 refuses the branch
  }
  const auto& all = j.new_commits(u, hide);
  if (all.empty()) return;
  const std::string branch = j.release_branch_name(line);

  // B6: no new commit, merge or not.
  if (const TagEntry* eol = j.after_state.eol_by(line); eol && j.enabled(RuleId::B6)) {
    std::vector<CommitRef> listed;
    for (const auto& id : all) listed.push_back({id, j.commit(id).subject()});
    j.add(RuleId::B6, u,
          line.str() + " is end of life since " + eol->name + ": " + branch + " takes no more commits (supported lines: " +
              line_list(j.after_state.supported_lines()) + ")",
          {"backport the fix to a supported line's release branch instead"}, std::move(listed));
    return;
  }

  // B4, B5: a clean merge is judged through the commits it brings.
  std::vector<repo::ObjectId> commits;
  for (const auto& id : all) {
    if (j.judged_itself(j.commit(id), all)) commits.push_back(id);
  }
  if (commits.empty()) return;

  MainIndex& idx = j.main_index(fin_commit);
  bool merge_unproven = false;
  std::vector<CommitRef> unproven, not_fixes;
  std::vector<std::string> wrong_way;
  bool may_grant = j.policy.access.is_maintainer(j.request.pusher);
  for (const auto& id : commits) {
    const repo::Commit& c = j.commit(id);
    // B5: the backport, or what it came from, is a fix, security fix or docs.
    // The backport itself first: when it is one, any single source proves it.
    repo::Commit stripped = c;
    if (j.policy.backport.subject_prefix) RE2::Replace(&stripped.message, *j.policy.backport.subject_prefix, "");
    auto only = [&](const auto& keep) { return j.repo.changes_only(id, keep); };
    const bool check_kind = j.enabled(RuleId::B5);
    bool fix = !check_kind || classify_for_freeze(j.policy, stripped, only, may_grant).allowed;
    auto p = prove(j, idx, id, fix);
    if (p.sources.empty()) {
      unproven.push_back({id, c.subject()});
      merge_unproven = merge_unproven || c.parents.size() > 1;
      for (const auto& s : p.picked_not_main) {
        wrong_way.push_back(repo::short_id(id) + " says it was picked from " + repo::short_id(s) + ", which is not on " +
                            j.main_name());
      }
      continue;
    }
    for (const auto& s : p.sources) {
      if (fix) break;
      fix = classify_for_freeze(j.policy, j.commit(s), [&](const auto& keep) { return j.repo.changes_only(s, keep); },
                                may_grant).allowed;
    }
    if (!fix) not_fixes.push_back({id, c.subject()});
  }
  if (!unproven.empty() && j.enabled(RuleId::B4)) {
    std::vector<std::string> hints = wrong_way;
    hints.push_back("a backport is a commit of " + j.main_name() + ", cherry-picked with its origin recorded:");
    hints.push_back("  git cherry-pick -x <commit on " + j.main_name() + ">");
    hints.push_back("a squashed backport names the pull requests it carries: \"backport: <title> (#<pull request on " +
                    j.main_name() + ">)\"");
    hints.push_back("a fix that is not on " + j.main_name() + " yet lands there first, then is cherry-picked to " + branch);
    if (merge_unproven) hints.push_back(merge_hint(branch));
    std::string why = std::to_string(unproven.size()) + " of " + std::to_string(commits.size()) + " new commit" +
                      (commits.size() == 1 ? "" : "s") + " on " + branch + (unproven.size() == 1 ? " is" : " are") +
                      " not a backport of a commit on " + j.main_name();
    j.add(RuleId::B4, u, std::move(why), std::move(hints), std::move(unproven));
  }
  if (!not_fixes.empty() && j.enabled(RuleId::B5)) {
    std::string why = std::to_string(not_fixes.size()) + " backport" + (not_fixes.size() == 1 ? " is" : "s are") +
                      " not a bug fix, security fix or docs change (RELEASES.md backports fixes)";
    j.add(RuleId::B5, u, std::move(why), {"patch releases carry fixes; features wait for the next line"},
          std::move(not_fixes));
  }
}

// B7: main does not take cherry-picks of release-branch commits.
void judge_main_picks(Judgement& j, const RefUpdate& u) {
  if (u.is_delete() || !j.enabled(RuleId::B7) || !j.policy.backport.cherry_pick) return;
  std::vector<repo::ObjectId> hide;
  if (!u.is_create()) {
    if (j.repo.type(u.old_id) == repo::ObjectType::missing) return;
    hide.push_back(u.old_id);
  }
  auto main_after = j.after_ref(j.main_ref());
  auto tip = main_after ? j.peel(*main_after) : std::nullopt;
  std::vector<CommitRef> wrong;
  for (const auto& id : j.new_commits(u, hide)) {
    const repo::Commit c = j.read_commit(id);
    for (const auto& sha : captures(j.policy.backport.cherry_pick.get(), c.message)) {
      bool on_main = tip && j.repo.type(sha) == repo::ObjectType::commit && j.is_ancestor(sha, *tip);
      if (!on_main) {
        wrong.push_back({id, c.subject()});
        break;
      }
    }
  }
  if (wrong.empty()) return;
  std::string why = std::to_string(wrong.size()) + " new commit" +
                    (wrong.size() == 1 ? " on " + j.main_name() + " is a cherry-pick"
                                       : "s on " + j.main_name() + " are cherry-picks") +
                    " from outside " + j.main_name() + ": fixes land on " + j.main_name() +
                    " first, then go to release branches";
  j.add(RuleId::B7, u, std::move(why),
        {"if the fix was made on a release branch, land it on " + j.main_name() +
         " as its own pull request, then cherry-pick from " + j.main_name()},
        std::move(wrong));
}

// B1 for backports: cherry-picks pushed to a branch that names a line but is
// not its release branch (backport/v0.5, release-0.5) are refused with the
// right name. A branch like backport/v0.5-crash (a pull request's branch)
// does not name a line and is left alone.
bool judge_backport_target(Judgement& j, const RefUpdate& u, const std::string& name) {
  if (u.is_delete() || !j.enabled(RuleId::B1) || !j.policy.backport.target_like) return false;
  if (!RE2::PartialMatch(name, *j.policy.backport.target_like)) return false;
  auto suggestion = suggest_branch(j.policy, name);
  if (!suggestion) return false;
  auto line = j.policy.release_branch.match(*suggestion);
  if (!line) return false;
  std::vector<repo::ObjectId> hide;
  if (!u.is_create() && j.repo.type(u.old_id) != repo::ObjectType::missing) hide.push_back(u.old_id);
  for (const auto& [ref, id] : j.request.before) {
    if (starts_with(ref, "refs/heads/") && ref != u.ref) hide.push_back(id); // what other branches have already
  }
  const LineState* ls = j.after_state.line(line->line());
  const TagEntry* fin = ls ? ls->final_tag() : nullptr;
  std::optional<repo::ObjectId> since = fin ? j.peel(fin->target) : std::nullopt;
  MainIndex& idx = j.main_index(since);
  for (const auto& id : j.new_commits(u, hide)) {
    if (j.commit(id).parents.size() > 1) continue;
    auto p = prove(j, idx, id, true);
    if (p.sources.empty()) continue;
    j.add(RuleId::B1, u,
          printable(name) + " is not a release branch, but this push brings it backports of " + j.main_name() +
              ": backports go to " + *suggestion,
          {"push them to the release branch (through a pull request to it where that is the custom):",
           j.push_cmd(repo::short_id(u.new_id) + ":refs/heads/" + *suggestion)},
          id);
    return true;
  }
  return false;
}

} // namespace relgate::policy::detail
