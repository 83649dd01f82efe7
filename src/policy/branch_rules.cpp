// Branch rules B1-B3 of the rule book.

#include "policy/engine_internal.hpp"

#include "util/text.hpp"
#include "util/unicode.hpp"

#include <re2/re2.h>

namespace relgate::policy::detail {

namespace {

} // namespace

// release/0.5, releases/v0.5.1, Release/v0.5 -> release/v0.5
std::optional<std::string> suggest_branch(const Policy& policy, const std::string& name) {
  static const RE2 numbers(R"(([0-9]+)\.([0-9]+))");
  std::string major, minor;
  if (!RE2::PartialMatch(name, numbers, &major, &minor)) return std::nullopt;
  auto ma = parse_uint(major, k_max_number), mi = parse_uint(minor, k_max_number);
  if (!ma || !mi) return std::nullopt;
  auto s = policy.release_branch.render({*ma, *mi, 0, {}});
  return s == name ? std::nullopt : std::optional<std::string>(s);
}

namespace {

// B1 for every ref name that is not a tag's: a character that cannot be
// seen (U+200B before release/v0.1, ...) is refused. True when it was.
bool ref_name_unseen(Judgement& j, const RefUpdate& u) {
  if (u.is_delete()) return false; // removing such a name is always fine
  auto unseen = unicode::find_unseen(u.ref);
  if (!unseen) return false;
  j.add(RuleId::B1, u,
        printable(u.ref) + " has a character that cannot be seen: " + unseen->what + ", at byte " +
            std::to_string(unseen->offset),
        {"ref names show every character they have; release branches are spelled in ASCII: " +
         j.policy.release_branch.display()},
        j.peel(u.new_id));
  return true;
}

// What a branch name that is not a release branch reads as when it imitates
// one with look-alike characters (rеlease/v0.1 with a Cyrillic е,
// release/vO.1): the release branch; or, for a name outside ASCII, its plain
// reading when that is a near miss (branches.release_like).
std::optional<std::string> imitated_branch(const Policy& policy, const std::string& name) {
  const auto letters = unicode::fold(name);
  if (auto v = policy.release_branch.imitated_by(letters)) return policy.release_branch.render(*v);
  if (unicode::is_ascii(name)) return std::nullopt;
  std::string plain = unicode::plain_text(letters);
  if (policy.release_branch.match(plain) ||
      (policy.release_branch_like && RE2::PartialMatch(plain, *policy.release_branch_like))) {
    return plain;
  }
  return std::nullopt;
}

// B1: release branches are spelled exactly; near misses are refused.
void branch_name(Judgement& j, const RefUpdate& u, const std::string& name) {
  if (u.is_delete()) return;
  if (j.policy.release_branch.match(name)) return;
  const std::string prefix = j.policy.release_branch.literal_prefix();
  const std::string dir = prefix.substr(0, prefix.rfind('/') == std::string::npos ? 0 : prefix.rfind('/') + 1);
  bool under_release_dir = !dir.empty() && starts_with(name, dir);
  bool near_miss = j.policy.release_branch_like && RE2::PartialMatch(name, *j.policy.release_branch_like);
  if (ref_name_unseen(j, u)) return;
  if (auto reading = imitated_branch(j.policy, name)) {
    j.add(RuleId::B1, u,
          printable(name) + " imitates a release branch with look-alike characters (it reads as " + printable(*reading) +
              ")",
          {"release branches are spelled in ASCII: " + j.policy.release_branch.display()}, j.peel(u.new_id));
    return;
  }
  if (!under_release_dir && !near_miss) return;
  std::vector<std::string> hints;
  auto s = suggest_branch(j.policy, name);
  if (auto line = s ? j.policy.release_branch.match(*s) : std::nullopt) {
    hints = line_branch_hints(j, u, name, line->line());
  } else {
    hints = {"release branches are named " + j.policy.release_branch.display() + ", one per release line"};
  }
  j.add(RuleId::B1, u, printable(name) + " is not a release branch name: release branches are " +
                           j.policy.release_branch.display(),
        std::move(hints), j.peel(u.new_id));
}

// B2: release/vX.Y is created exactly at vX.Y.0.
void branch_from_tag(Judgement& j, const RefUpdate& u, const std::string& name, Line l) {
  if (!u.is_create()) return;
  std::string final_name = j.final_name(l);
  const LineState* after = j.after_state.line(l);
  const TagEntry* fin = after ? after->final_tag() : nullptr;
  auto commit = j.peel(u.new_id);
  if (!fin) {
    j.add(RuleId::B2, u, name + " can only be created at " + final_name + ", which does not exist yet",
          {"release " + l.str() + " first (its last rc becomes " + final_name + "), then create " + name + " on " +
               j.request.remote + " from the tag (your local " + name + " may stay as it is):",
           j.push_cmd(shell_quote(final_name + "^{commit}:" + repo::branch_ref(name)))},
          commit);
    return;
  }
  auto tag_commit = j.peel(fin->target);
  if (commit != tag_commit) {
    j.add(RuleId::B2, u,
          name + " must start exactly at " + final_name + " (" + repo::short_id(tag_commit.value_or(fin->target)) +
              "), not at " + repo::short_id(commit.value_or(u.new_id)),
          {"create it from the tag; backports come afterwards as cherry-picks:",
           j.push_cmd(shell_quote(final_name + "^{commit}:" + repo::branch_ref(name))),
           "then make yours follow it (git fetch " + j.request.remote + ", then git checkout -B " + name + " " +
               j.remote_branch(name) + ")"},
          commit);
  }
}

// B3: main and release branches are never deleted or rewritten.
void no_rewrite(Judgement& j, const RefUpdate& u, const std::string& name) {
  if (u.is_create()) return;
  if (u.is_delete()) {
    j.add(RuleId::B3, u, name + " is never deleted", {}, std::nullopt);
    return;
  }
  if (j.request.advisory && j.repo.type(u.old_id) == repo::ObjectType::missing) {
    // Everything the pushed commit contains is in this clone; the remote's
    // tip is not, so it cannot be contained: the push would drop it.
    j.add(RuleId::B3, u,
          "this push rewrites " + name + ": the remote's tip " + repo::short_id(u.old_id) +
              " is not in this clone, so " + repo::short_id(u.new_id) + " cannot contain it (a force push)",
          {"bring in what the remote has, then push without --force:", "  git fetch " + j.request.remote,
           "  git rebase " + j.remote_branch(name) + " " + name, j.push_cmd(name)},
          j.peel(u.new_id));
    return;
  }
  auto old_commit = j.peel(u.old_id);
  auto new_commit = j.peel(u.new_id);
  if (old_commit && new_commit && j.is_ancestor(*old_commit, *new_commit)) return;
  j.add(RuleId::B3, u,
        "this push rewrites " + name + ": its current tip " + repo::short_id(u.old_id) + " is not contained in " +
            repo::short_id(u.new_id) + " (a force push)",
        {"bring in what the remote has, then push without --force:", "  git fetch " + j.request.remote,
         "  git rebase " + j.remote_branch(name) + " " + name, j.push_cmd(name)},
        new_commit);
}

} // namespace

void judge_ref_name(Judgement& j, const RefUpdate& u) { ref_name_unseen(j, u); }

void judge_branch(Judgement& j, const RefUpdate& u) {
  const std::string name = u.ref.substr(repo::k_heads.size());
  auto release = j.policy.release_branch.match(name);
  if (!release && u.ref != j.main_ref()) {
    if (auto line = pr_branch_line(j.policy, name)) {
      judge_pr_branch(j, u, name, *line);
      return;
    }
    std::size_t before = j.verdict.violations.size();
    branch_name(j, u, name);
    if (j.verdict.violations.size() == before) judge_backport_target(j, u, name);
  }
  if (u.ref == j.main_ref() || release) no_rewrite(j, u, name);
  if (release) {
    branch_from_tag(j, u, name, release->line());
    judge_release_branch_commits(j, u, release->line());
  }
}

} // namespace relgate::policy::detail
