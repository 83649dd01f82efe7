// relgate pr: the platforms' input, the squash commit's message, and the
// output forms (policy/pull_request.hpp, cli/pr_command.hpp).

#include "cli/pr_command.hpp"
#include "policy/pull_request.hpp"
#include "policy/policy_loader.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace relgate;
using policy::Platform;

namespace {
const std::string k_head(40, 'a'), k_base(40, 'b');

// A pull_request_target payload with the fields GitHub's documentation
// names for the pull_request object (number, title, body, base.ref,
// base.sha, head.sha).
std::string payload(const std::string& title, const std::string& body = "null") {
  return R"({"action":"synchronize","number":21,"pull_request":{"number":21,"title":")" + title + R"(","body":)" + body +
         R"(,"base":{"ref":"main","sha":")" + k_base + R"("},"head":{"ref":"topic","sha":")" + k_head + R"("}}})";
}

cli::EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}
} // namespace

TEST_CASE("pr input: GitHub's pull_request and merge_group payloads", "[pr]") {
  auto pr = cli::from_github_event("pull_request_target", payload("feat: add x", "\"Body\\nFreeze-Exception: y\""));
  CHECK(pr.platform == Platform::github);
  CHECK(pr.number == 21u);
  CHECK(pr.title == "feat: add x");
  CHECK(pr.body == "Body\nFreeze-Exception: y");
  CHECK(pr.base == "main");
  CHECK(pr.base_sha == k_base);
  CHECK(pr.head == k_head);
  CHECK_FALSE(pr.merge_group);
  CHECK(cli::from_github_event("pull_request", payload("fix: y")).body.empty()); // body null

  // merge_group: head_sha, base_sha, base_ref (full ref), head_commit.message.
  auto mg = cli::from_github_event(
      "merge_group", R"({"action":"checks_requested","merge_group":{"head_sha":")" + k_head +
                         R"(","head_ref":"refs/heads/gh-readonly-queue/main/pr-21-)" + k_base + R"(","base_sha":")" +
                         k_base + R"(","base_ref":"refs/heads/main","head_commit":{"id":")" + k_head +
                         R"(","message":"feat: add x (#21)\n\nbody"}}})");
  CHECK(mg.merge_group);
  CHECK(mg.base == "main");
  CHECK(mg.base_sha == k_base);
  CHECK(mg.head == k_head);
  CHECK(mg.title == "feat: add x (#21)");

  CHECK_THROWS_WITH(cli::from_github_event("pull_request", "{\"pull_request\":"),
                    "the pull_request event payload (GITHUB_EVENT_PATH) is not a JSON object");
  CHECK_THROWS_WITH(cli::from_github_event("pull_request", "{\"zen\":\"hi\"}"),
                    "the pull_request event payload (GITHUB_EVENT_PATH): no pull_request.number (not a pull request "
                    "event payload)");
  CHECK_THROWS_WITH(cli::from_github_event("push", "{}"),
                    "relgate pr judges pull_request, pull_request_target and merge_group events, not \"push\" "
                    "(GITHUB_EVENT_NAME)");
  auto bad_sha = payload("x");
  bad_sha.replace(bad_sha.find(k_head), 40, "HEAD");
  CHECK_THROWS_WITH(cli::from_github_event("pull_request", bad_sha), "pull_request.head.sha is not a commit id: \"HEAD\"");
}

TEST_CASE("pr input: GitLab's merge request variables, options, nothing", "[pr]") {
  const cli::PrOptions none;
  auto read = [](const std::string&) -> std::string { return payload("fix: y"); };
  auto gl = cli::pull_request_from(none,
                                   env_of({{"CI_MERGE_REQUEST_IID", "5"},
                                           {"CI_MERGE_REQUEST_TITLE", "feat: add x"},
                                           {"CI_MERGE_REQUEST_DESCRIPTION", "text"},
                                           {"CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "release/v0.1"},
                                           {"CI_MERGE_REQUEST_DIFF_BASE_SHA", k_base},
                                           {"CI_COMMIT_SHA", k_head}}),
                                   read);
  CHECK(gl.platform == Platform::gitlab);
  CHECK(gl.number == 5u);
  CHECK(gl.base == "release/v0.1");
  CHECK(gl.head == k_head);
  CHECK(gl.base_sha == k_base);
  CHECK(policy::squash_subject(gl, gl.title) == "feat: add x"); // GitLab adds no (#N)
  CHECK(policy::reference(gl) == "!5");
  CHECK_THROWS_WITH(cli::pull_request_from(none, env_of({{"CI_MERGE_REQUEST_IID", "5"}}), read),
                    "CI_MERGE_REQUEST_TITLE is not set: relgate pr runs in a merge request pipeline (workflow: rules: "
                    "if: $CI_PIPELINE_SOURCE == \"merge_request_event\")");

  auto gh = cli::pull_request_from(none, env_of({{"GITHUB_EVENT_NAME", "pull_request_target"}, {"GITHUB_EVENT_PATH", "/e"}}), read);
  CHECK(policy::squash_subject(gh, gh.title) == "fix: y (#21)");

  cli::PrOptions opts;
  opts.base = "refs/heads/main";
  opts.title = "docs: x";
  opts.head = "HEAD";
  auto o = cli::pull_request_from(opts, env_of({{"GITHUB_EVENT_NAME", "push"}}), read); // options win
  CHECK(o.base == "main");
  CHECK(o.head == "HEAD");
  CHECK(policy::squash_subject(o, o.title) == "docs: x"); // no number, nothing added
  opts.title.clear();
  CHECK_THROWS_WITH(cli::pull_request_from(opts, env_of({}), read), "pr: --title is missing (the pull request's title)");
  CHECK_THROWS_WITH(cli::pull_request_from(none, env_of({}), read),
                    "no pull request to judge: run relgate pr in GitHub Actions (pull_request_target, merge_group), "
                    "in a GitLab merge request pipeline, or give --base BRANCH --title TITLE --head COMMIT");
}

TEST_CASE("pr: the squash message carries cherry-pick lines, the description last", "[pr]") {
  const auto& pol = policy::builtin_policy();
  const std::string pick = "(cherry picked from commit " + k_base + ")";
  auto picks = policy::cherry_pick_lines(pol, "fix: x\n\nbody\n" + pick + "\n");
  REQUIRE(picks == std::vector<std::string>{pick});
  CHECK(policy::squash_message("fix: x (#3)", picks, "Why.\n\nFreeze-Exception: y\n") ==
        "fix: x (#3)\n\n" + pick + "\n\nWhy.\n\nFreeze-Exception: y\n");
  CHECK(policy::squash_message("fix: x (#3)", {}, "  ") == "fix: x (#3)\n");
}

TEST_CASE("pr output: annotations, summary and JUnit escape what they carry", "[pr]") {
  policy::PullRequest pr;
  pr.number = 21;
  pr.base = "main";
  std::vector<policy::PrFinding> f = {
      {policy::RuleId::F1, policy::Severity::error, "main is frozen: 50% of \"a, b\"", {"retitle it", "or wait"}},
      {policy::RuleId::B5, policy::Severity::warn, "not a fix <x>", {}}};
  CHECK(policy::github_annotations(f) ==
        "::error title=relgate F1 freeze-fixes-only::main is frozen: 50%25 of \"a, b\"%0Afix: retitle it%0Afix: or wait\n"
        "::warning title=relgate B5 backport-kind::not a fix <x>\n");
  CHECK(policy::refused(f));
  auto md = policy::markdown_summary(pr, {{"the squash commit `x (#21)`", {}}}, f);
  CHECK(md.find("## relgate: Pull request #21 is refused") == 0);
  CHECK(md.find("### F1 freeze-fixes-only (error)\n\n**Why:** main is frozen") != std::string::npos);
  CHECK(md.find("**Fix:**\n\n- retitle it\n- or wait\n") != std::string::npos);
  auto xml = policy::junit_report(pr, f);
  CHECK(xml.find("failures=\"1\"") != std::string::npos);
  CHECK(xml.find("<failure message=\"main is frozen: 50% of &quot;a, b&quot;\"") != std::string::npos);
  CHECK(xml.find("not a fix &lt;x&gt;") != std::string::npos);
  CHECK(policy::junit_report(pr, {}).find("<testcase classname=\"relgate\" name=\"release policy\"/>") != std::string::npos);
  CHECK_FALSE(policy::refused({f[1]}));
}
