// Branch rules B1-B3 on an in-memory repository.

#include "fixture.hpp"

#include <catch2/catch.hpp>

using namespace relgate;
using namespace relgate::test;

TEST_CASE("B1 branch-name: release branches are spelled release/vX.Y", "[B1]") {
  History h;
  auto c = h.release_line("0.1");
  const std::vector<std::string> near_misses = {"release/v0.1.0", "release/0.1",  "releases/v0.1", "release-v0.1",
                                                "Release/v0.1",   "rel/0.1",      "release_0.1"};
  for (const auto& bad : near_misses) {
    INFO(bad);
    auto v = h.push(History::create_branch(bad, c));
    REQUIRE(codes(v) == std::vector<std::string>{"B1"});
    // release/v0.1 is at c already: nothing to push there.
    CHECK(text(v).find("did you mean release/v0.1? It is at this commit already: nothing to push") != std::string::npos);
    CHECK(text(v).find("git push") == std::string::npos);
  }
  SECTION("the release branch not made yet: its name, at the final tag") {
    History n;
    auto f = n.main_commit("feat: work for 0.1");
    n.tag("v0.1.0-rc1", f);
    n.tag("v0.1.0", f);
    for (const auto& bad : near_misses) {
      INFO(bad);
      auto v = n.push(History::create_branch(bad, f));
      REQUIRE(codes(v) == std::vector<std::string>{"B1"});
      CHECK(text(v).find("did you mean release/v0.1? Push the same commit under that name:\n"
                         "  hint:   git push origin " + repo::short_id(f) + ":refs/heads/release/v0.1\n") !=
            std::string::npos);
      // and that push is accepted
      CHECK(n.push(History::create_branch("release/v0.1", f)).violations.empty());
    }
  }
  SECTION("a commit the release branch lacks: a pull-request branch, never a push to release/v0.1") {
    auto fix = h.main_commit("fix: crash on start (#21)");
    auto pick = h.commit("fix: crash on start (#21)\n\n(cherry picked from commit " + fix + ")", {c});
    for (const auto& bad : near_misses) {
      INFO(bad);
      auto v = h.push(History::create_branch(bad, pick));
      REQUIRE(codes(v) == std::vector<std::string>{"B1"});
      CHECK(text(v).find("did you mean a pull request to release/v0.1? Push the same commit to a pull-request branch, "
                         "then open the pull request against release/v0.1:\n"
                         "  hint:   git push origin " + repo::short_id(pick) + ":refs/heads/backport-21-to-release/v0.1\n") !=
            std::string::npos);
      CHECK(text(v).find(":refs/heads/release/v0.1\n") == std::string::npos);
    }
    // The suggested branch takes it.
    CHECK(h.push(History::create_branch("backport-21-to-release/v0.1", pick)).violations.empty());
  }
  SECTION("a line that is not released: no push suggested") {
    auto v = h.push(History::create_branch("release/0.2", c));
    REQUIRE(codes(v) == std::vector<std::string>{"B1"});
    CHECK(text(v).find("did you mean release/v0.2? It is created at v0.2.0 once 0.2 is released; until then fixes "
                       "land on main") != std::string::npos);
    CHECK(text(v).find("git push") == std::string::npos);
  }
  SECTION("a name under release/ without a version gets no suggestion") {
    auto v = h.push(History::create_branch("release/v0.5-fix", c));
    CHECK(codes(v) == std::vector<std::string>{"B1"});
    auto w = h.push(History::create_branch("release/next", c));
    CHECK(codes(w) == std::vector<std::string>{"B1"});
    CHECK(text(w).find("release branches are named release/vX.Y") != std::string::npos);
  }
  SECTION("other branches are left alone") {
    for (std::string ok : {"feature/release-notes", "release-notes-update", "fix/v0.1-bug", "main-backup"}) {
      INFO(ok);
      CHECK(h.push(History::create_branch(ok, c)).violations.empty());
    }
  }
  SECTION("deleting a misnamed branch is allowed") {
    h.branch("release/0.1", c);
    CHECK(h.push(RefUpdate{"refs/heads/release/0.1", c, k_zero}).violations.empty());
  }
  SECTION("the exact text for release/v0.1.0") {
    auto v = h.push(History::create_branch("release/v0.1.0", c));
    auto s = repo::short_id(c);
    CHECK(text(v) == "relgate: B1 branch-name: refs/heads/release/v0.1.0: \"release/v0.1.0\" is not a release branch "
                     "name: release branches are release/vX.Y\n"
                     "  commit " + s + " feat: work for 0.1\n"
                     "  hint: did you mean release/v0.1? It is at this commit already: nothing to push\n");
  }
}

TEST_CASE("B2 branch-from-tag: release/vX.Y is created exactly at vX.Y.0", "[B2]") {
  History h;
  auto c1 = h.main_commit("feat: one");
  h.tag("v0.1.0-rc1", c1);
  SECTION("before the final tag: rejected") {
    auto v = h.push(History::create_branch("release/v0.1", c1));
    CHECK(codes(v) == std::vector<std::string>{"B2"});
    CHECK(text(v).find("can only be created at v0.1.0, which does not exist yet") != std::string::npos);
  }
  SECTION("at the final tag: accepted") {
    h.tag("v0.1.0", c1);
    CHECK(h.push(History::create_branch("release/v0.1", c1)).violations.empty());
  }
  SECTION("with the final tag in the same push: accepted") {
    CHECK(h.push({History::create_tag("v0.1.0", c1), History::create_branch("release/v0.1", c1)}).violations.empty());
  }
  SECTION("anywhere else: rejected") {
    h.tag("v0.1.0", c1);
    auto c2 = h.main_commit("fix: later");
    auto v = h.push(History::create_branch("release/v0.1", c2));
    CHECK(codes(v) == std::vector<std::string>{"B2"});
    // Not git branch -f, which fails on the checked-out branch.
    CHECK(text(v).find("git push origin v0.1.0^{commit}:refs/heads/release/v0.1") != std::string::npos);
  }
  SECTION("an annotated final tag is peeled") {
    h.tag("v0.1.0", h.repo.add_tag_object(c1, "v0.1.0"));
    CHECK(h.push(History::create_branch("release/v0.1", c1)).violations.empty());
  }
}

TEST_CASE("B3 no-rewrite: main and release branches are never deleted or force-pushed", "[B3]") {
  History h;
  auto base = h.release_line("0.1");
  auto c2 = h.main_commit("feat: two");
  SECTION("fast-forward of main: accepted") {
    auto c3 = h.commit("feat: three", {c2});
    CHECK(h.push(h.move_branch("main", c3)).violations.empty());
  }
  SECTION("deleting main: rejected") {
    auto v = h.push(RefUpdate{"refs/heads/main", c2, k_zero});
    CHECK(codes(v) == std::vector<std::string>{"B3"});
    CHECK(text(v).find("main is never deleted") != std::string::npos);
  }
  SECTION("force-pushing main: rejected") {
    auto rewritten = h.commit("feat: two, reworded", {base});
    auto v = h.push(h.move_branch("main", rewritten));
    CHECK(codes(v) == std::vector<std::string>{"B3"});
    // Not git pull --rebase, which rebases whatever is checked out.
    CHECK(text(v).find("git rebase origin/main main") != std::string::npos);
  }
  SECTION("deleting and force-pushing a release branch: rejected") {
    CHECK(codes(h.push(RefUpdate{"refs/heads/release/v0.1", base, k_zero})) == std::vector<std::string>{"B3"});
    auto fix = h.commit("fix: one", {base});
    h.branch("release/v0.1", fix);
    auto other = h.commit("fix: other", {base});
    CHECK(has(h.push(h.move_branch("release/v0.1", other)), "B3"));
  }
  SECTION("feature branches may be rewritten and deleted") {
    auto f1 = h.commit("wip", {c2});
    h.branch("feature/x", f1);
    auto f2 = h.commit("wip 2", {c2});
    CHECK(h.push(h.move_branch("feature/x", f2)).violations.empty());
    CHECK(h.push(RefUpdate{"refs/heads/feature/x", f2, k_zero}).violations.empty());
  }
  SECTION("client side, a remote tip the clone lacks cannot be contained: a rewrite") {
    h.advisory = true;
    auto c3 = h.commit("feat: three", {c2});
    auto v = h.push(RefUpdate{"refs/heads/main", std::string(40, 'e'), c3});
    CHECK(codes(v) == std::vector<std::string>{"B3"});
    CHECK(text(v).find("is not in this clone") != std::string::npos);
  }
  SECTION("the main branch name is configurable") {
    h.policy.main_branch = "trunk";
    CHECK(h.push(RefUpdate{"refs/heads/main", c2, k_zero}).violations.empty());
  }
}
