// Freeze rules F1 and F2 of the rule book.

#include "policy/engine_internal.hpp"
#include "policy/freeze.hpp"
#include "policy/overview.hpp"

#include "util/text.hpp"

namespace relgate::policy::detail {

namespace {

// A push that brings more offending commits than this stops there: the push
// is rejected anyway, the message stays readable, and a push of 100,000
// feature commits to a frozen main costs what 100 of them do, not minutes of
// tree comparisons past the hook time-outs of hosting platforms.
constexpr std::size_t k_max_offenders = 100;

} // namespace

// F1: while main is frozen, every commit the push brings to main is a fix, a
// security fix or docs. Main counts as frozen when it is frozen both before
// and after the push: commits that arrive with the rc1 tag (or the freeze
// declaration) are what the candidate is cut from, and commits that arrive
// with the final tag come after the release.
void judge_main_freeze(Judgement& j, const RefUpdate& u) {
  if (u.is_delete() || !j.enabled(RuleId::F1)) return; // deleting main is B3's concern
  auto before = freeze_reasons(j.before_state, j.request.before, j.policy);
  if (before.empty()) return;
  auto after = freeze_reasons(j.after_state, j.after, j.policy);
  if (after.empty()) return;

  std::vector<repo::ObjectId> hide;
  if (!u.is_create()) {
    if (j.request.advisory && j.repo.type(u.old_id) == repo::ObjectType::missing) {
      j.verdict.notes.push_back("cannot check the freeze for " + j.main_name() + ": the remote's " +
                                repo::short_id(u.old_id) + " is not in this clone (git fetch " + j.request.remote +
                                " first); the server decides");
      return;
    }
    hide.push_back(u.old_id);
  }
  auto tip = j.peel(u.new_id);
  if (!tip) return;
  bool may_grant = j.request.exceptions_granted && j.pusher_may_be_maintainer();

  std::size_t judged = 0;
  std::vector<CommitRef> offenders;
  bool exception_denied = false, merge_offends = false;
  const auto& commits = j.new_commits(u, hide);
  std::size_t seen = 0;
  for (const auto& id : commits) {
    if (offenders.size() == k_max_offenders) break;
    ++seen;
    const repo::Commit c = j.read_commit(id);
    // A clean merge is judged through the commits it brings.
    if (!j.judged_itself(c, commits)) continue;
    ++judged;
    auto cls = classify_for_freeze(j.policy, c, [&](const auto& keep) { return j.repo.changes_only(id, keep); }, may_grant);
    if (cls.kind == FreezeClass::Kind::exception) j.pusher_is_maintainer(); // the client notes that the server decides
    if (!cls.allowed) {
      offenders.push_back({id, c.subject()});
      exception_denied = exception_denied || cls.kind == FreezeClass::Kind::exception_denied;
      merge_offends = merge_offends || c.parents.size() > 1;
    }
  }
  if (offenders.empty()) return;

  const auto& release = after.front().release;
  std::vector<std::string> hints = {"while frozen, " + j.main_name() + " takes " + describe_allowed(j.policy)};
  hints.push_back("keep the change on its branch until " + release + " is released, or split the fix out of it");
  hints.push_back("if a commit is a fix, say so in its subject (git rebase -i " + j.remote_branch(j.main_name()) +
                  ", then reword)");
  if (merge_offends) hints.push_back(merge_hint(j.main_name()));
  if (exception_denied) {
    hints.push_back(j.policy.freeze.exception_trailer + " trailers count only when a maintainer pushes");
  } else {
    // Every listed commit needs it, and nothing may wait for an editor.
    hints.push_back("a maintainer may grant an exception with a trailer on each of them:");
    hints.push_back("  git rebase --exec " +
                    shell_quote("git commit --amend --no-edit --trailer " +
                                shell_quote(j.policy.freeze.exception_trailer + ": <reason>")) +
                    " " + j.remote_branch(j.main_name()) + " " + j.main_name());
    hints.push_back(j.push_cmd(j.main_name()));
  }
  std::string why = j.main_name() + " is frozen (" + describe(after) + "): " + std::to_string(offenders.size()) +
                    " of " + std::to_string(judged) + " new commit" + (judged == 1 ? "" : "s") +
                    (offenders.size() == 1 ? " is" : " are") +
                    " not a fix, security fix or docs change";
  if (seen < commits.size()) {
    why += " (stopped there: " + std::to_string(commits.size() - seen) + " more new commits not checked)";
  }
  j.add(RuleId::F1, u, why, std::move(hints), std::move(offenders));
}

// F2: declaring or ending a freeze needs a maintainer; a declaration names a
// version that is not released yet.
void judge_freeze_ref(Judgement& j, const RefUpdate& u) {
  auto v = j.policy.freeze.ref.match(u.ref);
  std::string example = j.policy.freeze.ref.display();
  if (!j.pusher_is_maintainer()) {
    j.add(RuleId::F2, u,
          "only maintainers declare or end a freeze (" + std::string(u.is_delete() ? "deleting " : "pushing ") + u.ref +
              " as " + j.pusher_text() + ")",
          {"ask a maintainer (access.maintainers) to run: relgate freeze " + std::string(u.is_delete() ? "end" : "start") +
           " " + (v ? j.final_name(v->line()) : "vX.Y.0")});
    return;
  }
  if (u.is_delete()) return;
  if (!v || v->patch != 0) {
    j.add(RuleId::F2, u, printable(u.ref) + " is not a freeze declaration: those are named " + example + " with Z = 0",
          {"relgate freeze start vX.Y.0 declares one"});
    return;
  }
  const LineState* ls = j.before_state.line(v->line());
  if (ls && ls->released()) {
    j.add(RuleId::F2, u, j.final_name(v->line()) + " is already released; there is nothing to freeze for", {});
    return;
  }
  // A typo (v0.3.0 for v0.2.0) would keep main frozen after the release.
  const Line next = freezable_line(j.before_state);
  if (v->line() != next) {
    j.add(RuleId::F2, u,
          "only the next release can be frozen for: that is " + j.final_name(next) + ", not " + j.final_name(v->line()),
          {"  relgate freeze start " + j.final_name(next)});
  }
}

} // namespace relgate::policy::detail
