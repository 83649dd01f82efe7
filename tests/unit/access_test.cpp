// Access (A1), overrides (A2) and the policy ref (P1) on an in-memory repository.

#include "fixture.hpp"

#include <catch2/catch.hpp>

using namespace relgate;
using namespace relgate::test;

namespace {
Verdict push_as(History& h, std::optional<std::string> who, std::vector<RefUpdate> updates,
                std::optional<std::string> override_reason = std::nullopt) {
  policy::Request req;
  req.before = h.refs;
  req.updates = std::move(updates);
  req.pusher = std::move(who);
  req.override_reason = std::move(override_reason);
  ci::NotesProvider provider(h.repo, h.policy.ci.notes_ref, h.policy.ci.requirements);
  return policy::judge(h.repo, h.policy, provider, req);
}
} // namespace

TEST_CASE("A1: only maintainers push release tags, new release branches and the policy", "[A1]") {
  History h;
  auto c = h.main_commit("feat: one");
  auto rc1 = History::create_tag("v0.1.0-rc1", c);
  SECTION("no maintainers configured: anyone") { CHECK(push_as(h, "mallory", {rc1}).violations.empty()); }
  h.policy.access.maintainers = {"alice"};
  SECTION("a maintainer may") { CHECK(push_as(h, "alice", {rc1}).violations.empty()); }
  SECTION("anyone else may not, and is told who may") {
    auto v = push_as(h, "mallory", {rc1});
    REQUIRE(codes(v) == std::vector<std::string>{"A1"});
    CHECK(text(v).find("only maintainers push release tags (this push is by \"mallory\")") != std::string::npos);
    CHECK(text(v).find("maintainers: alice") != std::string::npos);
    CHECK(codes(push_as(h, std::nullopt, {rc1})) == std::vector<std::string>{"A1"});
  }
  SECTION("other tags and branches are anyone's") {
    CHECK(push_as(h, "mallory", {History::create_tag("nightly", c), History::create_branch("feature/x", c)})
              .violations.empty());
  }
  SECTION("creating a release branch, and the policy ref") {
    h.tag("v0.1.0-rc1", c);
    h.tag("v0.1.0", c);
    CHECK(codes(push_as(h, "mallory", {History::create_branch("release/v0.1", c)})) == std::vector<std::string>{"A1"});
    auto pol = h.repo.add_commit({}, "policy\n");
    h.repo.set_file(pol, "relgate.toml", "[rules]\ntag-name = \"warn\"\n");
    CHECK(codes(push_as(h, "mallory", {RefUpdate{"refs/meta/relgate", k_zero, pol}})) == std::vector<std::string>{"A1"});
    CHECK(push_as(h, "alice", {RefUpdate{"refs/meta/relgate", k_zero, pol}}).violations.empty());
  }
}

TEST_CASE("A2: a maintainer's override lets errors through, marked", "[A2]") {
  History h;
  auto c = h.main_commit("feat: one");
  h.policy.access.maintainers = {"alice"};
  auto bad = History::create_tag("v0.1.0-rc2", c); // skips rc1: T4
  SECTION("by a maintainer") {
    auto v = push_as(h, "alice", {bad}, "hotfix release, agreed in #ops");
    CHECK_FALSE(v.rejected());
    REQUIRE(codes(v) == std::vector<std::string>{"T4"});
    CHECK(v.violations[0].overridden);
    REQUIRE(v.override_by);
    CHECK(*v.override_by == "alice: hotfix release, agreed in #ops");
    CHECK(text(v).find("relgate: overridden: T4 rc-sequence") != std::string::npos);
  }
  SECTION("by anyone else: refused") {
    auto v = push_as(h, "mallory", {bad}, "trust me");
    CHECK(v.rejected());
    CHECK(has(v, "A2"));
    CHECK(text(v).find("only maintainers may override the release policy (override asked by \"mallory\": \"trust me\")") !=
          std::string::npos);
  }
  SECTION("with no maintainers configured nobody may override") {
    h.policy.access.maintainers.clear();
    auto v = push_as(h, "alice", {bad}, "please");
    CHECK(v.rejected());
    CHECK(text(v).find("no maintainers are configured") != std::string::npos);
  }
}

TEST_CASE("P1: a policy pushed to refs/meta/relgate must load", "[P1]") {
  History h;
  h.main_commit("feat: one");
  h.policy.access.maintainers = {"alice"};
  auto good = h.repo.add_commit({}, "policy\n");
  h.repo.set_file(good, "relgate.toml", "[rules]\ntag-name = \"warn\"\n");
  CHECK(push_as(h, "alice", {RefUpdate{"refs/meta/relgate", k_zero, good}}).violations.empty());
  auto bad = h.repo.add_commit({good}, "policy: typo\n");
  h.repo.set_file(bad, "relgate.toml", "[rules]\ntag-nmae = \"warn\"\n");
  auto v = push_as(h, "alice", {RefUpdate{"refs/meta/relgate", good, bad}});
  REQUIRE(codes(v) == std::vector<std::string>{"P1"});
  CHECK(text(v).find("the policy does not load: refs/meta/relgate:relgate.toml:2:1: unknown key \"tag-nmae\" in "
                     "[rules], did you mean \"tag-name\"?") != std::string::npos);
  auto empty = h.repo.add_commit({good}, "policy: gone\n");
  CHECK(codes(push_as(h, "alice", {RefUpdate{"refs/meta/relgate", good, empty}})) == std::vector<std::string>{"P1"});
}

TEST_CASE("P1: a pushed policy sets repository policy only", "[P1]") {
  History h;
  h.main_commit("feat: one");
  h.policy.access.maintainers = {"alice"};
  h.policy.host.places = {"/etc/relgate/relgate.toml", "server.git/relgate.toml"};
  auto pushed = [&](const std::string& toml) {
    auto c = h.repo.add_commit({}, "policy\n");
    h.repo.set_file(c, "relgate.toml", toml);
    return push_as(h, "alice", {RefUpdate{"refs/meta/relgate", k_zero, c}});
  };
  for (std::string toml : {"[ci]\nprovider = \"command\"\n[ci.command]\nargv = [\"/bin/touch\", \"x\"]\n",
                           "[ci.github]\napi_url = \"http://127.0.0.1:9\"\n", "[audit]\nlog = \"config\"\n",
                           "[access]\nidentity_env = [\"GIT_PUSH_OPTION_0\"]\n", "[freeze]\nref = \"refs/x/v{major}.{minor}.{patch}\"\n",
                           "[ci]\nnotes_ref = \"refs/notes/mine\"\n", "[policy]\nversioned = false\n",
                           "[rules]\nmaintainers-only = \"off\"\n", "[rules]\noverride = \"warn\"\n",
                           "[rules]\npolicy-valid = \"off\"\n", "[backport]\npatch_id_window = 1000000\n"}) {
    INFO(toml);
    auto v = pushed(toml);
    REQUIRE(codes(v) == std::vector<std::string>{"P1"});
    CHECK(text(v).find("refs/meta/relgate:relgate.toml:") != std::string::npos);
  }
  auto v = pushed("[ci.command]\nargv = [\"/bin/touch\", \"x\"]\n");
  CHECK(text(v).find("relgate.toml:1:1: ci.command is host configuration (it runs a program), which a pushed policy "
                     "may not set; the administrator sets it in /etc/relgate/relgate.toml or server.git/relgate.toml") !=
        std::string::npos);
  // What the project decides, it may change (rules other than the guards).
  CHECK(pushed("[rules]\ntag-name = \"off\"\nci-green = \"warn\"\n[access]\nmaintainers = [\"alice\", \"bob\"]\n")
            .violations.empty());
}

TEST_CASE("P1 is never overridden", "[P1][A2]") {
  History h;
  h.main_commit("feat: one");
  h.policy.access.maintainers = {"alice"};
  auto bad = h.repo.add_commit({}, "policy\n");
  h.repo.set_file(bad, "relgate.toml", "[rules]\ntag-nmae = \"warn\"\n");
  auto v = push_as(h, "alice", {RefUpdate{"refs/meta/relgate", k_zero, bad}}, "trust me");
  CHECK(v.rejected());
  CHECK(codes(v) == std::vector<std::string>{"P1"});
}

TEST_CASE("A1: with no maintainers named, nobody pushes the policy", "[A1]") {
  History h;
  h.main_commit("feat: one");
  h.policy.host.places = {"/etc/relgate/relgate.toml"};
  auto pol = h.repo.add_commit({}, "policy\n");
  h.repo.set_file(pol, "relgate.toml", "[access]\nmaintainers = [\"mallory\"]\n");
  auto v = push_as(h, "mallory", {RefUpdate{"refs/meta/relgate", k_zero, pol}});
  REQUIRE(codes(v) == std::vector<std::string>{"A1"});
  CHECK(text(v).find("nobody may push the policy while no maintainers are named") != std::string::npos);
  CHECK(text(v).find("[access] maintainers = [\"name\"]") != std::string::npos);
}

TEST_CASE("A3: only CI writers write CI results, append-only", "[A3]") {
  History h;
  auto c = h.main_commit("feat: one");
  auto v1 = h.repo.add_notes({{c, "failure build\n"}});
  h.refs["refs/notes/ci"] = v1;
  auto rewritten = h.repo.add_notes({{c, "success build\n"}});
  auto appended = h.repo.add_notes({{c, "failure build\nsuccess build\n"}});
  auto removed = h.repo.add_notes({});
  RefUpdate rewrite{"refs/notes/ci", v1, rewritten}, append{"refs/notes/ci", v1, appended},
      remove{"refs/notes/ci", v1, removed}, drop{"refs/notes/ci", v1, k_zero};
  SECTION("unset: anyone, anything (unverified)") {
    CHECK(push_as(h, "mallory", {rewrite}).violations.empty());
  }
  h.policy.access.ci_writers = {"ci-bot"};
  SECTION("a writer may add a later line") { CHECK(push_as(h, "ci-bot", {append}).violations.empty()); }
  SECTION("nobody changes or removes a recorded line") {
    for (const auto& u : {rewrite, remove}) {
      auto v = push_as(h, "ci-bot", {u});
      REQUIRE(codes(v) == std::vector<std::string>{"A3"});
      CHECK(text(v).find("CI results are append-only") != std::string::npos);
    }
  }
  SECTION("anyone else is refused, also when deleting") {
    for (const auto& u : {append, drop}) {
      auto v = push_as(h, "mallory", {u});
      REQUIRE(codes(v) == std::vector<std::string>{"A3"});
      CHECK(text(v).find("this push is by \"mallory\"") != std::string::npos);
    }
    CHECK(text(push_as(h, std::nullopt, {append})).find("nobody (an unauthenticated push)") != std::string::npos);
  }
  SECTION("a clone that cannot know who pushes leaves it to the server") {
    policy::Request req;
    req.before = h.refs;
    req.updates = {append};
    req.pusher_unknown_here = true;
    ci::NotesProvider provider(h.repo, h.policy.ci.notes_ref, h.policy.ci.requirements);
    auto v = policy::judge(h.repo, h.policy, provider, req);
    CHECK(v.violations.empty());
    REQUIRE(v.notes.size() == 1);
    CHECK(v.notes[0].find("who may push this is the server's decision") != std::string::npos);
  }
}
