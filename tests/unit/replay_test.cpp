// The audit's replay (policy/replay.hpp) on an in-memory repository: the
// history rebuilt from the refs as they are now, and judged push by push.

#include "fixture.hpp"

#include "policy/known_refs.hpp"
#include "policy/replay.hpp"

#include <catch2/catch.hpp>

using namespace relgate;
using namespace relgate::test;
using policy::EventKind;

namespace {

// A history whose commits and tags carry times (seconds; no wall clock).
struct Timeline : History {
  // A commit made at `time` on top of `parents`.
  ObjectId at(std::int64_t time, const std::string& message, std::vector<ObjectId> parents) {
    return repo.add_commit(std::move(parents), message + "\n", time);
  }
  // Advances main by one commit made at `time`.
  ObjectId main_at(std::int64_t time, const std::string& message) {
    auto it = refs.find("refs/heads/main");
    auto id = at(time, message, it == refs.end() ? std::vector<ObjectId>{} : std::vector<ObjectId>{it->second});
    refs["refs/heads/main"] = id;
    return id;
  }
  // Advances `branch` by one commit made at `time`.
  ObjectId branch_at(std::int64_t time, const std::string& branch_name, const std::string& message) {
    auto id = at(time, message, {head(branch_name)});
    branch(branch_name, id);
    return id;
  }
  // An annotated tag made at `time`.
  void annotated(const std::string& name, const ObjectId& id, std::int64_t time) {
    tag(name, repo.add_tag_object(id, name, time));
  }

  policy::History history() const { return policy::rebuild_history(repo, policy, refs, policy::tag_times(repo, refs)); }

  policy::Replay replay(policy::ReplayOptions options = {}) const {
    ci::NotesProvider provider(repo, policy.ci.notes_ref, policy.ci.requirements);
    return policy::replay(repo, policy, provider, refs, policy::tag_times(repo, refs), options);
  }
};

// "tag v0.1.0", "create release/v0.1", "commit release/v0.1", "main", one a line.
std::vector<std::string> described(const policy::History& h) {
  std::vector<std::string> out;
  for (const auto& e : h.events) {
    std::string name = e.ref.substr(e.ref.find('/', 5) + 1);
    switch (e.kind) {
    case EventKind::tag: out.push_back("tag " + name); break;
    case EventKind::branch_create: out.push_back("create " + name); break;
    case EventKind::branch_commit: out.push_back("commit " + name); break;
    case EventKind::main_commit: out.push_back("main"); break;
    }
  }
  return out;
}

std::vector<std::string> finding_codes(const policy::Replay& r) {
  std::vector<std::string> out;
  for (const auto& f : r.findings) out.emplace_back(policy::rule_info(f.violation.rule).code);
  return out;
}

// A 0.1 cycle an hour apart: rc1, a fix in the freeze, rc2 and the final
// (annotated), the release branch at the final, a backport and the patch
// release.
struct Cycle : Timeline {
  ObjectId work, fix, late_fix, backport;
  Cycle() {
    work = main_at(1000, "feat: work");
    tag("v0.1.0-rc1", work);
    fix = main_at(4600, "fix: in the freeze (#1)");
    annotated("v0.1.0-rc2", fix, 5000);
    annotated("v0.1.0", fix, 8200);
    branch("release/v0.1", fix);
    late_fix = main_at(11800, "fix: after the release (#2)");
    backport = branch_at(15400, "release/v0.1",
                         "fix: after the release (#2)\n\n(cherry picked from commit " + late_fix + ")");
    tag("v0.1.1", backport);
  }
};

} // namespace

TEST_CASE("replay: a textbook cycle is rebuilt in time order and has no findings", "[replay]") {
  Cycle h;
  auto history = h.history();
  CHECK(described(history) == std::vector<std::string>{"tag v0.1.0-rc1", "main", "tag v0.1.0-rc2",
                                                       "tag v0.1.0", "create release/v0.1",
                                                       "commit release/v0.1", "tag v0.1.1"});
  CHECK(history.freeze_windows == 1);
  auto r = h.replay();
  CHECK(finding_codes(r).empty());
  CHECK(r.judged == 7);
  CHECK(r.freeze_windows == 1);
}

TEST_CASE("replay: a feature in the freeze and a final that is no rc are found, when they happened", "[replay]") {
  Timeline h;
  auto work = h.main_at(1000, "feat: initial");
  h.tag("v0.1.0-rc1", work);
  auto sneaky = h.main_at(2000, "feat: sneaky feature");
  auto fix = h.main_at(3000, "fix: a real fix");
  h.tag("v0.1.0", fix);
  auto r = h.replay();
  REQUIRE(finding_codes(r) == std::vector<std::string>{"F1", "T6"});
  CHECK(r.findings[0].time == 3000); // main's two window commits, one push
  REQUIRE(r.findings[0].violation.commits.size() == 1);
  CHECK(r.findings[0].violation.commits[0].id == sneaky);
  CHECK(r.findings[1].violation.ref == "refs/tags/v0.1.0");
  CHECK(r.judged == 3); // rc1, main's window, the final

  auto later = h.replay({3000, "origin", false});
  CHECK(finding_codes(later) == std::vector<std::string>{"F1", "T6"});
  CHECK(later.judged == 2);
  CHECK(h.replay({3001, "origin", false}).findings.empty());
}

TEST_CASE("replay: an annotated tag counts from its tagger time", "[replay]") {
  Timeline h;
  auto work = h.main_at(1000, "feat: initial");
  h.main_at(2000, "feat: before the freeze");
  // rc1 tagged (annotated) after the feature: not a freeze violation.
  h.annotated("v0.1.0-rc1", work, 2500);
  auto fix = h.main_at(3000, "fix: a fix");
  h.annotated("v0.1.0", fix, 4000);
  auto r = h.replay();
  CHECK(finding_codes(r) == std::vector<std::string>{"T6"}); // the final is not the last rc
  CHECK(r.findings[0].time == 4000);
}

TEST_CASE("replay: who pushed is not judged; CI only when asked", "[replay]") {
  Cycle h;
  h.policy.access.maintainers = {"alice"};
  CHECK(policy::replay_policy(h.policy, false).severity_of(policy::RuleId::A1) == policy::Severity::off);
  CHECK(policy::replay_policy(h.policy, false).severity_of(policy::RuleId::F2) == policy::Severity::off);
  CHECK(policy::replay_policy(h.policy, false).severity_of(policy::RuleId::T8) == policy::Severity::off);
  CHECK(policy::replay_policy(h.policy, true).severity_of(policy::RuleId::T8) == h.policy.severity_of(policy::RuleId::T8));
  CHECK(finding_codes(h.replay()).empty());
  // No CI note for v0.1.1's commit: T8 when the replay asks CI.
  CHECK(finding_codes(h.replay({std::nullopt, "origin", true})) == std::vector<std::string>{"T8"});
}

// --- events of the same second -------------------------------------------------
//
// A fast script (or a test under a slow sanitizer build) makes a whole
// release in one second. The History fixture's commits are all made at
// time 0, and lightweight tags count from their commits: every event below
// is of the same second.

namespace {

// 0.1 in one second: rc1 and the final at main's commit, release/v0.1 at
// the final, a fix on main, its backport and the patch release.
struct CycleInOneSecond : Timeline {
  ObjectId work, fix, backport;
  CycleInOneSecond() {
    work = main_commit("feat: work");
    tag("v0.1.0-rc1", work);
    tag("v0.1.0", work);
    branch("release/v0.1", work);
    fix = main_commit("fix: crash on start (#2)");
    backport = commit("fix: crash on start (#2)\n\n(cherry picked from commit " + fix + ")", {work});
    branch("release/v0.1", backport);
    tag("v0.1.1", backport);
  }
};

} // namespace

TEST_CASE("replay: a whole cycle in one second is replayed in causal order, without findings", "[replay]") {
  CycleInOneSecond h;
  auto history = h.history();
  for (const auto& e : history.events) REQUIRE(e.time == 0);
  // The patch tag after its branch and the backport it names; the branch
  // after the final tag.
  CHECK(described(history) == std::vector<std::string>{"tag v0.1.0-rc1", "tag v0.1.0", "create release/v0.1",
                                                       "commit release/v0.1", "tag v0.1.1"});
  CHECK(finding_codes(h.replay()).empty());
}

TEST_CASE("replay: rcs, the final and main's fixes in one second", "[replay]") {
  Timeline h;
  auto work = h.main_commit("feat: work");
  h.tag("v0.1.0-rc1", work);
  auto fix = h.main_commit("fix: in the freeze (#1)");
  h.tag("v0.1.0-rc2", fix);
  auto fix2 = h.main_commit("fix: another (#2)");
  h.tag("v0.1.0-rc3", fix2);
  h.tag("v0.1.0", fix2);
  h.branch("release/v0.1", fix2);
  auto history = h.history();
  // Main's window commits before the rcs that name them; rcs in order, then
  // the final, then its branch.
  CHECK(described(history) == std::vector<std::string>{"main", "main", "tag v0.1.0-rc1", "tag v0.1.0-rc2",
                                                       "tag v0.1.0-rc3", "tag v0.1.0", "create release/v0.1"});
  CHECK(finding_codes(h.replay()).empty());
}

TEST_CASE("replay: two patch releases in one second", "[replay]") {
  CycleInOneSecond h;
  auto fix = h.main_commit("fix: leak (#3)");
  auto second = h.commit("fix: leak (#3)\n\n(cherry picked from commit " + fix + ")", {h.backport});
  h.branch("release/v0.1", second);
  h.tag("v0.1.2", second);
  auto history = h.history();
  CHECK(described(history) == std::vector<std::string>{"tag v0.1.0-rc1", "tag v0.1.0", "create release/v0.1",
                                                       "commit release/v0.1", "commit release/v0.1", "tag v0.1.1",
                                                       "tag v0.1.2"});
  // Within one second both backports come before v0.1.1, which is then not
  // the branch's head: T7's advice, a warning; no error.
  auto replay = h.replay();
  REQUIRE(finding_codes(replay) == std::vector<std::string>{"T7"});
  CHECK(replay.findings[0].violation.severity == policy::Severity::warn);
}

TEST_CASE("replay: the order of a second does not depend on the order events come in", "[replay]") {
  const auto policy = policy::builtin_policy();
  const std::string c1(40, '1'), b1(40, '2');
  auto tag = [&](const std::string& name, const ObjectId& c) {
    return policy::HistoryEvent{7, EventKind::tag, "refs/tags/" + name, k_zero, c, c};
  };
  std::vector<policy::HistoryEvent> events = {
      tag("v0.1.1", b1),
      {7, EventKind::branch_commit, "refs/heads/release/v0.1", c1, b1, b1},
      {7, EventKind::branch_create, "refs/heads/release/v0.1", k_zero, c1, c1},
      tag("v0.1.0", c1),
      tag("v0.1.0-rc2", c1),
      tag("v0.1.0-rc1", c1),
  };
  const std::vector<std::string> want = {"tag v0.1.0-rc1",      "tag v0.1.0-rc2",      "tag v0.1.0",
                                         "create release/v0.1", "commit release/v0.1", "tag v0.1.1"};
  std::vector<std::size_t> perm(events.size());
  for (std::size_t i = 0; i < perm.size(); ++i) perm[i] = i;
  std::size_t tried = 0;
  do {
    policy::History h;
    for (std::size_t i : perm) h.events.push_back(events[i]);
    policy::order_events(h.events, policy);
    REQUIRE(described(h) == want);
    ++tried;
  } while (std::next_permutation(perm.begin(), perm.end()));
  CHECK(tried == 720);
}

TEST_CASE("replay: a patch tag on a commit its branch lacks is found in one second too", "[replay]") {
  Timeline h;
  auto work = h.main_commit("feat: work");
  h.tag("v0.1.0-rc1", work);
  h.tag("v0.1.0", work);
  h.branch("release/v0.1", work);
  auto fix = h.main_commit("fix: straight on main (#2)");
  h.tag("v0.1.1", fix); // not backported: release/v0.1 does not have it
  auto r = h.replay();
  REQUIRE(finding_codes(r) == std::vector<std::string>{"T7"});
  CHECK(r.findings[0].violation.ref == "refs/tags/v0.1.1");
}

TEST_CASE("replay: a patch tag made before its line's final is found: times decide before causes", "[replay]") {
  Timeline h;
  auto work = h.main_at(1000, "feat: work");
  h.tag("v0.1.0-rc1", work);
  auto fix = h.main_at(2000, "fix: crash on start (#2)");
  auto backport = h.at(3000, "fix: crash on start (#2)\n\n(cherry picked from commit " + fix + ")", {work});
  h.branch("release/v0.1", backport);
  h.annotated("v0.1.1", backport, 4000);
  h.annotated("v0.1.0", work, 5000); // the final, an hour after its patch release
  auto history = h.history();
  CHECK(described(history) == std::vector<std::string>{"tag v0.1.0-rc1", "tag v0.1.1", "tag v0.1.0",
                                                       "create release/v0.1", "commit release/v0.1"});
  auto r = h.replay();
  REQUIRE(finding_codes(r) == std::vector<std::string>{"T7"});
  CHECK(r.findings[0].violation.ref == "refs/tags/v0.1.1");
  CHECK(r.findings[0].time == 4000);
}
