#include "ci/notes_provider.hpp"

#include <catch2/catch.hpp>

using namespace relgate::ci;

namespace {
Status status_of(std::vector<Check> checks, Requirements req = {}) {
  return combine("notes", std::move(checks), req).status;
}
} // namespace

TEST_CASE("combining checks: worst state wins, nothing is not green", "[ci]") {
  CHECK(status_of({}) == Status::unknown);
  CHECK(status_of({{"a", CheckState::success, ""}}) == Status::green);
  CHECK(status_of({{"a", CheckState::success, ""}, {"b", CheckState::pending, ""}}) == Status::pending);
  CHECK(status_of({{"a", CheckState::failure, ""}, {"b", CheckState::pending, ""}}) == Status::red);
  CHECK(status_of({{"a", CheckState::cancelled, ""}}) == Status::red);
  CHECK(status_of({{"a", CheckState::skipped, ""}}) == Status::red);
  Requirements lenient;
  lenient.skipped_is_green = true;
  CHECK(status_of({{"a", CheckState::skipped, ""}, {"b", CheckState::success, ""}}, lenient) == Status::green);
}

TEST_CASE("combine and not_green say which kind of answer they are", "[ci]") {
  CHECK(combine("notes", {}, {}).kind == ResultKind::no_result);
  for (auto state : {CheckState::success, CheckState::failure, CheckState::pending}) {
    CHECK(combine("notes", {{"a", state, ""}}, {}).kind == ResultKind::reported);
  }
  Requirements req;
  req.required = {"build"};
  CHECK(combine("notes", {{"lint", CheckState::success, ""}}, req).kind == ResultKind::reported); // build missing
  CHECK(not_green("github", "GitHub answered HTTP 500").kind == ResultKind::fault);
}

TEST_CASE("required checks: only they count, and each must report", "[ci]") {
  Requirements req;
  req.required = {"build"};
  CHECK(status_of({{"build", CheckState::success, ""}, {"flaky", CheckState::failure, ""}}, req) == Status::green);
  auto r = combine("notes", {{"lint", CheckState::success, ""}}, req);
  CHECK(r.status == Status::pending);
  CHECK(r.missing == std::vector<std::string>{"build"});
  CHECK(r.reason == "build has not reported");
}

TEST_CASE("a note line with control characters in a field is not a check; notes read back whole", "[ci]") {
  // From fuzz_ci_note: a CR between fields made a check that read back otherwise.
  static const char raw[] = "su'\0\0\0\t\xed\xff uilde/2\nfailure uilde/2\nfailure \t\t\r\t\td\nsuccess ok\x01x\n";
  std::string text(raw, sizeof raw - 1);
  int bad = 0;
  auto checks = parse_note(text, &bad);
  REQUIRE(checks.size() == 1);
  CHECK(checks[0].name == "uilde/2");
  CHECK(bad == 3);
  CHECK(parse_note(render_note(checks)).size() == checks.size());
}

TEST_CASE("notes are parsed line by line, latest per check", "[ci]") {
  int bad = 0;
  auto checks = parse_note("success build https://ci/1\n\n# comment\nfailure  e2e\ngarbage\npending build\nsuccess\n",
                           &bad);
  REQUIRE(checks.size() == 2);
  CHECK(checks[0].name == "build");
  CHECK(checks[0].state == CheckState::pending);
  CHECK(checks[0].url.empty());
  CHECK(checks[1].name == "e2e");
  CHECK(checks[1].state == CheckState::failure);
  CHECK(bad == 2);
  CHECK(parse_check_state("SUCCESS") == std::nullopt);
}
