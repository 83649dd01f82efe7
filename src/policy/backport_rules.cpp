// Backport rules B4-B7 of the rule book, on release branches and on the
// pull-request branches of backports, and B1's "cherry-picks go to
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
    try {
      if (sorted_paths(j, idx, m) != paths) continue;
    } catch (const repo::TreeTooLarge&) {
      // Too deep or too large to walk, so it proves nothing; once on main it must not
      // stop every later backport. (The backport's own walk above fails
      // closed.) No backport has an empty change, so {} never matches.
      idx.paths[m] = {};
      continue;
    }
    if (j.repo.patch_id(m) == own) {
      p.sources.push_back(m);
      break;
    }
  }
  return p;
}

std::string line_list(const std::vector<Line>& lines) {
  return lines.empty() ? "none" : join(lines, ", ", [](const Line& l) { return l.str(); });
}

} // namespace

// B4, B5, B6: the commits a push brings to release/vX.Y.
void judge_release_branch_commits(Judgement& j, const RefUpdate& u, Line line, bool pull_request) {
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
  bool may_grant = j.request.exceptions_granted && j.pusher_may_be_maintainer();
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
                      (commits.size() == 1 ? "" : "s") + (pull_request ? " this branch would bring to " : " on ") +
                      branch + (unproven.size() == 1 ? " is" : " are") +
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
// neither its release branch nor a pull-request branch (backport/v0.5,
// release-0.5) are refused with the name of a pull-request branch. A branch
// like backport/v0.5-crash does not name a line and is left alone.
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
    if (starts_with(ref, repo::k_heads) && ref != u.ref) hide.push_back(id); // what other branches have already
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
              ": backports go to " + *suggestion + " through a pull request",
          line_branch_hints(j, u, name, line->line()), id);
    return true;
  }
  return false;
}

// A backport's pull-request branch is judged as what its pull request would
// bring to the line's release branch as it is after the push (the final
// tag's commit while that branch does not exist yet): B4-B6 say here what
// they would say there, before anyone reviews or merges it. A line that is
// not released has no release branch to take a backport (B1).
void judge_pr_branch(Judgement& j, const RefUpdate& u, const std::string& name, Line line) {
  if (u.is_delete()) return;
  const std::string branch = j.release_branch_name(line);
  const LineState* ls = j.after_state.line(line);
  if (!ls || !ls->final_tag()) {
    std::vector<std::string> hints;
    if (ls && ls->highest_rc()) {
      hints.push_back(line.str() + " is in its release-candidate phase: fixes land on " + j.main_name() +
                      " and ship in its next rc");
    } else {
      hints.push_back("fixes land on " + j.main_name() + " and ship when " + line.str() + " is released");
    }
    hints.push_back("backports go to the release branch of a supported line (supported lines: " +
                    line_list(j.after_state.supported_lines()) + ")");
    j.add(RuleId::B1, u,
          printable(name) + " is a pull-request branch for " + branch + ", but " + line.str() + " is not released (" +
              j.final_name(line) + " does not exist): there is no " + branch + " to take a backport",
          std::move(hints), j.peel(u.new_id));
    return;
  }
  auto tip = j.after_ref(repo::branch_ref(branch));
  const RefUpdate onto{u.ref, tip.value_or(repo::ObjectId(u.new_id.size(), '0')), u.new_id};
  judge_release_branch_commits(j, onto, line, /*pull_request=*/true);
}

namespace {

// A topic for a branch name, from a commit's subject: "fix: crash on start
// (#21)" -> "fix-crash-on-start-21". Lower-case ASCII letters, digits and
// dashes, at most 40 characters.
std::string slug(std::string_view subject) {
  std::string out;
  for (char ch : subject) {
    char c = (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
    bool keep = (c >= 'a' && c <= 'z') || is_digit(c);
    if (keep) out += c;
    else if (!out.empty() && out.back() != '-') out += '-';
    if (out.size() >= 40) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

std::size_t common_prefix(std::string_view a, std::string_view b) {
  std::size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  return n;
}

} // namespace

std::optional<std::string> suggest_pr_branch(Judgement& j, Line l, const repo::ObjectId& commit,
                                             const std::string& near) {
  const repo::Commit& c = j.commit(commit);
  std::string subject = c.subject();
  if (j.policy.backport.subject_prefix) RE2::Replace(&subject, *j.policy.backport.subject_prefix, "");
  std::string topic = slug(subject);
  if (topic.empty()) topic = repo::short_id(commit);
  std::optional<std::uint64_t> pr;
  std::string number;
  // Nine digits at most, as a pull-request branch template reads them back.
  if (j.policy.backport.pr_ref && RE2::PartialMatch(c.message, *j.policy.backport.pr_ref, &number) &&
      !starts_with(number, "0")) {
    pr = parse_uint(number, k_max_number);
  }
  std::optional<std::string> best;
  std::size_t best_common = 0;
  for (const auto& t : j.policy.backport.pr_branches) {
    auto name = t.render(l, j.policy.release_branch, pr, topic);
    if (!name || pr_branch_line(j.policy, *name) != l) continue;
    std::size_t common = common_prefix(*name, near);
    if (!best || common > best_common) {
      best = name;
      best_common = common;
    }
  }
  return best;
}

std::vector<std::string> line_branch_hints(Judgement& j, const RefUpdate& u, const std::string& name, Line l) {
  const std::string branch = j.release_branch_name(l);
  const LineState* ls = j.after_state.line(l);
  const TagEntry* fin = ls ? ls->final_tag() : nullptr;
  if (!fin) {
    return {"did you mean " + branch + "? It is created at " + j.final_name(l) + " once " + l.str() +
            " is released; until then fixes land on " + j.main_name()};
  }
  auto commit = j.peel(u.new_id);
  auto tip = j.after_ref(repo::branch_ref(branch));
  auto tip_commit = tip ? j.peel(*tip) : std::nullopt;
  if (commit && tip_commit && j.is_ancestor(*commit, *tip_commit)) {
    return {"did you mean " + branch + "? It " + (*commit == *tip_commit ? "is at" : "holds") +
            " this commit already: nothing to push"};
  }
  const std::string short_commit = repo::short_id(commit.value_or(u.new_id));
  if (!tip && commit && commit == j.peel(fin->target)) {
    return {"did you mean " + branch + "? Push the same commit under that name:",
            j.push_cmd(short_commit + ":" + repo::branch_ref(branch))};
  }
  // The push brings commits the release branch does not have: they reach
  // it through a pull request, never by a push to it.
  std::vector<std::string> hints;
  if (!tip) {
    hints = {branch + " does not exist yet; a maintainer creates it at " + j.final_name(l) + ":",
             "  git branch " + branch + " " + j.final_name(l), j.push_cmd(branch)};
  }
  auto pr_branch = commit ? suggest_pr_branch(j, l, *commit, name) : std::nullopt;
  if (pr_branch) {
    hints.push_back("did you mean a pull request to " + branch +
                    "? Push the same commit to a pull-request branch, then open the pull request against " + branch +
                    ":");
    hints.push_back(j.push_cmd(short_commit + ":" + repo::branch_ref(*pr_branch)));
  } else {
    hints.push_back("changes reach " + branch + " through a pull request to it from a topic branch");
  }
  return hints;
}

} // namespace relgate::policy::detail
