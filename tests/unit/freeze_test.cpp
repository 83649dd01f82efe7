// The freeze of main (F1, F2) and its classifier, on an in-memory repository.

#include "fixture.hpp"
#include "policy/freeze.hpp"
#include "util/text.hpp"

#include "../support/reference_glob.hpp"

#include <catch2/catch.hpp>

using namespace relgate;
using namespace relgate::test;
using policy::classify_for_freeze;

namespace {
// A ChangesOnly oracle over a fixed list of paths.
policy::ChangesOnly only_of(std::vector<std::string> paths) {
  return [paths](const std::function<bool(const std::string&)>& keep) {
    return !paths.empty() && std::all_of(paths.begin(), paths.end(), keep);
  };
}

repo::Commit commit_with(const std::string& message) { return repo::Commit{"x", {}, message, 0}; }

bool allowed(const policy::Policy& p, const std::string& message, std::vector<std::string> paths = {"src/a.go"},
             bool may_grant = true) {
  return classify_for_freeze(p, commit_with(message), only_of(paths), may_grant).allowed;
}

policy::Policy with(const std::string& toml) {
  return policy::parse_policy(toml, "relgate.toml", policy::builtin_policy());
}
} // namespace

TEST_CASE("freeze classifier: conventional subjects", "[F1][classifier]") {
  const auto& p = policy::builtin_policy();
  for (std::string ok : {"fix: a bug", "fix(api): a bug", "fix(api)!: breaking fix", "fix!: x", "docs: typo",
                         "security: CVE-2026-1", "revert: feat: x", "Revert \"feat: add x\""}) {
    INFO(ok);
    CHECK(allowed(p, ok + "\n"));
  }
  for (std::string bad : {"feat: add x", "refactor: y", "chore: bump", "fixes the thing", "Fix: capital",
                          "fix:no space"}) {
    INFO(bad);
    CHECK_FALSE(allowed(p, bad + "\n"));
  }
}

// Envoy AI Gateway's PR titles were typed by area, with no `fix` type for
// most of its history (../shared/data/ai-gateway/pr-title-types-history.tsv):
// these are real subjects of its freeze windows (main-subjects-in-freeze.tsv).
TEST_CASE("freeze classifier: area-typed fixes count by freeze.fix_words", "[F1][classifier]") {
  using Kind = policy::FreezeClass::Kind;
  const auto& p = policy::builtin_policy();
  for (std::string ok : {"extproc: fix openai response choice conversion for tool use (#404)",
                         "controller: bugfix aws oidc secret upsert process (#397)",
                         "translator: fixes broken AWS Anthropic streaming (#1769)",
                         "extproc: fixes race condition with RNG (#417)", "extproc: hotfix for gzip header (#683)",
                         "test: fixes race in TestStartConfigWatcher (#400)",
                         "ci: fixes packaged chart images on main branch (#414)", "api(v1)!: Fixed the default",
                         "chore: FIX: upper case"}) {
    INFO(ok);
    auto cls = classify_for_freeze(p, commit_with(ok + "\n"), only_of({"src/a.go"}), false);
    CHECK(cls.allowed);
    CHECK(cls.kind == Kind::fix_word);
  }
  for (std::string bad : {"feat: fix the flag's default (#1)", "feat(api): fixes x", "FEAT: fix x",
                          "extproc: add tool use (#405)", "extproc: return HTTP 404 when no matching route (#399)",
                          "controller: fixing later", "extproc: fix2 x", "extproc: fix_up", "extproc: prefix fix",
                          "fix the bug", "extproc fix: x", "(scope): fix x", "extproc(x: fix y", "extproc:fix x"}) {
    INFO(bad);
    CHECK_FALSE(allowed(p, bad + "\n"));
  }
  // The words and the feature types are policy.
  auto off = with("[freeze]\nfix_words = []\n");
  CHECK_FALSE(allowed(off, "extproc: fix openai response choice conversion for tool use (#404)\n"));
  auto mine = with("[freeze]\nfix_words = [\"repair\"]\nfeature_types = [\"feat\", \"extproc\"]\n");
  CHECK(allowed(mine, "ci: repair the release job\n"));
  CHECK_FALSE(allowed(mine, "ci: fix the release job\n"));
  CHECK_FALSE(allowed(mine, "extproc: repair x\n"));
  CHECK(policy::fix_word(p.freeze, "controller: BugFix x") == "bugfix");
  CHECK_THROWS_WITH(with("[freeze]\nfix_words = [\"fix it\"]\n"),
                    "relgate.toml:2:13: freeze.fix_words: \"fix it\" is not a word (letters only)");
}

TEST_CASE("freeze classifier: keywords, when configured", "[F1][classifier]") {
  auto p = with("[freeze]\nallow_keywords = [\"hotfix\", \"bugfix\"]\n");
  CHECK(allowed(p, "extproc: hotfix for a crash (#1)\n"));
  CHECK(allowed(p, "controller: BugFix aws oidc (#397)\n"));
  CHECK_FALSE(allowed(p, "feat: hotfixes dashboard\n")); // whole words only
  CHECK_FALSE(allowed(p, "feat: add x\n"));
}

TEST_CASE("freeze classifier: docs-only paths", "[F1][classifier]") {
  const auto& p = policy::builtin_policy();
  CHECK(allowed(p, "chore: reword\n", {"docs/a.md", "site/blog/x.mdx", "README.md", "api/v1/NOTES.md"}));
  CHECK_FALSE(allowed(p, "chore: reword\n", {"docs/a.md", "src/main.go"}));
  CHECK_FALSE(allowed(p, "chore: nothing\n", {})); // an empty change is not docs
  bool asked = false;
  classify_for_freeze(p, commit_with("fix: x\n"), [&](const auto&) { asked = true; return false; }, true);
  CHECK_FALSE(asked); // paths are read only when the subject does not decide
}

TEST_CASE("freeze classifier: Freeze-Exception trailer", "[F1][classifier]") {
  const auto& p = policy::builtin_policy();
  std::string msg = "feat: needed for the release\n\nBody.\n\nFreeze-Exception: blocks rc2\nSigned-off-by: a <a@b>\n";
  CHECK(allowed(p, msg, {"src/a.go"}, true));
  auto denied = classify_for_freeze(p, commit_with(msg), only_of({"src/a.go"}), false);
  CHECK_FALSE(denied.allowed);
  CHECK(denied.why.find("only a maintainer") != std::string::npos);
  CHECK_FALSE(allowed(p, "feat: x\n\nFreeze-Exception:\n")); // a reason is needed
  CHECK_FALSE(allowed(p, "feat: x Freeze-Exception: in the subject\n"));
  CHECK(policy::trailer_value("s\n\nfreeze-exception: yes\n", "Freeze-Exception") == "yes");
}

TEST_CASE("freeze classifier: the kind says what decided", "[F1][classifier]") {
  using Kind = policy::FreezeClass::Kind;
  auto p = with("[freeze]\nallow_keywords = [\"hotfix\"]\n");
  auto kind = [&](const std::string& message, std::vector<std::string> paths, bool may_grant) {
    auto cls = classify_for_freeze(p, commit_with(message), only_of(std::move(paths)), may_grant);
    CHECK(cls.allowed == (cls.kind != Kind::exception_denied && cls.kind != Kind::not_allowed));
    return cls.kind;
  };
  const std::string trailer = "feat: x\n\nFreeze-Exception: blocks rc2\n";
  CHECK(kind("fix: a\n", {"src/a.go"}, true) == Kind::subject);
  CHECK(kind("feat: a hotfix\n", {"src/a.go"}, true) == Kind::keyword);
  CHECK(kind("extproc: fix a\n", {"src/a.go"}, true) == Kind::fix_word);
  CHECK(kind(trailer, {"src/a.go"}, true) == Kind::exception);
  CHECK(kind("chore: x\n", {"docs/a.md"}, true) == Kind::docs_only);
  CHECK(kind(trailer, {"docs/a.md"}, false) == Kind::docs_only); // docs need no exception
  CHECK(kind(trailer, {"src/a.go"}, false) == Kind::exception_denied);
  CHECK(kind("feat: x\n", {"src/a.go"}, true) == Kind::not_allowed);
}

TEST_CASE("glob matching for docs paths", "[F1][glob]") {
  CHECK(glob_match("docs/**", "docs/a/b/c.txt"));
  CHECK(glob_match("docs/**", "docs/a"));
  CHECK_FALSE(glob_match("docs/**", "src/docs/a"));
  CHECK(glob_match("**/*.md", "README.md"));
  CHECK(glob_match("**/*.md", "a/b/c.md"));
  CHECK_FALSE(glob_match("**/*.md", "a/b/c.mdx"));
  CHECK(glob_match("site/*.json", "site/x.json"));
  CHECK_FALSE(glob_match("site/*.json", "site/a/x.json"));
  CHECK(glob_match("a?c", "abc"));
  CHECK(glob_match("docs/**/**", "docs"));
  CHECK(glob_match("**", "a/b"));
  CHECK_FALSE(glob_match("a/**/b", "a/c"));
}

TEST_CASE("glob matching agrees with the backtracking reference", "[F1][glob]") {
  const std::vector<std::string> pattern_segments = {"a", "*", "**", "?", "a*", "*b", "", "a*b*"};
  const std::vector<std::string> path_segments = {"a", "b", "ab", "", "aab", "*a"}; // git allows * in names
  // Every pattern of up to 3 segments against every path of up to 3.
  auto all = [](const std::vector<std::string>& parts) {
    std::vector<std::string> out;
    std::vector<std::string> level = {""};
    for (int len = 1; len <= 3; ++len) {
      std::vector<std::string> longer;
      for (const auto& prefix : level) {
        for (const auto& part : parts) longer.push_back(len == 1 ? part : prefix + "/" + part);
      }
      out.insert(out.end(), longer.begin(), longer.end());
      level = longer;
    }
    return out;
  };
  std::size_t checked = 0;
  for (const auto& pattern : all(pattern_segments)) {
    for (const auto& path : all(path_segments)) {
      INFO(pattern << " against " << path);
      REQUIRE(glob_match(pattern, path) == reference_glob_match(pattern, path));
      ++checked;
    }
  }
  CHECK(checked == 584u * 258u);
}

TEST_CASE("glob matching: many ** on a deep path", "[F1][glob]") {
  // 12 `**` and a 40-deep path: the recursive matcher never finished this.
  std::string pattern;
  for (int i = 0; i < 12; ++i) pattern += "**/";
  std::string path;
  for (int i = 0; i < 40; ++i) path += "d" + std::to_string(i) + "/";
  CHECK_FALSE(glob_match(pattern + "x.md", path + "y.txt"));
  CHECK(glob_match(pattern + "x.md", path + "x.md"));
  CHECK(glob_match(pattern + "d7/**/d30/**/x.md", path + "x.md"));
  CHECK_FALSE(glob_match(pattern + "d30/**/d7/**/x.md", path + "x.md"));
}

TEST_CASE("F1: a change too deep to walk is refused, unless the subject decides", "[F1][depth]") {
  History h;
  auto c1 = h.main_commit("feat: one");
  h.tag("v0.1.0-rc1", c1);
  std::string deep = "docs/";
  for (std::size_t i = 0; i < repo::k_max_tree_depth; ++i) deep += "d/";
  deep += "x.md";
  auto feat = h.repo.add_commit({c1}, "feat: deep docs\n", 0, {deep});
  CHECK_THROWS_AS(h.push(h.move_branch("main", feat)), repo::TreeTooDeep);
  auto fix = h.repo.add_commit({c1}, "fix: deep\n", 0, {deep}); // the subject decides: no walk
  CHECK(h.push(h.move_branch("main", fix)).violations.empty());
}

TEST_CASE("F1: main frozen by an rc tag takes only fixes and docs", "[F1]") {
  History h;
  auto c1 = h.main_commit("feat: one");
  h.tag("v0.1.0-rc1", c1);
  SECTION("fix, docs, security, revert: accepted") {
    auto a = h.commit("fix: a", {c1});
    auto b = h.commit("docs: b", {a});
    auto c = h.commit("security: c", {b});
    auto d = h.commit("Revert \"feat: one\"", {c});
    CHECK(h.push(h.move_branch("main", d)).violations.empty());
  }
  SECTION("three commits with one bad one: rejected, the bad one named") {
    auto a = h.commit("fix: a", {c1});
    auto b = h.repo.add_commit({a}, "feat: add priority to backendRef (#673)\n");
    auto c = h.commit("docs: c", {b});
    auto v = h.push(h.move_branch("main", c));
    REQUIRE(codes(v) == std::vector<std::string>{"F1"});
    REQUIRE(v.violations[0].commits.size() == 1);
    CHECK(v.violations[0].commits[0].id == b);
    CHECK(text(v).rfind("relgate: F1 freeze-fixes-only: refs/heads/main: main is frozen (v0.1.0-rc1 is out and "
                        "v0.1.0 is not): 1 of 3 new commits is not a fix, security fix or docs change\n"
                        "  commit " + repo::short_id(b) + " feat: add priority to backendRef (#673)\n",
                        0) == 0);
  }
  SECTION("every offending commit is listed") {
    auto a = h.commit("feat: a", {c1});
    auto b = h.commit("refactor: b", {a});
    auto v = h.push(h.move_branch("main", b));
    REQUIRE(v.violations.size() == 1);
    CHECK(v.violations[0].commits.size() == 2);
    CHECK(text(v).find("2 of 2 new commits are not") != std::string::npos);
  }
  SECTION("a push of very many offending commits stops listing at 100") {
    auto tip = c1;
    for (int i = 0; i < 150; ++i) tip = h.commit("feat: " + std::to_string(i), {tip});
    auto v = h.push(h.move_branch("main", tip));
    REQUIRE(codes(v) == std::vector<std::string>{"F1"});
    CHECK(v.violations[0].commits.size() == 100);
    CHECK(text(v).find("100 of 100 new commits are not a fix, security fix or docs change (stopped there: 50 more "
                       "new commits not checked)") != std::string::npos);
  }
  SECTION("docs-only paths with a chore subject: accepted") {
    auto a = h.repo.add_commit({c1}, "chore: update the guide\n", 0, {"site/docs/guide.md", "docs/x.png"});
    CHECK(h.push(h.move_branch("main", a)).violations.empty());
  }
  SECTION("merge commits are not judged, the commits they bring are") {
    auto side = h.commit("fix: side", {c1});
    auto main2 = h.commit("docs: main", {c1});
    h.branch("main", main2);
    auto merge = h.repo.add_commit({main2, side}, "Merge branch 'feature'\n");
    CHECK(h.push(h.move_branch("main", merge)).violations.empty());
    auto bad_side = h.commit("feat: side", {c1});
    auto merge2 = h.repo.add_commit({main2, bad_side}, "Merge branch 'feature'\n");
    auto v = h.push(h.move_branch("main", merge2));
    REQUIRE(codes(v) == std::vector<std::string>{"F1"});
    CHECK(v.violations[0].commits.size() == 1);
    CHECK(v.violations[0].commits[0].id == bad_side);
  }
  SECTION("a merge that brings no new commit is judged like a commit (issue 20)") {
    auto a = h.commit("fix: a", {c1});
    h.branch("main", a);
    // Both parents are on main already: nothing new is brought, whatever
    // the merge's tree adds.
    auto merge = h.repo.add_commit({a, c1}, "Merge branch 'main~1'\n");
    auto v = h.push(h.move_branch("main", merge));
    REQUIRE(codes(v) == std::vector<std::string>{"F1"});
    REQUIRE(v.violations[0].commits.size() == 1);
    CHECK(v.violations[0].commits[0].id == merge);
    CHECK(text(v).find("1 of 1 new commit is not a fix") != std::string::npos);
    CHECK(text(v).find("hint: a merge is judged like a commit when it brings no new commit to main, or when its tree "
                       "is not the clean merge of its parents") != std::string::npos);
    // Judged like a commit, it may still be a fix.
    auto fix_merge = h.repo.add_commit({a, c1}, "fix: merge the hotfix back\n");
    CHECK(h.push(h.move_branch("main", fix_merge)).violations.empty());
  }
  SECTION("an evil merge is judged like a commit, beside the commits it brings") {
    auto side = h.commit("fix: side", {c1});
    auto main2 = h.commit("docs: main", {c1});
    h.branch("main", main2);
    auto merge = h.repo.add_commit({main2, side}, "Merge branch 'fix'\n");
    h.repo.set_not_clean_merge(merge); // its tree adds what neither parent has
    auto v = h.push(h.move_branch("main", merge));
    REQUIRE(codes(v) == std::vector<std::string>{"F1"});
    REQUIRE(v.violations[0].commits.size() == 1);
    CHECK(v.violations[0].commits[0].id == merge);
    CHECK(text(v).find("1 of 2 new commits is not a fix") != std::string::npos);
  }
  SECTION("an octopus merge is judged like a commit") {
    auto s1 = h.commit("fix: one", {c1});
    auto s2 = h.commit("fix: two", {c1});
    auto main2 = h.commit("docs: main", {c1});
    h.branch("main", main2);
    auto octopus = h.repo.add_commit({main2, s1, s2}, "Merge branches 'one' and 'two'\n");
    auto v = h.push(h.move_branch("main", octopus));
    REQUIRE(codes(v) == std::vector<std::string>{"F1"});
    CHECK(v.violations[0].commits[0].id == octopus);
  }
  SECTION("commits already on main are not judged again") {
    auto a = h.commit("fix: a", {c1});
    CHECK(h.push(h.move_branch("main", a)).violations.empty());
  }
  SECTION("other branches are not frozen") {
    auto a = h.commit("feat: a", {c1});
    CHECK(h.push(History::create_branch("feature/a", a)).violations.empty());
  }
  SECTION("the final tag ends the freeze") {
    h.tag("v0.1.0", c1);
    auto a = h.commit("feat: a", {c1});
    CHECK(h.push(h.move_branch("main", a)).violations.empty());
  }
  SECTION("commits pushed with the final tag come after the release") {
    auto a = h.commit("feat: a", {c1});
    CHECK(h.push({History::create_tag("v0.1.0", c1), h.move_branch("main", a)}).violations.empty());
  }
  SECTION("Freeze-Exception with maintainers configured: only a maintainer's push") {
    h.policy.access.maintainers = {"alice"};
    auto a = h.commit("feat: a\n\nFreeze-Exception: needed for rc2", {c1});
    auto v = h.push(h.move_branch("main", a)); // pusher unknown
    CHECK(codes(v) == std::vector<std::string>{"F1"});
    CHECK(text(v).find("trailers count only when a maintainer pushes") != std::string::npos);
  }
}

TEST_CASE("F1: commits pushed together with rc1 are the candidate, not the freeze", "[F1]") {
  History h;
  h.release_line("0.1");
  auto c1 = h.main_commit("feat: before the freeze");
  auto a = h.commit("feat: more", {c1});
  CHECK(h.push({h.move_branch("main", a), History::create_tag("v0.2.0-rc1", a)}).violations.empty());
}

TEST_CASE("F1: a declared freeze freezes main until its final tag", "[F1]") {
  History h;
  auto c1 = h.main_commit("feat: one");
  h.refs["refs/freeze/v0.1.0"] = c1;
  auto a = h.commit("feat: a", {c1});
  auto v = h.push(h.move_branch("main", a));
  REQUIRE(codes(v) == std::vector<std::string>{"F1"});
  CHECK(text(v).find("refs/freeze/v0.1.0 declares the freeze for v0.1.0") != std::string::npos);
  SECTION("a declaration for a released version does not freeze") {
    h.tag("v0.1.0-rc1", c1);
    h.tag("v0.1.0", c1);
    CHECK(h.push(h.move_branch("main", a)).violations.empty());
  }
  SECTION("a first push of main is judged when a freeze exists") {
    h.refs.erase("refs/heads/main");
    CHECK(codes(h.push(History::create_branch("main", a))) == std::vector<std::string>{"F1"});
  }
}

TEST_CASE("F1: a first push of main with no freeze is not frozen", "[F1]") {
  History h;
  auto a = h.commit("feat: a");
  CHECK(h.push(History::create_branch("main", a)).violations.empty());
}

TEST_CASE("F1 with maintainers: a maintainer's push may grant an exception", "[F1]") {
  History h;
  auto c1 = h.main_commit("feat: one");
  h.tag("v0.1.0-rc1", c1);
  h.policy.access.maintainers = {"alice"};
  auto a = h.commit("feat: a\n\nFreeze-Exception: needed for rc2", {c1});
  policy::Request req;
  req.before = h.refs;
  req.updates = {h.move_branch("main", a)};
  req.pusher = "alice";
  ci::NotesProvider provider(h.repo, h.policy.ci.notes_ref, h.policy.ci.requirements);
  CHECK(policy::judge(h.repo, h.policy, provider, req).violations.empty());
  req.pusher = "bob";
  CHECK(policy::judge(h.repo, h.policy, provider, req).rejected());
}

TEST_CASE("what the freeze allows is described from the policy", "[F1][describe]") {
  CHECK(policy::describe_allowed(policy::builtin_policy()) ==
        "commits whose subject starts with fix:, docs:, security:, revert: or Revert \"; "
        "commits typed by area whose description starts with fix, fixes, fixed, bugfix or hotfix "
        "(\"<area>: fix ...\"); "
        "commits that change only docs/**, site/**, **/*.md; commits with a \"Freeze-Exception: <reason>\" trailer");

  auto p = with("[freeze]\n"
                "allow = ['^(hotfix|doc)!?: ', '^\\[urgent\\] ', '^JIRA-[0-9]+ fix']\n"
                "allow_keywords = ['bugfix']\n"
                "fix_words = ['repair']\n"
                "docs_paths = ['manual/**']\n"
                "exception_trailer = 'Frozen-But'\n"
                "[access]\n"
                "maintainers = ['alice', 'bob']\n");
  CHECK(policy::describe_allowed(p) ==
        "commits whose subject starts with hotfix:, doc: or [urgent]; commits whose subject matches ^JIRA-[0-9]+ fix; "
        "commits typed by area whose description starts with repair (\"<area>: repair ...\"); "
        "commits whose subject has the word bugfix; commits that change only manual/**; commits with a "
        "\"Frozen-But: <reason>\" trailer pushed by a maintainer (alice, bob)");

  // Nothing but the trailer.
  auto bare = with("[freeze]\nallow = []\ndocs_paths = []\nfix_words = []\n");
  CHECK(policy::describe_allowed(bare) == "commits with a \"Freeze-Exception: <reason>\" trailer");

  // Optional groups (even with a ')' in a class) are left out; anything
  // that is not a literal start is shown as the pattern.
  auto shapes = with("[freeze]\nfix_words = []\n"
                     "allow = ['^(?:fix|sec)(\\([^)]*\\))?: ', '^Fix(es)? ', '(?i)^fix', '^(fix|docs)+:', '^\\d']\n");
  CHECK(policy::describe_allowed(shapes) ==
        "commits whose subject starts with fix:, sec: or Fix; commits whose subject matches (?i)^fix, ^(fix|docs)+: "
        "or ^\\d; commits that change only docs/**, site/**, **/*.md; commits with a \"Freeze-Exception: <reason>\" "
        "trailer");
}

TEST_CASE("F1: the hint describes the project's own freeze.allow", "[F1][describe]") {
  History h;
  h.policy = with("[freeze]\nallow = ['^(hotfix|doc): ']\nfix_words = []\n");
  auto c1 = h.main_commit("feat: one");
  h.tag("v0.1.0-rc1", c1);
  CHECK(h.push(h.move_branch("main", h.commit("hotfix: a", {c1}))).violations.empty());
  auto v = h.push(h.move_branch("main", h.commit("fix: b", {c1}))); // a default subject, not this project's
  REQUIRE(codes(v) == std::vector<std::string>{"F1"});
  const std::string hints = join(v.violations[0].hints, "\n");
  CHECK(hints.find("while frozen, main takes commits whose subject starts with hotfix: or doc:; commits that change "
                   "only docs/**, site/**, **/*.md; commits with a \"Freeze-Exception: <reason>\" trailer\n") == 0);
  CHECK(hints.find("fix:, docs:") == std::string::npos);
  CHECK(hints.find("security") == std::string::npos);
}

TEST_CASE("F2: freeze declarations", "[F2]") {
  History h;
  h.release_line("0.1");
  auto c1 = h.main_commit("feat: one");
  RefUpdate declare{"refs/freeze/v0.2.0", k_zero, c1};
  SECTION("only the next release (a typo would keep main frozen after it)") {
    auto v = h.push(RefUpdate{"refs/freeze/v0.3.0", k_zero, c1});
    REQUIRE(codes(v) == std::vector<std::string>{"F2"});
    CHECK(text(v).find("only the next release can be frozen for: that is v0.2.0, not v0.3.0") != std::string::npos);
    CHECK(text(v).find("relgate freeze start v0.2.0") != std::string::npos);
  }
  SECTION("anyone, when no maintainers are configured") { CHECK(h.push(declare).violations.empty()); }
  SECTION("only maintainers, when configured") {
    h.policy.access.maintainers = {"alice"};
    auto v = h.push(declare);
    CHECK(codes(v) == std::vector<std::string>{"F2"});
    CHECK(text(v).find("only maintainers declare or end a freeze") != std::string::npos);
    h.refs["refs/freeze/v0.2.0"] = c1;
    CHECK(codes(h.push(RefUpdate{"refs/freeze/v0.2.0", c1, k_zero})) == std::vector<std::string>{"F2"});
  }
  SECTION("the name must be a release") {
    CHECK(codes(h.push(RefUpdate{"refs/freeze/v0.2", k_zero, c1})) == std::vector<std::string>{"F2"});
    CHECK(codes(h.push(RefUpdate{"refs/freeze/v0.2.1", k_zero, c1})) == std::vector<std::string>{"F2"});
  }
  SECTION("not for a released version") {
    h.tag("v0.2.0-rc1", c1);
    h.tag("v0.2.0", c1);
    CHECK(text(h.push(declare)).find("v0.2.0 is already released") != std::string::npos);
  }
}

// relgate pr: anyone writes a pull request's description, so its trailer
// grants nothing unless the request says exceptions are granted.
TEST_CASE("F1: Request::exceptions_granted = false: a Freeze-Exception trailer counts for nothing", "[F1][pr]") {
  History h;
  auto c1 = h.main_commit("feat: one");
  h.tag("v0.1.0-rc1", c1);
  auto squash = h.repo.merge_in_memory(c1, h.commit("feat: a", {c1}), repo::MergeShape::squash,
                                       "feat: a (#7)\n\nNeeded.\n\nFreeze-Exception: needed for rc2\n");
  REQUIRE(squash);
  policy::Request req;
  req.before = h.refs;
  req.updates = {h.move_branch("main", *squash)};
  ci::NotesProvider provider(h.repo, h.policy.ci.notes_ref, h.policy.ci.requirements);
  CHECK(policy::judge(h.repo, h.policy, provider, req).violations.empty()); // no maintainers: anyone grants
  req.exceptions_granted = false;
  auto v = policy::judge(h.repo, h.policy, provider, req);
  REQUIRE(v.rejected());
  CHECK(v.violations.front().rule == policy::RuleId::F1);
  CHECK(v.violations.front().commits.front().subject == "feat: a (#7)");
}
