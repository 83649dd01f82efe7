// Tag rules T1-T9 on an in-memory repository.

#include "fixture.hpp"
#include "util/text.hpp"

#include <catch2/catch.hpp>

using namespace relgate;
using namespace relgate::test;
using policy::Severity;

namespace {
void set_severity(History& h, policy::RuleId id, Severity s) { h.policy.severity[static_cast<std::size_t>(id)] = s; }
} // namespace

TEST_CASE("T1 tag-name: version-like tags must be canonical, with the right spelling suggested", "[T1]") {
  History h;
  auto c = h.main_commit("feat: first");
  struct Case {
    std::string name;
    std::string suggestion; // empty: none
  };
  std::vector<Case> cases = {{"v0.1.0-RC1", "v0.1.0-rc1"}, {"v0.1.0-rc.1", "v0.1.0-rc1"}, {"v0.1", "v0.1.0"},
                             {"0.1.0", "v0.1.0"},          {"v01.1.0", "v1.1.0"},         {"v0.1.0-rc0", ""},
                             {"v1.2.3-beta.1", ""},        {"V0.1.0", "v0.1.0"},          {"v0.1.0-rc1-hotfix", ""}};
  for (const auto& k : cases) {
    INFO(k.name);
    auto v = h.push(History::create_tag(k.name, c));
    REQUIRE(codes(v) == std::vector<std::string>{"T1"});
    CHECK(v.rejected());
    auto out = text(v);
    if (k.suggestion.empty()) {
      CHECK(out.find("did you mean") == std::string::npos);
    } else {
      CHECK(out.find("did you mean " + k.suggestion + "?") != std::string::npos);
      CHECK(out.find("git tag " + k.suggestion + " ") != std::string::npos);
    }
  }
}

TEST_CASE("T1 tag-name: the exact rejection text for v0.1.0-RC1", "[T1][message]") {
  History h;
  auto c = h.main_commit("feat: first");
  auto v = h.push(History::create_tag("v0.1.0-RC1", c));
  auto s = repo::short_id(c);
  CHECK(text(v) ==
        "relgate: T1 tag-name: refs/tags/v0.1.0-RC1: \"v0.1.0-RC1\" looks like a version but is not spelled vX.Y.Z or "
        "vX.Y.Z-rcN\n"
        "  commit " + s + " feat: first\n"
        "  hint: did you mean v0.1.0-rc1? Tag the same commit under that name and drop this one:\n"
        "  hint:   git tag v0.1.0-rc1 " + s + "\n"
        "  hint:   git push origin v0.1.0-rc1\n"
        "  hint:   git tag -d v0.1.0-RC1\n");
}

TEST_CASE("T1 tag-name: other tags are left alone unless tags.other rejects them", "[T1]") {
  History h;
  auto c = h.main_commit("feat: first");
  CHECK(h.push(History::create_tag("nightly-2026-11-26", c)).violations.empty());
  CHECK(h.push(History::create_tag("v0.1.0-RC1", c)).rejected());
  h.policy.other_tags_allowed = false;
  auto v = h.push(History::create_tag("nightly-2026-11-26", c));
  CHECK(codes(v) == std::vector<std::string>{"T1"});
  // Deleting a misspelled tag is always allowed.
  h.tag("v0.1.0-RC1", c);
  CHECK(h.push(RefUpdate{"refs/tags/v0.1.0-RC1", c, k_zero}).violations.empty());
}

TEST_CASE("T2 tag-immutable: release and rc tags are never deleted or moved", "[T2]") {
  History h;
  auto c1 = h.main_commit("feat: one");
  h.tag("v0.1.0-rc1", c1);
  auto c2 = h.main_commit("fix: two");

  auto del = h.push(RefUpdate{"refs/tags/v0.1.0-rc1", c1, k_zero});
  CHECK(codes(del) == std::vector<std::string>{"T2"});
  CHECK(text(del).find("v0.1.0-rc1 is published and is never deleted") != std::string::npos);

  auto move = h.push(RefUpdate{"refs/tags/v0.1.0-rc1", c1, c2});
  CHECK(codes(move) == std::vector<std::string>{"T2"});
  CHECK(text(move).find("git tag v0.1.0-rc2 origin/main") != std::string::npos);
  CHECK(text(move).find("git fetch origin +refs/tags/v0.1.0-rc1:refs/tags/v0.1.0-rc1") != std::string::npos);

  h.tag("v0.1.0", c1);
  auto move_final = h.push(RefUpdate{"refs/tags/v0.1.0", c1, c2});
  CHECK(codes(move_final) == std::vector<std::string>{"T2"});
  CHECK(text(move_final).find("the next patch release, v0.1.1, from release/v0.1") != std::string::npos);

  // Non-release tags may move and go.
  h.tag("nightly", c1);
  CHECK(h.push(RefUpdate{"refs/tags/nightly", c1, c2}).violations.empty());
  CHECK(h.push(RefUpdate{"refs/tags/nightly", c1, k_zero}).violations.empty());

  set_severity(h, policy::RuleId::T2, Severity::off);
  CHECK(h.push(RefUpdate{"refs/tags/v0.1.0-rc1", c1, k_zero}).violations.empty());
}

TEST_CASE("T3 rc-only-for-minor: no rc tags for patch releases", "[T3]") {
  History h;
  auto c = h.release_line("0.1");
  auto fix = h.commit("fix: a bug", {c});
  h.branch("release/v0.1", fix);
  auto v = h.push(History::create_tag("v0.1.1-rc1", fix));
  CHECK(codes(v) == std::vector<std::string>{"T3"});
  CHECK(text(v).find("git tag v0.1.1 origin/release/v0.1") != std::string::npos);
}

TEST_CASE("T4 rc-sequence: rc1, rc2, ... on main, each containing the last", "[T4]") {
  History h;
  auto c1 = h.main_commit("feat: one");
  SECTION("rc1 on main is accepted") { CHECK(h.push(History::create_tag("v0.1.0-rc1", c1)).violations.empty()); }
  SECTION("rc2 after rc1, on main and descending from it, is accepted") {
    h.tag("v0.1.0-rc1", c1);
    auto c2 = h.main_commit("fix: two");
    CHECK(h.push(History::create_tag("v0.1.0-rc2", c2)).violations.empty());
    SECTION("rc2 at the same commit as rc1 is accepted too") {
      CHECK(h.push(History::create_tag("v0.1.0-rc2", c1)).violations.empty());
    }
  }
  SECTION("a skipped rc is rejected, naming the last rc and the right next one") {
    h.tag("v0.1.0-rc1", c1);
    auto v = h.push(History::create_tag("v0.1.0-rc3", c1));
    REQUIRE(codes(v) == std::vector<std::string>{"T4"});
    auto s = repo::short_id(c1);
    CHECK(text(v) == "relgate: T4 rc-sequence: refs/tags/v0.1.0-rc3: v0.1.0-rc3 skips v0.1.0-rc2 (the last rc of 0.1 "
                     "is v0.1.0-rc1)\n"
                     "  commit " + s + " feat: one\n"
                     "  hint: cut v0.1.0-rc2 instead:\n"
                     "  hint:   git tag v0.1.0-rc2 " + s + "\n"
                     "  hint:   git push origin v0.1.0-rc2\n"
                     "  hint:   git tag -d v0.1.0-rc3\n");
  }
  SECTION("rc2 without any rc is rejected and rc1 suggested") {
    auto v = h.push(History::create_tag("v0.1.0-rc2", c1));
    CHECK(codes(v) == std::vector<std::string>{"T4"});
    CHECK(text(v).find("0.1 has no rc yet; the first is v0.1.0-rc1") != std::string::npos);
  }
  SECTION("several rcs in order in one push are accepted") {
    auto c2 = h.main_commit("fix: two");
    CHECK(h.push({History::create_tag("v0.1.0-rc1", c1), History::create_tag("v0.1.0-rc2", c2)}).violations.empty());
  }
  SECTION("an rc below an existing one is rejected") {
    // rc1 and rc3 exist (rc3 came in while T4 was off); rc2 now goes backwards.
    h.tag("v0.1.0-rc1", c1);
    h.tag("v0.1.0-rc3", c1);
    auto c2 = h.main_commit("fix: two");
    auto v = h.push(History::create_tag("v0.1.0-rc2", c2));
    CHECK(codes(v) == std::vector<std::string>{"T4"});
    CHECK(text(v).find("v0.1.0-rc3 already exists") != std::string::npos);
    CHECK(text(v).find("git tag v0.1.0-rc4 origin/main") != std::string::npos);
  }
  SECTION("an rc that is not on main is rejected") {
    auto side = h.commit("feat: side work", {c1});
    auto v = h.push(History::create_tag("v0.1.0-rc1", side));
    CHECK(codes(v) == std::vector<std::string>{"T4"});
    CHECK(text(v).find("which is not on main") != std::string::npos);
  }
  SECTION("an rc on main that does not contain the previous rc is rejected") {
    auto c2 = h.main_commit("fix: two");
    h.tag("v0.1.0-rc1", c2);
    auto v = h.push(History::create_tag("v0.1.0-rc2", c1));
    CHECK(codes(v) == std::vector<std::string>{"T4"});
    CHECK(text(v).find("does not contain v0.1.0-rc1") != std::string::npos);
  }
  SECTION("an rc after the final release is rejected") {
    h.tag("v0.1.0-rc1", c1);
    h.tag("v0.1.0", c1);
    auto c2 = h.main_commit("fix: two");
    auto v = h.push(History::create_tag("v0.1.0-rc2", c2));
    CHECK(codes(v) == std::vector<std::string>{"T4"});
    CHECK(text(v).find("v0.1.0 is already released") != std::string::npos);
  }
  SECTION("an rc where main does not exist is rejected") {
    h.refs.erase("refs/heads/main");
    CHECK(codes(h.push(History::create_tag("v0.1.0-rc1", c1))) == std::vector<std::string>{"T4"});
  }
  SECTION("a moved main in the same push counts (state after the push)") {
    auto c2 = h.commit("fix: two", {c1});
    CHECK(h.push({h.move_branch("main", c2), History::create_tag("v0.1.0-rc1", c2)}).violations.empty());
  }
}

TEST_CASE("T5 next-line: a new line is the next one", "[T5]") {
  History h;
  SECTION("the first line of a repository may be any") {
    auto c = h.main_commit("feat: one");
    CHECK(h.push(History::create_tag("v3.7.0-rc1", c)).violations.empty());
  }
  SECTION("after 0.1: 0.2 and 1.0 are next, 0.3 is not") {
    h.release_line("0.1");
    auto c = h.main_commit("feat: more");
    CHECK(h.push(History::create_tag("v0.2.0-rc1", c)).violations.empty());
    CHECK(h.push(History::create_tag("v1.0.0-rc1", c)).violations.empty());
    auto v = h.push(History::create_tag("v0.3.0-rc1", c));
    CHECK(codes(v) == std::vector<std::string>{"T5"});
    CHECK(text(v).find("the newest line is 0.1: the next line is 0.2 or 1.0") != std::string::npos);
    CHECK(text(v).find("git tag v0.2.0-rc1 origin/main") != std::string::npos);
  }
  SECTION("a line older than the newest one is rejected") {
    h.release_line("0.1");
    h.release_line("0.3");
    auto c = h.main_commit("feat: more");
    auto v = h.push(History::create_tag("v0.2.0-rc1", c));
    CHECK(codes(v) == std::vector<std::string>{"T5"});
    CHECK(text(v).find("older than the newest line 0.3") != std::string::npos);
  }
  SECTION("two new lines in order in one push are accepted") {
    auto c1 = h.main_commit("feat: one");
    auto c2 = h.main_commit("feat: two");
    CHECK(h.push({History::create_tag("v0.1.0-rc1", c1), History::create_tag("v0.1.0", c1),
                  History::create_tag("v0.2.0-rc1", c2)})
              .violations.empty());
  }
  SECTION("a final tag that starts a line is judged too") {
    h.release_line("0.1");
    set_severity(h, policy::RuleId::T6, Severity::off); // no rc required
    auto c = h.main_commit("feat: more");
    CHECK(h.push(History::create_tag("v0.2.0", c)).violations.empty());
    CHECK(codes(h.push(History::create_tag("v0.5.0", c))) == std::vector<std::string>{"T5"});
  }
}

TEST_CASE("T4, T6, T7 fail closed when the tag they compare with names no commit", "[T4][T6][T7]") {
  History h;
  auto c1 = h.main_commit("feat: one");
  auto blob = h.repo.add_blob(); // a legacy tag at a tree or blob
  SECTION("T6: a final tag when the last rc names no commit, on main or not") {
    h.tag("v0.1.0-rc1", blob);
    auto side = h.commit("feat: not on main", {c1});
    for (const auto& at : {side, c1}) {
      auto v = h.push(History::create_tag("v0.1.0", at));
      REQUIRE(codes(v) == std::vector<std::string>{"T6"});
      CHECK(text(v).find("v0.1.0 cannot be checked against the last release candidate v0.1.0-rc1, which does not point "
                         "at a commit") != std::string::npos);
    }
  }
  SECTION("T4: an rc after one that names no commit") {
    h.tag("v0.1.0-rc1", blob);
    auto v = h.push(History::create_tag("v0.1.0-rc2", c1));
    REQUIRE(codes(v) == std::vector<std::string>{"T4"});
    CHECK(text(v).find("v0.1.0-rc2 cannot be shown to build on v0.1.0-rc1, which does not point at a commit") !=
          std::string::npos);
  }
  SECTION("T7: a patch release after one that names no commit") {
    h.release_line("0.1");
    h.tag("v0.1.1", blob);
    auto fix = h.commit("fix: two", {h.head("release/v0.1")});
    h.branch("release/v0.1", fix);
    h.ci_note(fix, "success build");
    auto v = h.push(History::create_tag("v0.1.2", fix));
    REQUIRE(codes(v) == std::vector<std::string>{"T7"});
    CHECK(text(v).find("v0.1.2 cannot be shown to contain v0.1.1, which does not point at a commit") != std::string::npos);
  }
}

TEST_CASE("T6 final-is-last-rc: the final tag is exactly the last rc, on main", "[T6]") {
  History h;
  auto c1 = h.main_commit("feat: one");
  h.tag("v0.1.0-rc1", c1);
  auto c2 = h.main_commit("fix: two");
  SECTION("final at the last rc is accepted") {
    h.tag("v0.1.0-rc2", c2);
    CHECK(h.push(History::create_tag("v0.1.0", c2)).violations.empty());
  }
  SECTION("final past the last rc is rejected, with both ways out") {
    auto v = h.push(History::create_tag("v0.1.0", c2));
    REQUIRE(codes(v) == std::vector<std::string>{"T6"});
    auto s1 = repo::short_id(c1), s2 = repo::short_id(c2);
    CHECK(text(v) == "relgate: T6 final-is-last-rc: refs/tags/v0.1.0: v0.1.0 points at " + s2 +
                         ", not at the last release candidate v0.1.0-rc1 (" + s1 + ")\n"
                         "  commit " + s2 + " fix: two\n"
                         "  hint: first drop the refused tag from your clone:\n"
                         "  hint:   git tag -d v0.1.0\n"
                         "  hint: main moved on after v0.1.0-rc1; test what is new as v0.1.0-rc2 first:\n"
                         "  hint:   git fetch origin\n"
                         "  hint:   git tag v0.1.0-rc2 origin/main\n"
                         "  hint:   git push origin v0.1.0-rc2\n"
                         "  hint: or release exactly what v0.1.0-rc1 tested:\n"
                         "  hint:   git tag -f v0.1.0 v0.1.0-rc1^{}\n"
                         "  hint:   git push origin v0.1.0\n");
  }
  SECTION("final at an earlier rc than the last is rejected") {
    h.tag("v0.1.0-rc2", c2);
    CHECK(codes(h.push(History::create_tag("v0.1.0", c1))) == std::vector<std::string>{"T6"});
  }
  SECTION("a final with no rc is rejected") {
    auto v = h.push(History::create_tag("v0.2.0", c2));
    CHECK(codes(v) == std::vector<std::string>{"T6"});
    CHECK(text(v).find("git tag v0.2.0-rc1 origin/main") != std::string::npos);
  }
  SECTION("rc and final in one push are accepted") {
    CHECK(h.push({History::create_tag("v0.1.0-rc2", c2), History::create_tag("v0.1.0", c2)}).violations.empty());
  }
  SECTION("an annotated rc tag is peeled before comparing") {
    auto tag_object = h.repo.add_tag_object(c2, "v0.1.0-rc2");
    h.tag("v0.1.0-rc2", tag_object);
    CHECK(h.push(History::create_tag("v0.1.0", c2)).violations.empty());
  }
}

TEST_CASE("T7 patch-sequence: patch releases follow each other on the release branch", "[T7]") {
  History h;
  auto base = h.release_line("0.1");
  auto fix1 = h.commit("fix: one", {base});
  h.branch("release/v0.1", fix1);
  h.ci_note(fix1, "success build\n");
  SECTION("v0.1.1 on release/v0.1 with green CI is accepted") {
    CHECK(h.push(History::create_tag("v0.1.1", fix1)).violations.empty());
  }
  SECTION("a skipped patch number is rejected") {
    auto v = h.push(History::create_tag("v0.1.2", fix1));
    CHECK(codes(v) == std::vector<std::string>{"T7"});
    CHECK(text(v).find("v0.1.2 skips v0.1.1 (the latest release of 0.1 is v0.1.0)") != std::string::npos);
  }
  SECTION("a patch tag that is not on the release branch is rejected") {
    auto on_main = h.main_commit("fix: on main only");
    h.ci_note(on_main, "success build\n");
    auto v = h.push(History::create_tag("v0.1.1", on_main));
    CHECK(codes(v) == std::vector<std::string>{"T7"});
    CHECK(text(v).find("which is not on release/v0.1") != std::string::npos);
    CHECK(text(v).find("git tag v0.1.1 origin/release/v0.1") != std::string::npos);
  }
  SECTION("a patch tag needs the release branch") {
    h.refs.erase("refs/heads/release/v0.1");
    auto v = h.push(History::create_tag("v0.1.1", fix1));
    CHECK(codes(v) == std::vector<std::string>{"T7"});
    CHECK(text(v).find("git branch release/v0.1 v0.1.0") != std::string::npos);
  }
  SECTION("a patch tag must contain the previous release") {
    h.tag("v0.1.1", fix1);
    auto other = h.commit("fix: elsewhere", {base});
    auto merge = h.repo.add_commit({fix1, other}, "Merge\n");
    h.branch("release/v0.1", merge);
    h.ci_note(other, "success build\n");
    auto v = h.push(History::create_tag("v0.1.2", other));
    CHECK(codes(v) == std::vector<std::string>{"T7"});
    CHECK(text(v).find("does not contain v0.1.1") != std::string::npos);
  }
  SECTION("no patch release for an end-of-life line") {
    h.release_line("0.2");
    h.release_line("0.3");
    auto v = h.push(History::create_tag("v0.1.1", fix1));
    CHECK(codes(v) == std::vector<std::string>{"T7"});
    CHECK(text(v).find("0.1 is end of life since v0.3.0: no more patch releases (supported lines: 0.3, 0.2)") !=
          std::string::npos);
  }
  SECTION("one newer line does not end a line") {
    h.release_line("0.2");
    CHECK(h.push(History::create_tag("v0.1.1", fix1)).violations.empty());
  }
}

TEST_CASE("T7: a patch brings a commit; one behind the branch's head is a warning", "[T7]") {
  History h;
  auto base = h.release_line("0.1");
  auto fix1 = h.commit("fix: one", {base});
  auto fix2 = h.commit("fix: two", {fix1});
  h.branch("release/v0.1", fix2);
  h.refs["refs/notes/ci"] = h.repo.add_notes({{fix1, "success build\n"}, {fix2, "success build\n"}});
  h.tag("v0.1.1", fix1);
  SECTION("v0.1.2 at v0.1.1's commit ships nothing: refused") {
    auto v = h.push(History::create_tag("v0.1.2", fix1));
    REQUIRE(codes(v) == std::vector<std::string>{"T7"});
    CHECK(text(v).find("v0.1.2 is at the same commit as v0.1.1") != std::string::npos);
    CHECK(text(v).find("git tag -d v0.1.2") != std::string::npos);
  }
  SECTION("at the head: accepted, without a word") {
    CHECK(h.push(History::create_tag("v0.1.2", fix2)).violations.empty());
  }
  SECTION("v0.1.1 behind the head: a warning, accepted") {
    History g;
    auto b = g.release_line("0.1");
    auto f1 = g.commit("fix: one", {b});
    auto f2 = g.commit("fix: two", {f1});
    g.branch("release/v0.1", f2);
    g.ci_note(f1, "success build\n");
    auto v = g.push(History::create_tag("v0.1.1", f1));
    CHECK_FALSE(v.rejected());
    REQUIRE(v.violations.size() == 1);
    CHECK(v.violations[0].severity == Severity::warn);
    CHECK(text(v).find("v0.1.1 is not the head of release/v0.1") != std::string::npos);
  }
}

TEST_CASE("T7 end of life across majors: v0.9 ends when v1.1.0 exists", "[T7]") {
  History h;
  auto base = h.release_line("0.9");
  auto fix = h.commit("fix: one", {base});
  h.branch("release/v0.9", fix);
  h.ci_note(fix, "success build\n");
  h.release_line("1.0");
  CHECK(h.push(History::create_tag("v0.9.1", fix)).violations.empty());
  h.release_line("1.1");
  auto v = h.push(History::create_tag("v0.9.1", fix));
  CHECK(codes(v) == std::vector<std::string>{"T7"});
  CHECK(text(v).find("end of life since v1.1.0") != std::string::npos);
}

TEST_CASE("T8 ci-green: patch tags need green CI from the notes", "[T8]") {
  History h;
  auto base = h.release_line("0.1");
  auto fix = h.commit("fix: one", {base});
  h.branch("release/v0.1", fix);
  auto tag = History::create_tag("v0.1.1", fix);
  SECTION("no notes ref: not green") {
    auto v = h.push(tag);
    CHECK(codes(v) == std::vector<std::string>{"T8"});
    CHECK(text(v).find("it is unknown (notes): no CI result: refs/notes/ci does not exist") != std::string::npos);
    // Never "record success yourself": wait for CI, or re-run it.
    CHECK(text(v).find("<check> success") == std::string::npos);
    CHECK(text(v).find("wait until CI has run on " + repo::short_id(fix)) != std::string::npos);
    CHECK(text(v).find("if it did not run there, re-run it") != std::string::npos);
    CHECK(text(v).find("CI results on refs/notes/ci are unverified") != std::string::npos);
    h.policy.access.ci_writers = {"ci-bot"};
    CHECK(text(h.push(tag)).find("unverified") == std::string::npos);
  }
  SECTION("no note for the commit: not green") {
    h.ci_note(base, "success build\n");
    CHECK(codes(h.push(tag)) == std::vector<std::string>{"T8"});
  }
  SECTION("pending: not green") {
    h.ci_note(fix, "success lint\npending build https://ci.example/1\n");
    auto v = h.push(tag);
    CHECK(codes(v) == std::vector<std::string>{"T8"});
    CHECK(text(v).find("it is pending (notes): build pending") != std::string::npos);
    CHECK(text(v).find("check build: pending https://ci.example/1") != std::string::npos);
  }
  SECTION("failure: red") {
    h.ci_note(fix, "success lint\nfailure build\n");
    CHECK(text(h.push(tag)).find("it is red (notes): build failed") != std::string::npos);
  }
  SECTION("success: accepted") {
    h.ci_note(fix, "success lint\nsuccess build\n");
    CHECK(h.push(tag).violations.empty());
  }
  SECTION("the latest line per check wins") {
    h.ci_note(fix, "failure build\nsuccess build\n");
    CHECK(h.push(tag).violations.empty());
  }
  SECTION("a note pushed with the tag counts") {
    std::map<repo::ObjectId, std::string> notes;
    notes[fix] = "success build\n";
    auto notes_commit = h.repo.add_notes(notes);
    CHECK(h.push({RefUpdate{"refs/notes/ci", k_zero, notes_commit}, tag}).violations.empty());
  }
  SECTION("required checks must be reported and green") {
    h.policy.ci.requirements.required = {"build"};
    h.ci_note(fix, "success lint\n");
    CHECK(text(h.push(tag)).find("build has not reported") != std::string::npos);
    h.ci_note(fix, "success lint\nsuccess build\nfailure flaky\n");
    CHECK(h.push(tag).violations.empty());
  }
  SECTION("skipped counts as green only when configured") {
    h.ci_note(fix, "success build\nskipped e2e\n");
    CHECK(codes(h.push(tag)) == std::vector<std::string>{"T8"});
    h.policy.ci.requirements.skipped_is_green = true;
    CHECK(h.push(tag).violations.empty());
  }
  SECTION("rc and final tags need CI only when ci.required_for says so") {
    auto c = h.main_commit("feat: next");
    auto rc = History::create_tag("v0.2.0-rc1", c);
    CHECK(h.push(rc).violations.empty());
    h.policy.ci.required_for.insert(policy::TagKind::rc);
    CHECK(codes(h.push(rc)) == std::vector<std::string>{"T8"});
  }
}

namespace {
// A CI provider that gives one fixed answer.
struct FixedCi final : ci::Provider {
  ci::CiResult result;
  ci::CiResult status(const repo::ObjectId&, const ci::RefLookup&) const override { return result; }
};
} // namespace

TEST_CASE("T8 ci-green: the hint follows the kind of answer, not its wording", "[T8]") {
  History h;
  auto base = h.release_line("0.1");
  auto fix = h.commit("fix: one", {base});
  h.branch("release/v0.1", fix);
  policy::Request req;
  req.before = h.refs;
  req.updates = {History::create_tag("v0.1.1", fix)};
  req.remote = h.remote;
  FixedCi ci;
  ci.result.provider = "github";
  ci.result.status = ci::Status::unknown;
  const std::string nothing = "no CI has reported on " + repo::short_id(fix);
  const std::string unusable = "the github provider gave no usable answer";
  SECTION("nothing reported, whatever the reason says") {
    ci.result.kind = ci::ResultKind::no_result;
    ci.result.reason = "not green: GitHub knows nothing of it";
    auto out = text(policy::judge(h.repo, h.policy, ci, req));
    CHECK(out.find(nothing) != std::string::npos);
    CHECK(out.find(unusable) == std::string::npos);
  }
  SECTION("a fault, whatever the reason says") {
    ci.result.kind = ci::ResultKind::fault;
    ci.result.reason = "no CI result: the API is down";
    auto out = text(policy::judge(h.repo, h.policy, ci, req));
    CHECK(out.find(unusable) != std::string::npos);
    CHECK(out.find(nothing) == std::string::npos);
  }
}

TEST_CASE("T9 tag-annotated: off by default; when on, release tags are annotated", "[T9]") {
  History h;
  auto c = h.main_commit("feat: one");
  CHECK(h.push(History::create_tag("v0.1.0-rc1", c)).violations.empty());
  set_severity(h, policy::RuleId::T9, Severity::error);
  auto v = h.push(History::create_tag("v0.1.0-rc1", c));
  CHECK(codes(v) == std::vector<std::string>{"T9"});
  CHECK(text(v).find("git tag -a -f v0.1.0-rc1 -m 'Release v0.1.0-rc1' " + repo::short_id(c)) != std::string::npos);
  auto annotated = h.repo.add_tag_object(c, "v0.1.0-rc1");
  CHECK(h.push(History::create_tag("v0.1.0-rc1", annotated)).violations.empty());
}

TEST_CASE("severity warn reports without rejecting", "[engine]") {
  History h;
  auto c = h.main_commit("feat: one");
  set_severity(h, policy::RuleId::T1, Severity::warn);
  auto v = h.push(History::create_tag("v0.1.0-RC1", c));
  CHECK_FALSE(v.rejected());
  REQUIRE(codes(v) == std::vector<std::string>{"T1"});
  CHECK(text(v).rfind("relgate: warning: T1 tag-name: refs/tags/v0.1.0-RC1:", 0) == 0);
}

TEST_CASE("the remote name of the push appears in the hint commands", "[engine]") {
  History h;
  h.remote = "upstream";
  auto c1 = h.main_commit("feat: one");
  h.tag("v0.1.0-rc1", c1);
  h.main_commit("fix: two");
  auto v = h.push(History::create_tag("v0.1.0", h.head("main")));
  CHECK(text(v).find("git tag v0.1.0-rc2 upstream/main") != std::string::npos);
  CHECK(text(v).find("git push upstream v0.1.0-rc2") != std::string::npos);
}

TEST_CASE("a release tag that does not name a commit is rejected", "[engine]") {
  History h;
  h.main_commit("feat: one");
  auto blob = h.repo.add_blob();
  CHECK(h.push(History::create_tag("v0.1.0-rc1", blob)).rejected());
}

TEST_CASE("a missing object is an error, not a verdict", "[engine]") {
  History h;
  h.main_commit("feat: one");
  CHECK_THROWS_AS(h.push(History::create_tag("v0.1.0-rc1", std::string(40, 'a'))), Error);
}

TEST_CASE("T1 and B1: Unicode look-alikes never pass as release names", "[T1][B1]") {
  History h;
  auto c = h.main_commit("feat: one");
  for (std::string name : {"v\xef\xbc\x90.\xef\xbc\x91.\xef\xbc\x90",  // full-width digits
                           "\xd1\xb5" "0.1.0",                           // Cyrillic izhitsa for v
                           "v0.1.0\xe2\x80\x90rc1",                      // U+2010 hyphen
                           "v0\xef\xbc\x8e" "1.0"}) {                     // full-width dot
    INFO(name);
    auto v = h.push(History::create_tag(name, c));
    REQUIRE(codes(v) == std::vector<std::string>{"T1"});
    CHECK(text(v).find("\\x") != std::string::npos); // shown escaped
  }
  auto b = h.push(History::create_branch("release/v\xef\xbc\x90.1", c));
  CHECK(codes(b) == std::vector<std::string>{"B1"});
  CHECK(h.push(History::create_tag("caf\xc3\xa9", c)).violations.empty()); // other non-ASCII names are fine
  CHECK(codes(h.push(History::create_tag("v0.1.0-rc1\x01", c))) == std::vector<std::string>{"T1"});
}

TEST_CASE("T1 and B1: the look-alikes of issue 19, on tags and branches alike", "[T1][B1]") {
  History h;
  auto c = h.main_commit("feat: one");
  const std::string zwsp = "\xe2\x80\x8b", word_joiner = "\xe2\x81\xa0", bom = "\xef\xbb\xbf";
  for (const std::string& name : {zwsp + "v0.1.0", word_joiner + "v0.1.0", bom + "v0.1.0",
                                  std::string("\xf0\x9d\x90\xaf" "0.1.0"),                           // 𝐯0.1.0
                                  std::string("v\xf0\x9d\x9f\x8e.\xf0\x9d\x9f\x8f.\xf0\x9d\x9f\x8e"), // v𝟎.𝟏.𝟎
                                  std::string("v\xd9\xa0.\xd9\xa1.\xd9\xa0"),                          // v٠.١.٠
                                  std::string("\xca\x8b" "0.1.0"),                                     // ʋ0.1.0
                                  std::string("v0\xd9\xab" "1\xd9\xab" "0"),                          // v0٫1٫0
                                  std::string("vO.1.0")}) {
    INFO(printable(name));
    REQUIRE(codes(h.push(History::create_tag(name, c))) == std::vector<std::string>{"T1"});
  }
  for (const std::string& name : {std::string("r\xd0\xb5lease/v0.1"), zwsp + "release/v0.1", std::string("release/vO.1")}) {
    INFO(printable(name));
    REQUIRE(codes(h.push(History::create_branch(name, c))) == std::vector<std::string>{"B1"});
  }
  auto v = h.push(History::create_tag("\xca\x8b" "0.1.0", c));
  CHECK(text(v).find("\"\\xca\\x8b0.1.0\" imitates a version with look-alike characters (it reads as \"v0.1.0\")") !=
        std::string::npos);
  auto hidden = h.push(History::create_tag(zwsp + "v0.1.0", c));
  CHECK(text(hidden).find("has a character that cannot be seen: U+200B ZERO WIDTH SPACE, at byte 0") != std::string::npos);
  // Any other ref: refs/notes/ci with a hidden character is B1's.
  CHECK(codes(h.push({{"refs/notes/c" + zwsp + "i", std::string(40, '0'), c}})) == std::vector<std::string>{"B1"});
  // Names that are not release-shaped stay allowed, and deleting a hidden name is always allowed.
  for (std::string fine : {"build-1", "v1", "latest", "\xe6\x97\xa5\xe6\x9c\xac.\xe8\xaa\x9e.1"}) {
    INFO(fine);
    CHECK(h.push(History::create_tag(fine, c)).violations.empty());
  }
  h.tag(zwsp + "v0.1.0", c);
  CHECK(h.push({{"refs/tags/" + zwsp + "v0.1.0", c, std::string(40, '0')}}).violations.empty());
}

TEST_CASE("report: the same advice is given once per push, each tag its own commands", "[T1][report]") {
  History h;
  auto c = h.main_commit("feat: one");
  auto v = h.push({History::create_tag("v1.2.3-beta.1", c), History::create_tag("v1.2.3-beta.2", c)});
  REQUIRE(codes(v) == std::vector<std::string>{"T1", "T1"});
  auto t = text(v);
  auto count = [&](const std::string& needle) {
    std::size_t n = 0;
    for (auto at = t.find(needle); at != std::string::npos; at = t.find(needle, at + 1)) ++n;
    return n;
  };
  CHECK(count("hint: release tags are vX.Y.Z") == 1);
  CHECK(count("git tag -d v1.2.3-beta.1") == 1);
  CHECK(count("git tag -d v1.2.3-beta.2") == 1);
}
