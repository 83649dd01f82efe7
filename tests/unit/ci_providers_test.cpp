#include "ci/command_provider.hpp"
#include "ci/github_provider.hpp"
#include "ci/gitlab_provider.hpp"
#include "ci/http.hpp"
#include "ci/notes_provider.hpp"
#include "repo/memory_repository.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

using namespace relgate::ci;

TEST_CASE("github: state mapping of statuses and check runs", "[ci][github]") {
  CHECK(github::map_status_state("success") == CheckState::success);
  CHECK(github::map_status_state("pending") == CheckState::pending);
  CHECK(github::map_status_state("failure") == CheckState::failure);
  CHECK(github::map_status_state("error") == CheckState::failure);
  for (auto s : {"queued", "in_progress", "pending", "waiting", "requested"}) {
    CHECK(github::map_check_run(s, "") == CheckState::pending);
  }
  CHECK(github::map_check_run("completed", "success") == CheckState::success);
  for (auto c : {"failure", "timed_out", "action_required", "startup_failure", "stale", ""}) {
    CHECK(github::map_check_run("completed", c) == CheckState::failure);
  }
  CHECK(github::map_check_run("completed", "cancelled") == CheckState::cancelled);
  CHECK(github::map_check_run("completed", "neutral") == CheckState::skipped);
  CHECK(github::map_check_run("completed", "skipped") == CheckState::skipped);
}

TEST_CASE("github: statuses and check runs combine, latest run per name", "[ci][github]") {
  auto statuses = github::decode_statuses(R"({"state":"failure","total_count":2,"statuses":[
      {"id":1,"state":"success","context":"ci/jenkins","target_url":"https://ci/1"},
      {"id":2,"state":"error","context":"lint","target_url":null}]})");
  REQUIRE(statuses.size() == 2);
  CHECK(statuses[1].state == CheckState::failure);
  CHECK(statuses[1].url.empty());
  auto runs = github::decode_check_runs(R"({"total_count":4,"check_runs":[
      {"id":10,"name":"build","status":"completed","conclusion":"failure","started_at":"2024-05-01T10:00:00Z","html_url":"https://gh/run/10"},
      {"id":11,"name":"build","status":"completed","conclusion":"success","started_at":"2024-05-01T11:00:00Z","html_url":"https://gh/run/11"},
      {"id":12,"name":"test","status":"in_progress","conclusion":null,"started_at":"2024-05-01T11:00:00Z"},
      {"id":13,"name":"lint","status":"completed","conclusion":"success","started_at":"2024-05-01T11:00:00Z"}]})");
  REQUIRE(runs.size() == 4);
  auto checks = github::merge_checks(statuses, runs);
  REQUIRE(checks.size() == 4);
  CHECK(checks[2].name == "build");
  CHECK(checks[2].state == CheckState::success); // the re-run, started later
  CHECK(checks[2].url == "https://gh/run/11");
  CHECK(checks[1].name == "lint");
  CHECK(checks[1].state == CheckState::failure); // status error is worse than the run's success
  auto r = combine("github", checks, {});
  CHECK(r.status == Status::red);
  CHECK(r.reason == "lint failed");
  Requirements req;
  req.required = {"build", "ci/jenkins"};
  CHECK(combine("github", checks, req).status == Status::green);
  req.required = {"build", "test"};
  CHECK(combine("github", checks, req).status == Status::pending);
}

TEST_CASE("github: a later id wins when runs have no start; empty is unknown", "[ci][github]") {
  auto runs = github::decode_check_runs(R"({"check_runs":[
      {"id":20,"name":"e2e","status":"completed","conclusion":"failure","started_at":null},
      {"id":21,"name":"e2e","status":"queued","conclusion":null,"started_at":null}]})");
  auto checks = github::merge_checks({}, runs);
  REQUIRE(checks.size() == 1);
  CHECK(checks[0].state == CheckState::pending);
  // An Actions-only repository: no statuses, and the combined state says
  // "pending" forever; that top-level state is not read.
  auto none = github::merge_checks(github::decode_statuses(R"({"state":"pending","statuses":[]})"),
                                   github::decode_check_runs(R"({"total_count":0,"check_runs":[]})"));
  CHECK(combine("github", none, {}).status == Status::unknown);
  Requirements lenient;
  lenient.skipped_is_green = true;
  auto neutral = github::merge_checks({}, github::decode_check_runs(
      R"({"check_runs":[{"id":1,"name":"a","status":"completed","conclusion":"neutral"},{"id":2,"name":"b","status":"completed","conclusion":"success"}]})"));
  CHECK(combine("github", neutral, {}).status == Status::red);
  CHECK(combine("github", neutral, lenient).status == Status::green);
}

TEST_CASE("github: malformed and truncated JSON throw for the provider to report", "[ci][github]") {
  CHECK_THROWS_WITH(github::decode_check_runs(R"({"check_runs":[{"id":1,"na)"),
                    "malformed or truncated JSON in the check runs answer");
  CHECK_THROWS_AS(github::decode_statuses("[]"), relgate::Error);
  CHECK_THROWS_AS(github::decode_statuses(R"({"statuses":"x"})"), relgate::Error);
  CHECK_THROWS_AS(github::decode_check_runs(""), relgate::Error);
}

TEST_CASE("gitlab: pipeline states and the latest pipeline per ref", "[ci][gitlab]") {
  CHECK(gitlab::map_pipeline_status("success") == CheckState::success);
  for (auto s : {"running", "pending", "created", "waiting_for_resource", "preparing", "scheduled"}) {
    CHECK(gitlab::map_pipeline_status(s) == CheckState::pending);
  }
  CHECK(gitlab::map_pipeline_status("failed") == CheckState::failure);
  CHECK(gitlab::map_pipeline_status("canceled") == CheckState::cancelled);
  CHECK(gitlab::map_pipeline_status("skipped") == CheckState::skipped);
  CHECK(gitlab::map_pipeline_status("manual") == CheckState::skipped);
  auto pipelines = gitlab::decode_pipelines(R"([
      {"id":47,"iid":12,"project_id":1,"sha":"a","ref":"release/v0.1","status":"success","web_url":"https://gl/p/47"},
      {"id":46,"iid":11,"project_id":1,"sha":"a","ref":"release/v0.1","status":"failed","web_url":"https://gl/p/46"},
      {"id":45,"iid":10,"project_id":1,"sha":"a","ref":"main","status":"running","web_url":"https://gl/p/45"}])");
  auto checks = gitlab::latest_per_ref(pipelines);
  REQUIRE(checks.size() == 2);
  CHECK(checks[0].name == "release/v0.1");
  CHECK(checks[0].state == CheckState::success);
  CHECK(checks[0].url == "https://gl/p/47");
  CHECK(combine("gitlab", checks, {}).status == Status::pending);
  Requirements req;
  req.required = {"release/v0.1"};
  CHECK(combine("gitlab", checks, req).status == Status::green);
  CHECK(combine("gitlab", gitlab::latest_per_ref({}), {}).status == Status::unknown);
  auto manual = gitlab::latest_per_ref(gitlab::decode_pipelines(R"([{"id":1,"ref":"r","status":"manual"}])"));
  CHECK(combine("gitlab", manual, {}).status == Status::red);
  Requirements lenient;
  lenient.skipped_is_green = true;
  CHECK(combine("gitlab", manual, lenient).status == Status::green);
  CHECK_THROWS_AS(gitlab::decode_pipelines(R"([{"id":1,"ref":"r")"), relgate::Error);
  CHECK_THROWS_AS(gitlab::decode_pipelines(R"({"message":"404 Project Not Found"})"), relgate::Error);
  CHECK(gitlab::project_segment("42") == "42");
  CHECK(gitlab::project_segment("group/sub/my.proj") == "group%2Fsub%2Fmy.proj");
}

TEST_CASE("http helpers: Link pagination, origins, rate limits", "[ci][http]") {
  CHECK(http::next_link(R"(<https://api/x?page=2>; rel="next", <https://api/x?page=5>; rel="last")") ==
        "https://api/x?page=2");
  CHECK(http::next_link(R"(<https://api/x?page=1>; rel="prev", <https://api/x?page=3>; rel="next")") ==
        "https://api/x?page=3");
  CHECK(http::next_link(R"(<https://api/x?page=1>; rel="first")").empty());
  CHECK(http::next_link("").empty());
  CHECK(http::origin_of("http://127.0.0.1:8080/api/v3/repos") == "http://127.0.0.1:8080");
  CHECK(http::origin_of("https://api.github.com") == "https://api.github.com");
  http::Response r;
  r.status = 403;
  r.headers["x-ratelimit-remaining"] = "0";
  CHECK(http::status_fault("GitHub", r, "GITHUB_TOKEN").rfind("GitHub rate limit reached (HTTP 403)", 0) == 0);
  r.status = 429;
  r.headers.clear();
  r.headers["retry-after"] = "30";
  CHECK(http::status_fault("GitLab", r, "GITLAB_TOKEN") == "GitLab rate limit reached (HTTP 429), retry in 30 s");
  r.status = 401;
  CHECK(http::status_fault("GitHub", r, "GH_TOKEN") ==
        "GitHub answered HTTP 401: the token in $GH_TOKEN is missing or was refused");
  r.status = 500;
  r.headers.clear();
  CHECK(http::status_fault("GitHub", r, "T") == "GitHub answered HTTP 500");
}

TEST_CASE("command: exit 0 green, 1 red, anything else unknown", "[ci][command]") {
  CommandOutcome o;
  o.kind = CommandOutcome::Kind::exited;
  o.code = 0;
  CHECK(command_result("ci-check", o, 3000).status == Status::green);
  o.code = 1;
  o.first_line = "build 42 failed";
  auto red = command_result("ci-check", o, 3000);
  CHECK(red.status == Status::red);
  CHECK(red.reason == "ci-check exited 1: \"build 42 failed\"");
  o.code = 3;
  CHECK(command_result("ci-check", o, 3000).reason == "not green: ci-check exited 3: \"build 42 failed\"");
  o.kind = CommandOutcome::Kind::timed_out;
  o.first_line.clear();
  auto slow = command_result("ci-check", o, 500);
  CHECK(slow.status == Status::unknown);
  CHECK(slow.reason == "not green: ci-check did not finish within 500 ms");
  o.kind = CommandOutcome::Kind::not_started;
  o.error = "No such file or directory";
  CHECK(command_result("ci-check", o, 500).reason == "not green: cannot run ci-check: No such file or directory");
}

TEST_CASE("command: the kind of each outcome", "[ci][command]") {
  CommandOutcome o;
  o.kind = CommandOutcome::Kind::exited;
  for (int code : {0, 1}) {
    o.code = code;
    CHECK(command_result("ci-check", o, 3000).kind == ResultKind::reported);
  }
  o.code = 3;
  CHECK(command_result("ci-check", o, 3000).kind == ResultKind::fault);
  for (auto k : {CommandOutcome::Kind::signalled, CommandOutcome::Kind::timed_out, CommandOutcome::Kind::not_started}) {
    o.kind = k;
    CHECK(command_result("ci-check", o, 3000).kind == ResultKind::fault);
  }
  CommandSettings none; // no argv: cannot run
  CHECK(CommandProvider(none, 3000).status(std::string(40, 'a'), nullptr).kind == ResultKind::fault);
}

TEST_CASE("command: runs without a shell, bounded by the deadline", "[ci][command]") {
  auto soon = [](int ms) { return std::chrono::steady_clock::now() + std::chrono::milliseconds(ms); };
  auto ok = run_command({"/bin/sh", "-c", "echo 'all green; $HOME'; exit 0"}, soon(5000));
  CHECK(ok.kind == CommandOutcome::Kind::exited);
  CHECK(ok.code == 0);
  CHECK(ok.first_line == "all green; $HOME"); // the argument was not expanded by a shell of ours
  auto red = run_command({"/bin/sh", "-c", "printf 'first\\nsecond\\n'; exit 1"}, soon(5000));
  CHECK(red.code == 1);
  CHECK(red.first_line == "first");
  // The bounds below tell "kept the deadline" from "waited for the child"
  // (30 s), with room for a busy machine and the sanitizers.
  auto start = std::chrono::steady_clock::now();
  auto hang = run_command({"/bin/sleep", "30"}, soon(300));
  CHECK(hang.kind == CommandOutcome::Kind::timed_out);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(15));
  // A background child holding stdout open does not keep us waiting.
  start = std::chrono::steady_clock::now();
  auto bg = run_command({"/bin/sh", "-c", "sleep 30 & echo done; exit 0"}, soon(5000));
  CHECK(bg.kind == CommandOutcome::Kind::exited);
  CHECK(bg.first_line == "done");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(15));
  auto missing = run_command({"/nonexistent/ci-check"}, soon(1000));
  CHECK(missing.kind == CommandOutcome::Kind::not_started);
}

TEST_CASE("notes: recording a line keeps the others, the new line wins", "[ci][notes]") {
  auto base = parse_note("success build https://ci/1\npending lint\n");
  auto merged = overlay_checks(base, {{"lint", CheckState::failure, "https://ci/2"}, {"e2e", CheckState::success, ""}});
  CHECK(render_note(merged) == "success build https://ci/1\nfailure lint https://ci/2\nsuccess e2e\n");
}

namespace {
// Reads notes like MemoryRepository, but the notes history is unreadable.
class UnreadableNotes final : public relgate::repo::Repository {
public:
  using Id = relgate::repo::ObjectId;
  std::vector<relgate::repo::Ref> refs(std::string_view) const override { return {}; }
  relgate::repo::ObjectType type(const Id&) const override { return relgate::repo::ObjectType::missing; }
  std::optional<Id> peel_to_commit(const Id&) const override { return std::nullopt; }
  relgate::repo::Commit commit(const Id&) const override { throw relgate::Error("no commits"); }
  bool is_ancestor(const Id&, const Id&) const override { return false; }
  std::optional<std::int64_t> tag_time(const Id&) const override { return std::nullopt; }
  std::vector<Id> changed_notes(const Id&, const Id&) const override { return {}; }
  std::optional<std::string> note(const Id&, const Id&) const override {
    throw relgate::Error("object 1234567 is corrupt");
  }
  std::unique_ptr<relgate::repo::CommitWalk> walk_new(const Id&, const std::vector<Id>&) const override {
    throw relgate::Error("no commits");
  }
  std::vector<std::string> changed_paths(const Id&) const override { return {}; }
  std::optional<Id> patch_id(const Id&) const override { return std::nullopt; }
  std::optional<std::string> read_file(const Id&, const std::string&) const override { return std::nullopt; }
  bool files_under(const Id&, const std::string&,
                   const std::function<bool(const std::string&, const std::string&)>&) const override {
    return false;
  }
};
} // namespace

TEST_CASE("notes: the kind of each outcome", "[ci][notes]") {
  relgate::repo::MemoryRepository repo;
  auto commit = repo.add_commit({}, "fix: one\n");
  auto other = repo.add_commit({}, "fix: two\n");
  std::optional<relgate::repo::ObjectId> notes_tip;
  auto refs_after = [&](const std::string& ref) {
    return ref == "refs/notes/ci" ? notes_tip : std::nullopt;
  };
  NotesProvider notes(repo, "refs/notes/ci", {});
  auto kind = [&](std::map<relgate::repo::ObjectId, std::string> on) {
    notes_tip = repo.add_notes(std::move(on));
    return notes.status(commit, refs_after).kind;
  };
  notes_tip.reset();
  CHECK(notes.status(commit, refs_after).kind == ResultKind::no_result); // no notes ref
  CHECK(kind({{other, "success build\n"}}) == ResultKind::no_result);     // no note on the commit
  CHECK(kind({{commit, "all good\n"}}) == ResultKind::no_result);         // no line of the form
  CHECK(kind({{commit, "success build\n"}}) == ResultKind::reported);
  CHECK(kind({{commit, "failure build\n"}}) == ResultKind::reported);
  CHECK(kind({{commit, "pending build\n"}}) == ResultKind::reported);
  UnreadableNotes broken;
  NotesProvider unreadable(broken, "refs/notes/ci", {});
  auto r = unreadable.status(commit, refs_after);
  CHECK(r.status == Status::unknown);
  CHECK(r.kind == ResultKind::fault);
}

TEST_CASE("github and gitlab: faults are of kind fault", "[ci][github][gitlab]") {
  const std::string commit(40, 'a');
  GithubSettings gh; // no repository
  CHECK(GithubProvider(gh, {}, 3000).status(commit, nullptr).kind == ResultKind::fault);
  gh.repository = "acme/widget";
  gh.api_url = "http://127.0.0.1:1"; // nothing listens there
  CHECK(GithubProvider(gh, {}, 3000).status(commit, nullptr).kind == ResultKind::fault);
  GitlabSettings gl; // no project
  CHECK(GitlabProvider(gl, {}, 3000).status(commit, nullptr).kind == ResultKind::fault);
  gl.project = "42";
  gl.api_url = "http://127.0.0.1:1";
  CHECK(GitlabProvider(gl, {}, 3000).status(commit, nullptr).kind == ResultKind::fault);
}

#include "policy/policy_loader.hpp"

namespace {
std::string policy_error(const std::string& text) {
  try {
    relgate::policy::parse_policy(text, "relgate.toml", relgate::policy::builtin_policy());
  } catch (const relgate::Error& e) {
    return e.what();
  }
  return {};
}
} // namespace

TEST_CASE("policy: the provider tables [ci.github], [ci.gitlab], [ci.command]", "[ci][policy]") {
  auto p = relgate::policy::parse_policy(
      "[ci]\nprovider = \"github\"\n[ci.github]\napi_url = \"https://ghe.example/api/v3/\"\nrepository = \"acme/widget\"\n",
      "relgate.toml", relgate::policy::builtin_policy());
  CHECK(p.ci.provider == "github");
  CHECK(p.ci.github.api_url == "https://ghe.example/api/v3");
  CHECK(p.ci.github.token_env == "GITHUB_TOKEN");
  CHECK(policy_error("[ci.github]\nrepositry = \"a/b\"\n") ==
        "relgate.toml:2:1: unknown key \"repositry\" in [ci.github], did you mean \"repository\"?");
  CHECK(policy_error("[ci]\nprovider = \"github\"\n") ==
        "relgate.toml:2:12: ci.provider = \"github\" needs ci.github.repository = \"owner/name\"");
  CHECK(policy_error("[ci.github]\nrepository = \"nobody\"\n") ==
        "relgate.toml:2:14: ci.github.repository must be \"owner/name\"");
  CHECK(policy_error("[ci]\nprovider = \"command\"\n[ci.command]\nargv = []\n") ==
        "relgate.toml:4:8: ci.command.argv must name a program: [\"/path/to/check\", \"arg\"]");
  auto g = relgate::policy::parse_policy("[ci]\nprovider = \"gitlab\"\n[ci.gitlab]\nproject = 42\n", "relgate.toml",
                                         relgate::policy::builtin_policy());
  CHECK(g.ci.gitlab.project == "42");
}
