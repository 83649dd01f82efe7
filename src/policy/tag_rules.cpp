// Tag rules T1-T9 of the rule book. Sequence rules (T4-T7) judge tag
// creations; a tag that already exists is T2's alone.

#include "policy/engine_internal.hpp"

#include "util/text.hpp"
#include "util/unicode.hpp"

#include <re2/re2.h>

namespace relgate::policy::detail {

namespace {

// When a release tag the rules compare with names no commit (a legacy tag
// at a tree), no rule can pass: a maintainer decides.
constexpr const char* k_override_hint =
    "a maintainer who has checked the release can push past this once: git push -o relgate.override=\"<reason>\"";

std::optional<std::uint64_t> to_number(std::string_view digits) { return parse_uint(digits, k_max_number); }

// The canonical spelling of a version-like tag name, when there is one:
// v0.1.0-RC1 -> v0.1.0-rc1, v0.1 -> v0.1.0, 01.2.3 -> v1.2.3.
std::optional<std::string> suggest_tag(const Policy& policy, const std::string& name) {
  static const RE2 shape(R"(^([vV]?)([0-9]+)\.([0-9]+)(?:\.([0-9]+))?(.*)$)");
  static const RE2 rc_suffix(R"(^(?i)[-._]?rc[-._]?([0-9]+)$)");
  std::string prefix, major, minor, patch, rest;
  if (!RE2::FullMatch(name, shape, &prefix, &major, &minor, &patch, &rest)) return std::nullopt;
  Version v;
  auto ma = to_number(major), mi = to_number(minor), pa = patch.empty() ? std::optional<std::uint64_t>(0) : to_number(patch);
  if (!ma || !mi || !pa) return std::nullopt;
  v.major = *ma;
  v.minor = *mi;
  v.patch = *pa;
  if (!rest.empty()) {
    std::string n;
    if (!RE2::FullMatch(rest, rc_suffix, &n)) return std::nullopt;
    auto rc = to_number(n);
    if (!rc || *rc == 0 || v.patch != 0) return std::nullopt; // rc0 has no spelling; rc is only for .0
    v.rc = *rc;
  }
  std::string out = v.rc ? policy.rc_tag.render(v) : policy.final_tag.render(v);
  return out == name ? std::nullopt : std::optional<std::string>(out);
}

std::string spelled_as(const Policy& policy) {
  return policy.final_tag.display() + " or " + policy.rc_tag.display();
}

// What a tag name that is not a release name reads as when it imitates one
// with look-alike characters (v０.１.０, 𝐯0.1.0, ѵ0.1.0, v٠.١.٠, vO.1.0,
// v0٫1٫0): the release name; or, for a name outside ASCII, its plain
// reading when that looks like a version (tags.version_like).
std::optional<std::string> imitated_tag(const Policy& policy, const std::string& name) {
  const auto letters = unicode::fold(name);
  for (const NameTemplate* t : {&policy.rc_tag, &policy.final_tag}) {
    if (auto v = t->imitated_by(letters)) return t->render(*v);
  }
  if (unicode::is_ascii(name) || !policy.version_like) return std::nullopt;
  std::string plain = unicode::plain_text(letters);
  if (RE2::PartialMatch(plain, *policy.version_like)) return plain;
  return std::nullopt;
}

// T1: tags that look like a version must be spelled as one.
void tag_name(Judgement& j, const RefUpdate& u, const std::string& name, const std::optional<repo::ObjectId>& commit) {
  if (u.is_delete()) return; // removing a misspelled tag is always fine
  if (auto unseen = unicode::find_unseen(name)) {
    j.add(RuleId::T1, u,
          printable(name) + " has a character that cannot be seen: " + unseen->what + ", at byte " +
              std::to_string(unseen->offset),
          {"tag names show every character they have; release tags are spelled in ASCII: " + spelled_as(j.policy)},
          commit);
    return;
  }
  bool version_like = j.policy.version_like && RE2::PartialMatch(name, *j.policy.version_like);
  // An ASCII name that looks like a version is a misspelling (below), with a
  // suggestion; any other name may imitate one.
  if (!version_like || !unicode::is_ascii(name)) {
    if (auto reading = imitated_tag(j.policy, name)) {
      j.add(RuleId::T1, u,
            printable(name) + " imitates a version with look-alike characters (it reads as " + printable(*reading) + ")",
            {"release tags are spelled in ASCII: " + spelled_as(j.policy)}, commit);
      return;
    }
  }
  if (!version_like) {
    if (!j.policy.other_tags_allowed) {
      j.add(RuleId::T1, u, "only release tags may be pushed here (" + spelled_as(j.policy) + ")",
            {"tags.other is \"reject\" in the policy (" + j.policy.source + ")"}, commit);
    }
    return;
  }
  std::vector<std::string> hints;
  auto short_commit = commit ? repo::short_id(*commit) : repo::short_id(u.new_id);
  if (auto s = suggest_tag(j.policy, name)) {
    hints = {"did you mean " + *s + "? Tag the same commit under that name and drop this one:",
             "  git tag " + *s + " " + short_commit, j.push_cmd(*s), "  git tag -d " + shell_quote(name)};
  } else {
    hints = {"release tags are " + j.policy.final_tag.display() + " (final and patch releases) or " +
             j.policy.rc_tag.display() + " (release candidates, N from 1), numbers without leading zeros"};
  }
  j.add(RuleId::T1, u, printable(name) + " looks like a version but is not spelled " + spelled_as(j.policy),
        std::move(hints), commit);
}

// T2: release and rc tags never move and are never deleted.
void tag_immutable(Judgement& j, const RefUpdate& u, const std::string& name, const Version& v) {
  Line l = v.line();
  std::vector<std::string> hints;
  const LineState* ls = j.after_state.line(l);
  if (v.rc) {
    std::uint64_t next = (ls && ls->highest_rc() ? ls->highest_rc()->version.rc.value_or(0) : *v.rc) + 1;
    if (ls && ls->final_tag()) {
      hints.push_back(j.final_name(l) + " is released; fixes go to " + j.release_branch_name(l) + " as a patch release");
    } else {
      hints.push_back("publish a fix as the next release candidate instead:");
      hints.push_back("  git tag " + j.rc_name(l, next) + " " + j.remote_branch(j.main_name()));
      hints.push_back(j.push_cmd(j.rc_name(l, next)));
    }
  } else {
    std::uint64_t next = (ls && ls->latest_release() ? ls->latest_release()->version.patch : v.patch) + 1;
    hints.push_back("ship a fix as the next patch release, " + j.final_name(l, next) + ", from " +
                    j.release_branch_name(l));
  }
  if (!u.is_delete()) {
    hints.push_back("put your local tag back where the remote has it:");
    hints.push_back("  git fetch " + j.request.remote + " +" + u.ref + ":" + u.ref);
  }
  auto old_commit = j.request.advisory && j.repo.type(u.old_id) == repo::ObjectType::missing
                        ? std::optional<repo::ObjectId>()
                        : j.peel(u.old_id);
  if (u.is_delete()) {
    j.add(RuleId::T2, u, name + " is published and is never deleted", std::move(hints), old_commit);
  } else {
    j.add(RuleId::T2, u,
          name + " is published at " + repo::short_id(old_commit.value_or(u.old_id)) + " and never moves (this push moves it to " +
              repo::short_id(j.peel(u.new_id).value_or(u.new_id)) + ")",
          std::move(hints), old_commit);
  }
}

bool on_main(Judgement& j, const repo::ObjectId& commit) {
  auto main = j.after_ref(j.main_ref());
  if (!main) return false;
  auto main_commit = j.peel(*main);
  return main_commit && j.is_ancestor(commit, *main_commit);
}

std::vector<std::string> cut_from_main(Judgement& j, const std::string& tag) {
  return {"  git fetch " + j.request.remote, "  git tag " + tag + " " + j.remote_branch(j.main_name()),
          j.push_cmd(tag)};
}

std::vector<std::string> with_intro(std::string intro, std::vector<std::string> commands) {
  commands.insert(commands.begin(), std::move(intro));
  return commands;
}

// T4: rc1, rc2, ... in order, on main, each containing the one before, none
// after the final release.
void rc_sequence(Judgement& j, const RefUpdate& u, const std::string& name, const Version& v,
                 const repo::ObjectId& commit) {
  Line l = v.line();
  std::uint64_t n = *v.rc;
  const LineState* before = j.before_state.line(l);
  const LineState* after = j.after_state.line(l);
  if (before && before->final_tag()) {
    auto next_line = Line{l.major, l.minor + 1};
    j.add(RuleId::T4, u,
          j.final_name(l) + " is already released, so " + name + " comes too late",
          {"fixes for " + l.str() + " go to " + j.release_branch_name(l) + " and out as a patch release",
           "new work on main becomes the next line's release candidate, e.g. " + j.rc_name(next_line, 1)},
          commit);
    return;
  }
  if (n > 1 && !after->rcs.count(n - 1)) {
    const TagEntry* last = nullptr; // the highest rc below this one
    for (const auto& [m, entry] : after->rcs) {
      if (m < n) last = &entry;
    }
    std::uint64_t want = last ? *last->version.rc + 1 : 1;
    std::string why = name + " skips " + j.rc_name(l, n - 1) +
                      (last ? " (the last rc of " + l.str() + " is " + last->name + ")"
                            : " (" + l.str() + " has no rc yet; the first is " + j.rc_name(l, 1) + ")");
    j.add(RuleId::T4, u, why,
          with_intro("cut " + j.rc_name(l, want) + " instead:",
                     {"  git tag " + j.rc_name(l, want) + " " + repo::short_id(commit), j.push_cmd(j.rc_name(l, want)),
                      "  git tag -d " + name}),
          commit);
    return;
  }
  if (before && before->highest_rc() && *before->highest_rc()->version.rc > n) {
    auto want = *before->highest_rc()->version.rc + 1;
    j.add(RuleId::T4, u,
          before->highest_rc()->name + " already exists, so " + name + " goes backwards",
          with_intro("the next release candidate is " + j.rc_name(l, want) + ":", cut_from_main(j, j.rc_name(l, want))),
          commit);
    return;
  }
  if (!on_main(j, commit)) {
    j.add(RuleId::T4, u,
          name + " points at " + repo::short_id(commit) + ", which is not on " + j.main_name() +
              " (release candidates are cut from " + j.main_name() + ")",
          with_intro("land the change on " + j.main_name() + " first, then tag " + j.main_name() + ":",
                     cut_from_main(j, name)),
          commit);
    return;
  }
  if (n > 1) {
    const TagEntry& prev = after->rcs.at(n - 1);
    auto prev_commit = j.peel(prev.target);
    if (!prev_commit) {
      // As in T6: a previous rc that names no commit proves nothing.
      j.add(RuleId::T4, u,
            name + " cannot be shown to build on " + prev.name + ", which does not point at a commit",
            {k_override_hint}, commit);
    } else if (!j.is_ancestor(*prev_commit, commit)) {
      j.add(RuleId::T4, u,
            name + " at " + repo::short_id(commit) + " does not contain " + prev.name + " (" +
                repo::short_id(*prev_commit) + "): each rc builds on the one before",
            with_intro("tag the current " + j.main_name() + ", which contains " + prev.name + ":", cut_from_main(j, name)),
            commit);
    }
  }
}

// T5: a new line is the next one after the highest line.
void next_line(Judgement& j, const RefUpdate& u, const std::string& name, const Version& v,
               const repo::ObjectId& commit) {
  Line l = v.line();
  if (const LineState* before = j.before_state.line(l); before && before->has_tags()) return; // not a new line
  auto newest_before = j.before_state.highest_line();
  auto first_tag = [&](Line x) { return v.rc ? j.rc_name(x, 1) : j.final_name(x); };
  if (newest_before && l < *newest_before) {
    j.add(RuleId::T5, u,
          name + " starts line " + l.str() + ", which is older than the newest line " + newest_before->str() +
              "; lines only go forward",
          {"the next line is " + Line{newest_before->major, newest_before->minor + 1}.str() + " (" +
           first_tag(Line{newest_before->major, newest_before->minor + 1}) + ") or " +
           Line{newest_before->major + 1, 0}.str() + " (" + first_tag(Line{newest_before->major + 1, 0}) + ")"},
          commit);
    return;
  }
  // The highest line below this one after the push (other new lines of the
  // same push count: v0.1.0 and v0.2.0-rc1 may arrive together).
  // (A lookup, not a scan: a push of thousands of new lines stays linear.)
  std::optional<Line> below;
  const auto& lines = j.after_state.lines();
  for (auto it = lines.lower_bound(l); it != lines.begin();) {
    --it;
    if (it->second.has_tags()) {
      below = it->first;
      break;
    }
  }
  if (!below) return; // the first line of the repository may be any
  Line next_minor{below->major, below->minor + 1}, next_major{below->major + 1, 0};
  if (l == next_minor || l == next_major) return;
  j.add(RuleId::T5, u,
        name + " starts line " + l.str() + ", but the newest line is " + below->str() + ": the next line is " +
            next_minor.str() + " or " + next_major.str(),
        with_intro("start " + next_minor.str() + " instead:", cut_from_main(j, first_tag(next_minor))), commit);
}

// T6: the final release is exactly the last release candidate, on main.
void final_is_last_rc(Judgement& j, const RefUpdate& u, const std::string& name, const Version& v,
                      const repo::ObjectId& commit) {
  Line l = v.line();
  const LineState* after = j.after_state.line(l);
  const TagEntry* last = after ? after->highest_rc() : nullptr;
  if (!last) {
    j.add(RuleId::T6, u,
          name + " has no release candidate: " + l.str() + " needs at least one rc, and the final tag is the last rc",
          with_intro("start the RC phase with " + j.rc_name(l, 1) + ":", cut_from_main(j, j.rc_name(l, 1))), commit);
    return;
  }
  auto rc_commit = j.peel(last->target);
  if (!rc_commit) {
    // A legacy rc tag naming a tree or a blob: nothing to compare with, so
    // nothing passes (this once let a final tag through at any commit).
    // T4 refuses a next rc for the same reason: only an override is left.
    j.add(RuleId::T6, u,
          name + " cannot be checked against the last release candidate " + last->name +
              ", which does not point at a commit",
          {k_override_hint}, commit);
    return;
  }
  if (*rc_commit != commit) {
    std::uint64_t next = *last->version.rc + 1;
    std::vector<std::string> hints;
    if (j.is_ancestor(*rc_commit, commit)) {
      hints = with_intro(j.main_name() + " moved on after " + last->name + "; test what is new as " +
                             j.rc_name(l, next) + " first:",
                         cut_from_main(j, j.rc_name(l, next)));
    }
    hints.push_back("or release exactly what " + last->name + " tested:");
    hints.push_back("  git tag -f " + name + " " + last->name + "^{}");
    hints.push_back(j.push_cmd(name));
    j.add(RuleId::T6, u,
          name + " points at " + repo::short_id(commit) + ", not at the last release candidate " + last->name + " (" +
              repo::short_id(*rc_commit) + ")",
          std::move(hints), commit);
    return;
  }
  if (!on_main(j, *rc_commit)) {
    j.add(RuleId::T6, u,
          name + " and " + last->name + " point at " + repo::short_id(*rc_commit) + ", which is not on " + j.main_name(),
          {"releases are cut from " + j.main_name() + "; land the commit there and cut a new rc"}, commit);
  }
}

// T7: patch releases follow each other on the release branch of a living line.
void patch_sequence(Judgement& j, const RefUpdate& u, const std::string& name, const Version& v,
                    const repo::ObjectId& commit) {
  Line l = v.line();
  const LineState* after = j.after_state.line(l);
  std::string branch = j.release_branch_name(l);
  std::string branch_ref = repo::branch_ref(branch);
  auto tag_branch = [&]() {
    return std::vector<std::string>{"  git fetch " + j.request.remote,
                                     "  git tag " + name + " " + j.remote_branch(branch), j.push_cmd(name)};
  };
  auto prev_it = after ? after->releases.find(v.patch - 1) : decltype(after->releases.end()){};
  if (!after || prev_it == after->releases.end()) {
    const TagEntry* latest = nullptr; // the latest release below this one
    if (after) {
      for (const auto& [patch, entry] : after->releases) {
        if (patch < v.patch) latest = &entry;
      }
    }
    if (!latest) {
      j.add(RuleId::T7, u, name + " is a patch release, but " + l.str() + " has no final release " + j.final_name(l),
            {"a line's first release is " + j.final_name(l) + ", cut from the last release candidate"}, commit);
    } else {
      auto want = j.final_name(l, latest->version.patch + 1);
      j.add(RuleId::T7, u,
            name + " skips " + j.final_name(l, v.patch - 1) + " (the latest release of " + l.str() + " is " +
                latest->name + ")",
            with_intro("the next patch release is " + want + ":",
                       {"  git tag " + want + " " + repo::short_id(commit), j.push_cmd(want), "  git tag -d " + name}),
            commit);
    }
    return;
  }
  if (const TagEntry* eol = j.after_state.eol_by(l)) {
    std::string supported;
    supported = join(j.after_state.supported_lines(), ", ", [](const Line& s) { return s.str(); });
    j.add(RuleId::T7, u,
          l.str() + " is end of life since " + eol->name + ": no more patch releases (supported lines: " + supported + ")",
          {"users of " + l.str() + " upgrade to a supported line"}, commit);
    return;
  }
  if (!after->branch) {
    j.add(RuleId::T7, u, name + " needs the release branch " + branch + ", which does not exist",
          with_intro("create it from " + j.final_name(l) + ", land the fix there, then tag it:",
                     {"  git branch " + branch + " " + j.final_name(l), j.push_cmd(branch)}),
          commit);
    return;
  }
  auto branch_commit = j.peel(*after->branch);
  if (!branch_commit || !j.is_ancestor(commit, *branch_commit)) {
    j.add(RuleId::T7, u,
          name + " points at " + repo::short_id(commit) + ", which is not on " + branch +
              " (patch releases are cut from the release branch)",
          with_intro("tag the head of " + branch + ":", tag_branch()), commit);
    return;
  }
  auto prev_commit = j.peel(prev_it->second.target);
  if (!prev_commit) {
    // As in T6: a previous release that names no commit proves nothing.
    j.add(RuleId::T7, u,
          name + " cannot be shown to contain " + prev_it->second.name + ", which does not point at a commit",
          {k_override_hint}, commit);
    return;
  }
  if (!j.is_ancestor(*prev_commit, commit)) {
    j.add(RuleId::T7, u,
          name + " at " + repo::short_id(commit) + " does not contain " + prev_it->second.name + " (" +
              repo::short_id(*prev_commit) + ")",
          with_intro("tag the head of " + branch + ", which contains it:", tag_branch()), commit);
    return;
  }
  // A patch release ships something: a tag at the previous release's
  // commit would make T2 keep a release that changes nothing.
  if (*prev_commit == commit) {
    j.add(RuleId::T7, u,
          name + " is at the same commit as " + prev_it->second.name + " (" + repo::short_id(commit) +
              "): a patch release brings at least one commit beyond the previous release",
          {"first drop the refused tag from your clone:", "  git tag -d " + name,
           "backport the fix to " + branch + " first (relgate next backport <commit on " + j.main_name() +
               ">), then tag the new head"},
          commit);
    return;
  }
  // RELEASES.md tags origin/release/vX.Y: an older commit of the branch is
  // allowed, but leaves fixes out.
  if (*branch_commit != commit) {
    j.warn(RuleId::T7, u,
           name + " is not the head of " + branch + " (" + repo::short_id(*branch_commit) +
               "): the fixes after " + repo::short_id(commit) + " are not in it");
  }
}

// T8: green CI before the tag kinds the policy names.
void ci_green(Judgement& j, const RefUpdate& u, const std::string& name, const Version& v, const repo::ObjectId& commit) {
  if (!j.policy.ci.required_for.count(kind_of(v))) return;
  auto lookup = [&j](const std::string& ref) { return j.after_ref(ref); };
  ci::CiResult r = j.ci.status(commit, lookup);
  if (r.status == ci::Status::green) return;
  std::vector<std::string> hints;
  for (const auto& c : r.checks) {
    if (c.state != ci::CheckState::success) {
      hints.push_back("check " + c.name + ": " + ci::to_string(c.state) + (c.url.empty() ? "" : " " + c.url));
    }
  }
  for (const auto& m : r.missing) hints.push_back("check " + m + ": has not reported (ci.required names it)");
  const std::string status_cmd = "  relgate ci status " + repo::short_id(commit);
  switch (r.status) {
  case ci::Status::pending:
    hints.push_back("wait until CI has finished on " + repo::short_id(commit) + ", then push " + name + " again; to see it:");
    hints.push_back(status_cmd);
    break;
  case ci::Status::red:
    hints.push_back("re-run the failed checks if the failure is not real; else fix it on the branch first (a fix lands on " +
                    j.main_name() + " and is cherry-picked), then tag the new head");
    break;
  default:
    if (r.provider == "notes") {
      // Never "record success yourself": a result a person types is no
      // evidence that CI passed.
      hints.push_back("wait until CI has run on " + repo::short_id(commit) + " and recorded its results on " +
                      j.policy.ci.notes_ref + " (in CI: relgate ci record <commit> <check> <state> --push " +
                      j.request.remote + "); if it did not run there, re-run it; then push " + name + " again");
    } else if (r.kind == ci::ResultKind::no_result) {
      hints.push_back("no CI has reported on " + repo::short_id(commit) + ": make sure CI runs on it, wait for it, then push " +
                      name + " again");
    } else {
      hints.push_back("the " + r.provider + " provider gave no usable answer; try again, and see what relgate sees with:");
      hints.push_back(status_cmd);
    }
    break;
  }
  if (r.provider == "notes" && j.policy.access.ci_writers.empty()) {
    hints.push_back("note: CI results on " + j.policy.ci.notes_ref +
                    " are unverified (anyone who may push can write them); access.ci_writers names CI's account (A3)");
  }
  j.add(RuleId::T8, u,
        name + " needs green CI on " + repo::short_id(commit) + ", but it is " + ci::to_string(r.status) + " (" +
            r.provider + "): " + r.reason,
        std::move(hints), commit);
}

} // namespace

void judge_tag(Judgement& j, const RefUpdate& u) {
  const std::string name = u.ref.substr(repo::k_tags.size());
  auto version = parse_release_tag(j.policy, name);
  const repo::ObjectId& shown = u.is_delete() ? u.old_id : u.new_id;
  auto commit_of = [&](const repo::ObjectId& id) -> std::optional<repo::ObjectId> {
    if (j.request.advisory && j.repo.type(id) == repo::ObjectType::missing) return std::nullopt;
    return j.peel(id);
  };
  if (!version) {
    tag_name(j, u, name, commit_of(shown));
    return;
  }
  if (!u.is_create()) {
    tag_immutable(j, u, name, *version);
    return;
  }
  auto commit = j.peel(u.new_id);
  if (!commit) {
    j.add(RuleId::T1, u, name + " does not point at a commit; release tags name the commit that is released", {});
    return;
  }
  if (j.enabled(RuleId::T9) && j.repo.type(u.new_id) != repo::ObjectType::tag) {
    j.add(RuleId::T9, u, name + " is a lightweight tag; release tags are annotated",
          {"  git tag -a -f " + name + " -m " + shell_quote("Release " + name) + " " + repo::short_id(*commit),
           j.push_cmd(name)},
          commit);
  }
  switch (kind_of(*version)) {
  case TagKind::rc:
    if (version->patch != 0) {
      // T3: release candidates are for new lines only.
      Line l = version->line();
      std::string patch = j.final_name(l, version->patch);
      j.add(RuleId::T3, u,
            name + " is a release candidate of a patch release; rc tags are only for a line's first release (" +
                j.final_name(l) + ")",
            with_intro("patch releases are tagged directly once CI is green on " + j.release_branch_name(l) + ":",
                       {"  git tag " + patch + " " + j.remote_branch(j.release_branch_name(l)), j.push_cmd(patch)}),
            commit);
      return;
    }
    if (j.enabled(RuleId::T4)) rc_sequence(j, u, name, *version, *commit);
    if (j.enabled(RuleId::T5)) next_line(j, u, name, *version, *commit);
    break;
  case TagKind::final:
    if (j.enabled(RuleId::T6)) final_is_last_rc(j, u, name, *version, *commit);
    if (j.enabled(RuleId::T5)) next_line(j, u, name, *version, *commit);
    break;
  case TagKind::patch:
    if (j.enabled(RuleId::T7)) patch_sequence(j, u, name, *version, *commit);
    break;
  }
  if (j.enabled(RuleId::T8)) ci_green(j, u, name, *version, *commit);
}

} // namespace relgate::policy::detail
