// Follow-ups after a release (RULEBOOK.md), on an in-memory repository.

#include "fixture.hpp"
#include "policy/follow_ups.hpp"

#include <catch2/catch.hpp>

using namespace relgate;
using namespace relgate::test;
using policy::FollowUpKind;
using policy::FollowUpScope;

namespace {
std::vector<policy::FollowUp> of(History& h, FollowUpScope scope = FollowUpScope::latest_supported) {
  policy::ReleaseState state(h.refs, h.policy);
  auto main = h.refs.count("refs/heads/main") ? std::optional<repo::ObjectId>(h.head("main")) : std::nullopt;
  return policy::follow_ups(h.repo, state, h.policy, main, scope);
}

std::vector<std::string> kinds(const std::vector<policy::FollowUp>& fs) {
  std::vector<std::string> out;
  for (const auto& f : fs) out.push_back(f.release + " " + policy::to_string(f.kind));
  return out;
}
} // namespace

TEST_CASE("follow-ups: release names are found whole", "[follow-ups]") {
  policy::Version v{0, 5, 2, std::nullopt};
  CHECK(policy::names_release("image: v0.5.2\n", v));
  CHECK(policy::names_release("\"aigwVersion\": \"0.5.2\"", v));
  CHECK(policy::names_release("0.5.2", v));
  CHECK_FALSE(policy::names_release("v0.5.21", v));
  CHECK_FALSE(policy::names_release("v10.5.2", v));
  CHECK_FALSE(policy::names_release("1.0.5.2", v));
  CHECK_FALSE(policy::names_release("v0.5.2-rc1", v));
  CHECK_FALSE(policy::names_release("v0.5.1", v));
}

TEST_CASE("follow-ups: go.mod requirements and pseudo-versions", "[follow-ups]") {
  const std::string go_mod = "module github.com/envoyproxy/ai-gateway\n\ngo 1.24\n\n"
                             "require (\n\tgithub.com/a/b v1.2.3\n"
                             "\tgithub.com/envoyproxy/gateway v1.3.1-0.20250301120000-0123456789ab // indirect\n)\n"
                             "require github.com/c/d v0.0.0-20240101000000-abcdefabcdef\n";
  CHECK(policy::required_version(go_mod, "github.com/envoyproxy/gateway") == "v1.3.1-0.20250301120000-0123456789ab");
  CHECK(policy::required_version(go_mod, "github.com/a/b") == "v1.2.3");
  CHECK(policy::required_version(go_mod, "github.com/c/d") == "v0.0.0-20240101000000-abcdefabcdef");
  CHECK_FALSE(policy::required_version(go_mod, "github.com/envoyproxy"));
  CHECK_FALSE(policy::required_version("// require github.com/a/b v1.0.0\n", "github.com/a/b"));
  for (std::string pseudo : {"v0.0.0-20240101000000-abcdefabcdef", "v1.3.1-0.20250301120000-0123456789ab",
                             "v1.4.0-rc.1.0.20250301120000-0123456789ab", "v2.0.0-20240101000000-abcdefabcdef+incompatible"}) {
    INFO(pseudo);
    CHECK(policy::is_pseudo_version(pseudo));
  }
  for (std::string tagged : {"v1.3.0", "v1.4.0-rc.1", "v0.0.0-2024010100000-abcdefabcdef", "v1.0.0-20240101000000-ABCDEFABCDEF",
                             "v1.0.0-20240101000000-abcdefabcde", "20240101000000-abcdefabcdef", ""}) {
    INFO(tagged);
    CHECK_FALSE(policy::is_pseudo_version(tagged));
  }
}

TEST_CASE("follow-ups after a patch release: versioned docs and release notes", "[follow-ups]") {
  History h;
  auto c = h.release_line("0.5");
  auto fix = h.commit("fix: crash", {c});
  h.branch("release/v0.5", fix);
  h.tag("v0.5.1", fix);
  auto docs = h.main_commit("docs: site");
  const std::string dir = "site/versioned_docs/version-0.5";
  const std::string notes = "site/src/pages/release-notes.md";

  SECTION("no versioned docs and no release notes page: nothing to follow up") {
    CHECK(of(h).empty());
  }
  SECTION("versioned docs that still name the old release") {
    h.repo.set_file(docs, dir + "/_vars.json", "{\"aigwVersion\": \"v0.5.0\"}\n");
    h.repo.set_file(docs, dir + "/intro.md", "# Intro\n");
    auto fs = of(h);
    REQUIRE(kinds(fs) == std::vector<std::string>{"v0.5.1 versioned-docs"});
    CHECK(fs[0].message == dir + " on main does not name v0.5.1 yet (it still names 0.5.0)");
    CHECK(fs[0].ref == "refs/tags/v0.5.1");
    h.repo.set_file(docs, dir + "/_vars.json", "{\"aigwVersion\": \"v0.5.1\"}\n");
    CHECK(of(h).empty());
  }
  SECTION("a release notes page that does not mention the release") {
    h.repo.set_file(docs, notes, "## v0.5.0\n\nFirst.\n");
    auto fs = of(h);
    REQUIRE(kinds(fs) == std::vector<std::string>{"v0.5.1 release-notes"});
    CHECK(fs[0].message == notes + " on main does not mention v0.5.1");
    h.repo.set_file(docs, notes, "## v0.5.1\n\nFixes.\n\n## v0.5.0\n\nFirst.\n");
    CHECK(of(h).empty());
  }
  SECTION("per-line pages: a missing page is a follow-up") {
    h.policy.docs.release_notes = "site/src/pages/release-notes/v{major}.{minor}.mdx";
    auto fs = of(h);
    // Every release of a supported line (an earlier one's stays undone).
    REQUIRE(kinds(fs) == std::vector<std::string>{"v0.5.0 release-notes", "v0.5.1 release-notes"});
    CHECK(fs[1].message == "no release notes page site/src/pages/release-notes/v0.5.mdx on main for v0.5.1");
  }
  SECTION("audit scope: every release's notes, and the versioned docs of the latest patch only") {
    h.repo.set_file(docs, notes, "## v0.5.1\n");
    h.repo.set_file(docs, dir + "/x.md", "v0.5.1\n");
    CHECK(kinds(of(h, FollowUpScope::all)) == std::vector<std::string>{"v0.5.0 release-notes"});
    // status keeps an earlier release's undone notes too (issue 22).
    CHECK(kinds(of(h)) == std::vector<std::string>{"v0.5.0 release-notes"});
  }
  SECTION("a final release needs no versioned-docs update") {
    auto d2 = h.main_commit("feat: next");
    h.tag("v0.6.0-rc1", d2);
    h.tag("v0.6.0", d2);
    h.repo.set_file(d2, dir + "/x.md", "v0.5.1\n");
    h.repo.set_file(d2, "site/versioned_docs/version-0.6/x.md", "nothing\n");
    CHECK(of(h).empty());
  }
}

TEST_CASE("follow-ups: a release on an unreleased upstream commit carries a WARNING", "[follow-ups]") {
  History h;
  h.policy.upstream.module = "github.com/envoyproxy/gateway";
  auto c = h.main_commit("feat: one");
  h.repo.set_file(c, "go.mod", "module x\n\nrequire github.com/envoyproxy/gateway v1.3.1-0.20250301120000-0123456789ab\n");
  h.tag("v0.5.0-rc1", c);
  h.tag("v0.5.0", c);
  auto later = h.main_commit("docs: notes");
  const std::string notes = "site/src/pages/release-notes.md";

  SECTION("no WARNING in the release's part of the notes") {
    h.repo.set_file(later, notes, "## v0.5.0\n\nNew things.\n\n## v0.4.0\n\nWARNING: old news\n");
    h.tag("v0.4.0", h.commit("feat: old", {}));
    auto fs = of(h);
    REQUIRE(kinds(fs) == std::vector<std::string>{"v0.5.0 upstream-warning"});
    CHECK(fs[0].message == "v0.5.0 is built on an unreleased github.com/envoyproxy/gateway "
                           "(v1.3.1-0.20250301120000-0123456789ab in go.mod) and its release notes in " + notes +
                           " carry no WARNING");
  }
  SECTION("a WARNING in its part: done") {
    h.repo.set_file(later, notes, "## v0.5.0\n\n> **Warning**: built on an Envoy Gateway main commit.\n");
    CHECK(of(h).empty());
  }
  SECTION("a tagged upstream release needs no warning") {
    h.repo.set_file(c, "go.mod", "module x\n\nrequire github.com/envoyproxy/gateway v1.3.0\n");
    h.repo.set_file(later, notes, "## v0.5.0\n");
    CHECK(of(h).empty());
  }
  SECTION("no module configured: no check") {
    h.policy.upstream.module.clear();
    h.repo.set_file(later, notes, "## v0.5.0\n");
    CHECK(of(h).empty());
  }
}
