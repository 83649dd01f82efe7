// Backports to release/vX.Y (B4-B7) on an in-memory repository.

#include "fixture.hpp"

#include <catch2/catch.hpp>

using namespace relgate;
using namespace relgate::test;
using namespace relgate::policy;

namespace {
// 0.1 released, release/v0.1 at v0.1.0, main moved on with two fixes.
struct Backports : History {
  ObjectId base, fix_a, fix_b;
  Backports() {
    base = release_line("0.1");
    fix_a = main_commit("fix: crash on start (#21)");
    fix_b = main_commit("fix: leak in extproc (#22)");
  }
  // A commit on the release branch (not pushed yet).
  ObjectId on_release(const std::string& message) { return commit(message, {head("release/v0.1")}); }
  Verdict push_release(const ObjectId& id) { return push(move_branch("release/v0.1", id)); }
};
} // namespace

TEST_CASE("B4: a cherry-pick -x of a main commit is a backport", "[B4]") {
  Backports h;
  auto pick = h.on_release("fix: crash on start (#21)\n\n(cherry picked from commit " + h.fix_a + ")");
  CHECK(h.push_release(pick).violations.empty());
}

TEST_CASE("B4: stacked cherry-pick lines: one on main suffices", "[B4]") {
  Backports h;
  auto side = h.commit("fix: on a side branch", {h.base});
  auto pick = h.on_release("fix: x\n\n(cherry picked from commit " + side + ")\n(cherry picked from commit " + h.fix_b + ")");
  CHECK(h.push_release(pick).violations.empty());
}

TEST_CASE("B4: a cherry-pick of a commit that is not on main is refused", "[B4]") {
  Backports h;
  auto side = h.commit("fix: on a side branch", {h.base});
  auto pick = h.on_release("fix: on a side branch\n\n(cherry picked from commit " + side + ")");
  auto v = h.push_release(pick);
  REQUIRE(codes(v) == std::vector<std::string>{"B4"});
  CHECK(text(v).find("says it was picked from " + repo::short_id(side) + ", which is not on main") != std::string::npos);
  CHECK(text(v).find("git cherry-pick -x <commit on main>") != std::string::npos);
}

TEST_CASE("B4: a commit written on the release branch is refused, and named", "[B4]") {
  Backports h;
  auto direct = h.on_release("fix: only on the release branch");
  auto v = h.push_release(direct);
  REQUIRE(codes(v) == std::vector<std::string>{"B4"});
  CHECK(text(v).rfind("relgate: B4 backport-provenance: refs/heads/release/v0.1: 1 of 1 new commit on release/v0.1 is "
                      "not a backport of a commit on main\n"
                      "  commit " + repo::short_id(direct) + " fix: only on the release branch\n",
                      0) == 0);
}

TEST_CASE("B4: pull-request references prove squashed backports", "[B4]") {
  Backports h;
  SECTION("backport: <title> (#up) (#bp)") {
    auto squash = h.on_release("backport: fix: crash on start (#21) (#25)");
    CHECK(h.push_release(squash).violations.empty());
  }
  SECTION("sources named in the body, several in one") {
    auto squash = h.on_release("backport: fixes for 0.1 (#30)\n\nIncluding #21 and\nhttps://github.com/o/r/pull/22\n");
    CHECK(h.push_release(squash).violations.empty());
  }
  SECTION("a number that maps to nothing on main proves nothing") {
    auto squash = h.on_release("backport: something (#99) (#100)");
    CHECK(codes(h.push_release(squash)) == std::vector<std::string>{"B4"});
  }
}

TEST_CASE("B4: a main commit from before the release is no source", "[B4]") {
  History h;
  h.main_commit("fix: old fix, already released (#1)");
  h.release_line("0.1");
  h.main_commit("fix: new fix (#2)");
  auto old_ref = h.commit("backport: fix: old fix, already released (#1) (#3)", {h.head("release/v0.1")});
  CHECK(codes(h.push(h.move_branch("release/v0.1", old_ref))) == std::vector<std::string>{"B4"});
  auto new_ref = h.commit("backport: fix: new fix (#2) (#4)", {h.head("release/v0.1")});
  CHECK(h.push(h.move_branch("release/v0.1", new_ref)).violations.empty());
}

TEST_CASE("B4: an equal patch id proves a plain cherry-pick", "[B4]") {
  Backports h;
  auto pick = h.on_release("fix: crash on start");
  h.repo.set_patch(pick, "the crash fix");
  h.repo.set_patch(h.fix_a, "the crash fix");
  CHECK(h.push_release(pick).violations.empty());
  SECTION("off when backport.patch_id is false") {
    h.policy.backport.patch_id = false;
    CHECK(codes(h.push_release(pick)) == std::vector<std::string>{"B4"});
  }
  SECTION("outside the window it is not searched") {
    h.policy.backport.patch_id_window = 1; // only fix_b, the newest
    CHECK(codes(h.push_release(pick)) == std::vector<std::string>{"B4"});
  }
  SECTION("equal patch ids need equal paths") {
    auto other = h.repo.add_commit({h.head("release/v0.1")}, "fix: crash on start\n", 0, {"elsewhere.cpp"});
    h.repo.set_patch(other, "the crash fix");
    CHECK(codes(h.push_release(other)) == std::vector<std::string>{"B4"});
  }
}

TEST_CASE("B4: a commit on main too deep to walk proves nothing and stops no backport", "[B4][depth]") {
  Backports h;
  std::string deep;
  for (std::size_t i = 0; i < repo::k_max_tree_depth; ++i) deep += "d/";
  deep += "f.txt"; // 4097 components
  // Newest on main: the patch-id search meets it before the source.
  h.branch("main", h.repo.add_commit({h.fix_b}, "feat: deep\n", 0, {deep}));
  auto pick = h.on_release("fix: crash on start");
  h.repo.set_patch(pick, "the crash fix");
  h.repo.set_patch(h.fix_a, "the crash fix");
  CHECK(h.push_release(pick).violations.empty());
  SECTION("a backport too deep to walk is refused (fail closed)") {
    auto deep_pick = h.repo.add_commit({h.head("release/v0.1")}, "fix: deep\n", 0, {deep});
    CHECK_THROWS_AS(h.push_release(deep_pick), repo::TreeTooDeep);
  }
}

TEST_CASE("B4: merges on the release branch are not judged, their commits are", "[B4]") {
  Backports h;
  auto pick = h.commit("fix: crash (#21)\n\n(cherry picked from commit " + h.fix_a + ")", {h.base});
  auto merge = h.repo.add_commit({h.head("release/v0.1"), pick}, "Merge pull request #25\n");
  CHECK(h.push_release(merge).violations.empty());
}

TEST_CASE("B4: a merge that brings no commit of its own must be a backport (issue 20)", "[B4]") {
  Backports h;
  auto pick = h.on_release("fix: crash (#21)\n\n(cherry picked from commit " + h.fix_a + ")");
  h.branch("release/v0.1", pick);
  // Parents release/v0.1 and release/v0.1~1: nothing new, whatever the tree adds.
  auto merge = h.repo.add_commit({pick, h.base}, "Merge branch 'release/v0.1~1'\n");
  auto v = h.push_release(merge);
  REQUIRE(codes(v) == std::vector<std::string>{"B4"});
  REQUIRE(v.violations[0].commits.size() == 1);
  CHECK(v.violations[0].commits[0].id == merge);
  CHECK(text(v).find("hint: a merge is judged like a commit when it brings no new commit to release/v0.1") !=
        std::string::npos);
}

TEST_CASE("B4: an evil merge is judged like a commit, beside the backports it brings", "[B4]") {
  Backports h;
  auto pick = h.commit("fix: crash (#21)\n\n(cherry picked from commit " + h.fix_a + ")", {h.base});
  auto merge = h.repo.add_commit({h.head("release/v0.1"), pick}, "Merge pull request #25\n");
  h.repo.set_not_clean_merge(merge);
  auto v = h.push_release(merge);
  REQUIRE(codes(v) == std::vector<std::string>{"B4"});
  REQUIRE(v.violations[0].commits.size() == 1);
  CHECK(v.violations[0].commits[0].id == merge);
  CHECK(text(v).find("1 of 2 new commits on release/v0.1 is not a backport") != std::string::npos);
}

TEST_CASE("B5: backports are fixes, security fixes or docs (warning)", "[B5]") {
  Backports h;
  auto feat = h.main_commit("feat: new knob (#23)");
  auto pick = h.on_release("backport: feat: new knob (#23) (#26)");
  auto v = h.push_release(pick);
  REQUIRE(codes(v) == std::vector<std::string>{"B5"});
  CHECK_FALSE(v.rejected());
  CHECK(text(v).find("relgate: warning: B5 backport-kind") != std::string::npos);
  (void)feat;
  SECTION("the backport: prefix is stripped before classifying") {
    auto fix = h.on_release("backport: fix: crash on start (#21) (#27)");
    CHECK(h.push_release(fix).violations.empty());
  }
  SECTION("the source's subject counts too") {
    auto pick2 = h.on_release("backport: crash (#21) (#28)");
    CHECK(h.push_release(pick2).violations.empty());
  }
}

TEST_CASE("B4: the search for sources stops once one proves the backport", "[B4][B5]") {
  // A squash backport names its source (#21, near main's tip) and its own
  // pull request (#99, on no main commit). Looking for #99 would read all
  // of main since v0.1.0; a fix proven by #21 needs nothing more.
  Backports h;
  for (int i = 0; i < 200; ++i) h.main_commit("docs: page " + std::to_string(i));
  h.main_commit("fix: crash on start, again (#121)");
  h.main_commit("docs: after the fix");
  auto bp = h.on_release("backport: fix: crash on start, again (#121) (#999)");
  std::size_t before = h.repo.commit_reads();
  CHECK(h.push_release(bp).violations.empty());
  const std::size_t lazy = h.repo.commit_reads() - before;
  CHECK(lazy < 50);
  SECTION("a backport that is not a fix itself looks on, for a source that is") {
    // #121 is a fix; the backport's own subject is not: B5 is satisfied by
    // the source, and the search stops after it too.
    auto vague = h.on_release("backport: crash (#998) (#121)");
    before = h.repo.commit_reads();
    CHECK(h.push_release(vague).violations.empty());
    // #998 is on no main commit: all of main since v0.1.0 was read for it.
    CHECK(h.repo.commit_reads() - before > 200);
  }
  SECTION("and warns when no source is a fix") {
    auto feat = h.on_release("backport: knob (#22) (#997)");
    auto v = h.push_release(feat);
    // #22 is "fix: leak in extproc": a fix, found at the far end of main.
    CHECK(v.violations.empty());
    auto none = h.on_release("backport: pages (#996)");
    h.main_commit("feat: pages (#996)");
    CHECK(codes(h.push_release(none)) == std::vector<std::string>{"B5"});
  }
}

TEST_CASE("B4: pull requests are found on main by a binary search when numbers are in order", "[B4]") {
  // Squash merges: main commit k ends in (#k), in increasing order.
  History h;
  h.main_commit("fix: before the release (#1)");
  h.release_line("0.1");
  for (int k = 100; k < 600; ++k) h.main_commit("fix: change " + std::to_string(k) + " (#" + std::to_string(k) + ")");
  auto on_release = [&](const std::string& m) { return h.commit(m, {h.head("release/v0.1")}); };
  auto push = [&](const ObjectId& id) { return h.push(h.move_branch("release/v0.1", id)); };
  SECTION("a source deep in main's history, and the backport's own number first") {
    auto bp = on_release("backport: fix: change 123 (#9999) (#123)");
    std::size_t before = h.repo.commit_reads();
    CHECK(push(bp).violations.empty());
    CHECK(h.repo.commit_reads() - before < 40); // a walk would read about 480
  }
  SECTION("a source near main's tip: only the newest 64 commits of the chain are listed") {
    auto bp = on_release("backport: fix: change 590 (#590) (#9996)");
    std::size_t listed = h.repo.chain_listed();
    CHECK(push(bp).violations.empty());
    CHECK(h.repo.chain_listed() - listed == 64);
  }
  SECTION("a source deep in the chain: listed 64, then 256, then all 500") {
    auto bp = on_release("backport: fix: change 101 (#101) (#9995)");
    std::size_t listed = h.repo.chain_listed();
    CHECK(push(bp).violations.empty());
    CHECK(h.repo.chain_listed() - listed == 64 + 256 + 500);
  }
  SECTION("a number newer than main's tip is not found") {
    auto bp = on_release("backport: fix: change 700 (#700) (#9994)");
    CHECK(codes(push(bp)) == std::vector<std::string>{"B4"});
  }
  SECTION("a number from before the release is not found, by the search or the walk") {
    auto bp = on_release("backport: fix: before the release (#1) (#9998)");
    CHECK(codes(push(bp)) == std::vector<std::string>{"B4"});
  }
  SECTION("numbers out of order: the search misses, the walk still finds it") {
    History o;
    o.release_line("0.1");
    for (int k = 100; k < 300; ++k) o.main_commit("fix: change (#" + std::to_string(k) + ")");
    o.main_commit("fix: merged late (#50)"); // an old pull request merged last but one
    for (int k = 300; k < 310; ++k) o.main_commit("fix: change (#" + std::to_string(k) + ")");
    auto bp = o.commit("backport: fix: merged late (#50) (#9997)", {o.head("release/v0.1")});
    std::size_t before = o.repo.commit_reads();
    CHECK(o.push(o.move_branch("release/v0.1", bp)).violations.empty());
    CHECK(o.repo.commit_reads() - before > 10);
  }
}

TEST_CASE("B6: no new commits on the release branch of an end-of-life line", "[B6]") {
  Backports h;
  auto pick = h.on_release("fix: crash\n\n(cherry picked from commit " + h.fix_a + ")");
  h.release_line("0.2");
  CHECK(h.push_release(pick).violations.empty()); // one newer line: still supported
  h.release_line("0.3");
  auto v = h.push_release(pick);
  REQUIRE(codes(v) == std::vector<std::string>{"B6"});
  CHECK(text(v).find("0.1 is end of life since v0.3.0: release/v0.1 takes no more commits (supported lines: 0.3, 0.2)") !=
        std::string::npos);
}

TEST_CASE("B6: a merge is a new commit on an end-of-life line too (issue 20)", "[B6]") {
  Backports h;
  auto pick = h.on_release("fix: crash\n\n(cherry picked from commit " + h.fix_a + ")");
  h.branch("release/v0.1", pick);
  h.release_line("0.2");
  h.release_line("0.3");
  auto merge = h.repo.add_commit({pick, h.base}, "Merge branch 'release/v0.1~1'\n");
  auto v = h.push_release(merge);
  REQUIRE(codes(v) == std::vector<std::string>{"B6"});
  REQUIRE(v.violations[0].commits.size() == 1);
  CHECK(v.violations[0].commits[0].id == merge);
}

TEST_CASE("B6: across majors, v0.9 ends when v1.0 and v1.1 are released", "[B6]") {
  History h;
  auto base = h.release_line("0.9");
  auto fix = h.main_commit("fix: one (#5)");
  h.release_line("1.0");
  auto pick = h.commit("fix: one (#5)\n\n(cherry picked from commit " + fix + ")", {base});
  CHECK(h.push(h.move_branch("release/v0.9", pick)).violations.empty());
  h.release_line("1.1");
  CHECK(codes(h.push(h.move_branch("release/v0.9", pick))) == std::vector<std::string>{"B6"});
}

TEST_CASE("B7: main takes no cherry-picks of release-branch commits (warning)", "[B7]") {
  Backports h;
  auto on_release = h.on_release("fix: made on the release branch (#40)\n\n(cherry picked from commit " + h.fix_a + ")");
  h.branch("release/v0.1", on_release);
  auto wrong = h.commit("fix: made on the release branch\n\n(cherry picked from commit " + on_release + ")", {h.fix_b});
  auto v = h.push(h.move_branch("main", wrong));
  REQUIRE(codes(v) == std::vector<std::string>{"B7"});
  CHECK_FALSE(v.rejected());
  auto right = h.commit("fix: picked from main\n\n(cherry picked from commit " + h.fix_a + ")", {h.fix_b});
  CHECK(h.push(h.move_branch("main", right)).violations.empty());
}

TEST_CASE("B1: backports pushed to a branch that names a line go to release/vX.Y", "[B1][B4]") {
  Backports h;
  auto pick = h.on_release("fix: crash\n\n(cherry picked from commit " + h.fix_a + ")");
  const std::string s = repo::short_id(pick);
  // Each with the pull-request branch it is told to use instead (the
  // template whose name is closest; no (#N) in the message, so no {pr}).
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"backport/v0.1", "backport/v0.1/fix-crash"},   {"backports/0.1", "backport/release/v0.1/fix-crash"},
      {"v0.1", "backport/release/v0.1/fix-crash"},    {"release-0.1", "backport/release/v0.1/fix-crash"},
      {"releases/v0.1", "backport/release/v0.1/fix-crash"}, {"release/v0.1.1", "backport/release/v0.1/fix-crash"}};
  for (const auto& [bad, instead] : cases) {
    INFO(bad);
    auto v = h.push(History::create_branch(bad, pick));
    REQUIRE(codes(v) == std::vector<std::string>{"B1"});
    CHECK(text(v).find("  hint:   git push origin " + s + ":refs/heads/" + instead + "\n") != std::string::npos);
    // never a push that skips the pull request
    CHECK(text(v).find(":refs/heads/release/v0.1\n") == std::string::npos);
    // and the branch it names takes the backport
    CHECK(h.push(History::create_branch(instead, pick)).violations.empty());
  }
  CHECK(text(h.push(History::create_branch("backport/v0.1", pick)))
            .find("\"backport/v0.1\" is not a release branch, but this push brings it backports of main: backports go "
                  "to release/v0.1 through a pull request") != std::string::npos);
  // A pull request's branch does not name a line; a branch without backports is not a target.
  CHECK(h.push(History::create_branch("backport/v0.1-crash", pick)).violations.empty());
  auto feature = h.commit("feat: x", {h.fix_b});
  CHECK(h.push(History::create_branch("try/v0.1", feature)).violations.empty());
}

// --- pull-request branches of backports (backport.pr_branches) ---------------------

TEST_CASE("pr_branches: templates name a line and match exactly", "[pr_branches]") {
  const auto& release = builtin_policy().release_branch;
  std::string error;
  auto t = PrBranchTemplate::compile("backport-{pr}-to-{release}", &error);
  REQUIRE(t);
  CHECK(t->match("backport-21-to-release/v0.5", release) == Line{0, 5});
  CHECK(t->match("backport-21-to-release/v10.12", release) == Line{10, 12});
  for (std::string no : {"backport-21-to-release/v0.5.1", "backport--to-release/v0.5", "backport-021-to-release/v0.5",
                         "backport-21-to-release/v00.5", "backport-21-to-release/0.5", "xbackport-21-to-release/v0.5"}) {
    INFO(no);
    CHECK_FALSE(t->match(no, release));
  }
  CHECK(t->render({0, 5}, release, 21, "x") == "backport-21-to-release/v0.5");
  CHECK_FALSE(t->render({0, 5}, release, std::nullopt, "x"));
  CHECK(t->display(release) == "backport-<N>-to-release/vX.Y");

  auto topic = PrBranchTemplate::compile("backport/v{major}.{minor}/{topic}", &error);
  REQUIRE(topic);
  CHECK(topic->match("backport/v0.5/crash/on-start", release) == Line{0, 5});
  CHECK_FALSE(topic->match("backport/v0.5/", release)); // a topic has one character at least
  CHECK_FALSE(topic->match("backport/v0.5", release));
  CHECK(topic->display(release) == "backport/vX.Y/<topic>");
  // {topic} in the middle: the line after it still parses
  auto middle = PrBranchTemplate::compile("bp/{topic}/to-{major}.{minor}", &error);
  REQUIRE(middle);
  CHECK(middle->match("bp/a/to-1.2/to-3.4", release) == Line{3, 4});
  // {release} follows branches.release
  std::string e2;
  auto other = NameTemplate::compile("stable-{major}.{minor}", {"major", "minor"}, &e2);
  REQUIRE(other);
  CHECK(t->match("backport-3-to-stable-1.2", *other) == Line{1, 2});
  CHECK_FALSE(t->match("backport-3-to-release/v1.2", *other));

  for (std::pair<std::string, std::string> bad :
       {std::pair<std::string, std::string>{"backport/{topic}", "must name the line once"},
        {"backport/{release}/v{major}.{minor}", "must name the line once"},
        {"backport/v{major}/{topic}", "must name the line once"},
        {"bp/{release}/{pr}/{pr}", "appears twice"},
        {"bp/{release}/{branch}", "unknown placeholder {branch}"},
        {"bp/{release}/{pr}{topic}", "need text between them"},
        {"bp/{release", "unclosed"}}) {
    INFO(bad.first);
    CHECK_FALSE(PrBranchTemplate::compile(bad.first, &error));
    CHECK(error.find(bad.second) != std::string::npos);
  }
}

namespace {
// Backports, with the fix's pick made on a topic branch from release/v0.1.
struct PrBranches : Backports {
  ObjectId pick;
  PrBranches() { pick = on_release("fix: crash on start (#21)\n\n(cherry picked from commit " + fix_a + ")"); }
};
} // namespace

TEST_CASE("pr_branches: each default shape is judged as a backport to its line", "[pr_branches][B4]") {
  PrBranches h;
  const std::vector<std::string> shapes = {"backport-21-to-release/v0.1", "backport/release/v0.1/crash-fix",
                                           "mergify/bp/release/v0.1/pr-21", "backport/v0.1/crash-fix"};
  for (const auto& name : shapes) {
    INFO(name);
    // a proven backport: accepted
    CHECK(h.push(History::create_branch(name, h.pick)).violations.empty());
    // a commit written on it: B4, naming this branch and the line's branch
    auto direct = h.commit("fix: only here", {h.pick});
    auto v = h.push(History::create_branch(name, direct));
    REQUIRE(codes(v) == std::vector<std::string>{"B4"});
    CHECK(text(v).rfind("relgate: B4 backport-provenance: refs/heads/" + name +
                            ": 1 of 2 new commits this branch would bring to release/v0.1 is not a backport of a commit on "
                            "main\n  commit " + repo::short_id(direct) + " fix: only here\n",
                        0) == 0);
    CHECK(text(v).find("git push") == std::string::npos);
    // deleting it, and force-pushing it, are its owner's business
    h.branch(name, direct);
    CHECK(h.push(RefUpdate{"refs/heads/" + name, direct, k_zero}).violations.empty());
    CHECK(h.push(RefUpdate{"refs/heads/" + name, direct, h.pick}).violations.empty());
    h.refs.erase("refs/heads/" + name);
  }
}

TEST_CASE("pr_branches: B5 and B6 say what they would say on the release branch", "[pr_branches][B5][B6]") {
  PrBranches h;
  auto feat = h.main_commit("feat: a knob (#23)");
  auto knob = h.on_release("feat: a knob (#23)\n\n(cherry picked from commit " + feat + ")");
  auto v = h.push(History::create_branch("backport/v0.1/knob", knob));
  REQUIRE(codes(v) == std::vector<std::string>{"B5"});
  CHECK_FALSE(v.rejected());
  CHECK(codes(h.push(h.move_branch("release/v0.1", knob))) == codes(v));

  h.release_line("0.2");
  h.release_line("0.3");
  auto eol = h.push(History::create_branch("backport-21-to-release/v0.1", h.pick));
  REQUIRE(codes(eol) == std::vector<std::string>{"B6"});
  CHECK(text(eol).rfind("relgate: B6 eol-line: refs/heads/backport-21-to-release/v0.1: 0.1 is end of life since v0.3.0: "
                        "release/v0.1 takes no more commits (supported lines: 0.3, 0.2)\n",
                        0) == 0);
  CHECK(codes(h.push(h.move_branch("release/v0.1", h.pick))) == codes(eol));
}

TEST_CASE("pr_branches: judged against the release branch as it is, not the branch's own past", "[pr_branches][B4]") {
  PrBranches h;
  // A commit already on release/v0.1 (merged earlier) is not the pull request's.
  auto earlier = h.on_release("fix: merged before relgate");
  h.branch("release/v0.1", earlier);
  auto pick = h.commit("fix: crash on start (#21)\n\n(cherry picked from commit " + h.fix_a + ")", {earlier});
  CHECK(h.push(History::create_branch("backport/v0.1/crash", pick)).violations.empty());
  // The branch based on an older release tip: still only its own commits.
  CHECK(h.push(History::create_branch("backport/v0.1/old-base", h.pick)).violations.empty());
  // An unproven commit pushed earlier stays in what the pull request brings.
  auto direct = h.commit("fix: only here", {pick});
  h.branch("backport/v0.1/crash", direct);
  auto more = h.commit("fix: leak (#22)\n\n(cherry picked from commit " + h.fix_b + ")", {direct});
  auto v = h.push(h.move_branch("backport/v0.1/crash", more));
  REQUIRE(codes(v) == std::vector<std::string>{"B4"});
  CHECK(text(v).find("  commit " + repo::short_id(direct) + " fix: only here") != std::string::npos);
  // The release branch moved in the same push: the pull request is judged against where it goes.
  auto w = h.push({h.move_branch("release/v0.1", direct), h.move_branch("backport/v0.1/crash", more)});
  CHECK(codes(w) == std::vector<std::string>{"B4"}); // release/v0.1's own B4 for `direct`, not the branch's
  CHECK(w.violations[0].ref == "refs/heads/release/v0.1");
}

TEST_CASE("pr_branches: before the release branch exists, judged against the final tag", "[pr_branches][B4]") {
  History h;
  auto base = h.main_commit("feat: work for 0.1");
  h.tag("v0.1.0-rc1", base);
  h.tag("v0.1.0", base);
  auto fix = h.main_commit("fix: crash (#21)");
  auto pick = h.commit("fix: crash (#21)\n\n(cherry picked from commit " + fix + ")", {base});
  CHECK(h.push(History::create_branch("backport/v0.1/crash", pick)).violations.empty());
  auto direct = h.commit("fix: only here", {base});
  CHECK(codes(h.push(History::create_branch("backport/v0.1/direct", direct))) == std::vector<std::string>{"B4"});
}

TEST_CASE("pr_branches: a line that is not released takes no backport (B1)", "[pr_branches][B1]") {
  PrBranches h;
  auto c = h.main_commit("fix: for 0.2 (#30)");
  auto v = h.push(History::create_branch("backport/v0.2/fix", c));
  REQUIRE(codes(v) == std::vector<std::string>{"B1"});
  CHECK(text(v).rfind("relgate: B1 branch-name: refs/heads/backport/v0.2/fix: \"backport/v0.2/fix\" is a pull-request "
                      "branch for release/v0.2, but 0.2 is not released (v0.2.0 does not exist): there is no "
                      "release/v0.2 to take a backport\n",
                      0) == 0);
  CHECK(text(v).find("fixes land on main and ship when 0.2 is released") != std::string::npos);
  CHECK(text(v).find("supported lines: 0.1") != std::string::npos);
  h.tag("v0.2.0-rc1", c);
  CHECK(text(h.push(History::create_branch("backport/v0.2/fix", c)))
            .find("0.2 is in its release-candidate phase: fixes land on main") != std::string::npos);
}

TEST_CASE("pr_branches: configurable, and [] turns them off", "[pr_branches]") {
  PrBranches h;
  h.policy = parse_policy("[backport]\npr_branches = [\"bp/{major}.{minor}/{topic}\"]\n", "relgate.toml",
                          builtin_policy());
  CHECK(h.push(History::create_branch("bp/0.1/crash", h.pick)).violations.empty());
  CHECK(codes(h.push(History::create_branch("bp/0.1/x", h.commit("fix: only here", {h.pick})))) ==
        std::vector<std::string>{"B4"});
  // not a pull-request branch any more: a backport on a name ending in a line is B1's, as before
  auto v = h.push(History::create_branch("backport-21-to-release/v0.1", h.pick));
  REQUIRE(codes(v) == std::vector<std::string>{"B1"});
  CHECK(text(v).find(":refs/heads/bp/0.1/fix-crash-on-start-21\n") != std::string::npos);
  h.policy = parse_policy("[backport]\npr_branches = []\n", "relgate.toml", builtin_policy());
  CHECK(codes(h.push(History::create_branch("backport-21-to-release/v0.1", h.pick))) == std::vector<std::string>{"B1"});
  CHECK(h.push(History::create_branch("backport/v0.1/crash", h.pick)).violations.empty()); // a topic branch again
}
