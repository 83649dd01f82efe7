#include "cli/pr_command.hpp"

#include "ci/providers.hpp"
#include "cli/clone_view.hpp"
#include "cli/hook_input.hpp"
#include "git/libgit2_repository.hpp"
#include "policy/freeze.hpp"
#include "policy/known_refs.hpp"
#include "policy/state.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/process.hpp"
#include "util/text.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

namespace relgate::cli {

namespace {

using nlohmann::json;
using policy::Platform;
using policy::PullRequest;

// A pull request's commits beyond this many are not read for cherry-pick
// lines (GitHub lists at most 250 commits of a pull request).
constexpr std::size_t k_max_pr_commits = 250;

const json& field(const json& o, const std::string& path, const std::string& where) {
  const json* at = &o;
  for (auto part : split(path, '.')) {
    if (!at->is_object()) throw Error(where + ": no " + path + " (not a pull request event payload)");
    auto it = at->find(std::string(part));
    if (it == at->end()) throw Error(where + ": no " + path + " (not a pull request event payload)");
    at = &*it;
  }
  return *at;
}

std::string string_field(const json& o, const std::string& path, const std::string& where, bool may_be_null = false) {
  const json& v = field(o, path, where);
  if (v.is_null() && may_be_null) return "";
  if (!v.is_string()) throw Error(where + ": " + path + " is not a string");
  return v.get<std::string>();
}

std::string object_id(const std::string& s, const std::string& what) {
  bool ok = (s.size() == 40 || s.size() == 64) && is_hex(s);
  if (!ok) throw Error(what + " is not a commit id: " + printable(s.substr(0, 80)));
  return s;
}

std::string branch_name(std::string ref, const std::string& what) {
  if (starts_with(ref, "refs/heads/")) ref = ref.substr(11);
  if (ref.empty()) throw Error(what + " is empty");
  parse_ref_name("refs/heads/" + ref, what);
  return ref;
}

std::uint64_t number_of(const std::string& s, const std::string& what) {
  if (s.empty() || s.size() > 18 || !std::all_of(s.begin(), s.end(), [](char c) { return is_digit(c); })) {
    throw Error(what + " is not a number: " + printable(s.substr(0, 40)));
  }
  return std::stoull(s);
}

PullRequest from_gitlab(const EnvLookup& env) {
  auto need = [&](const char* name) {
    auto v = env(name);
    if (!v || v->empty()) throw Error(std::string(name) + " is not set: relgate pr runs in a merge request pipeline "
                                      "(workflow: rules: if: $CI_PIPELINE_SOURCE == \"merge_request_event\")");
    return *v;
  };
  PullRequest pr;
  pr.platform = Platform::gitlab;
  pr.number = number_of(need("CI_MERGE_REQUEST_IID"), "CI_MERGE_REQUEST_IID");
  pr.title = need("CI_MERGE_REQUEST_TITLE");
  pr.body = env("CI_MERGE_REQUEST_DESCRIPTION").value_or("");
  pr.base = branch_name(need("CI_MERGE_REQUEST_TARGET_BRANCH_NAME"), "CI_MERGE_REQUEST_TARGET_BRANCH_NAME");
  // Merged-results pipelines run on a merge commit GitLab made: CI_COMMIT_SHA
  // is that commit, the merge request's head is the source branch's sha.
  auto source = env("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA");
  pr.head = source && !source->empty() ? object_id(*source, "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA")
                                       : object_id(need("CI_COMMIT_SHA"), "CI_COMMIT_SHA");
  if (auto target = env("CI_MERGE_REQUEST_TARGET_BRANCH_SHA"); target && !target->empty()) {
    pr.base_sha = object_id(*target, "CI_MERGE_REQUEST_TARGET_BRANCH_SHA");
  } else if (auto diff_base = env("CI_MERGE_REQUEST_DIFF_BASE_SHA"); diff_base && !diff_base->empty()) {
    pr.base_sha = object_id(*diff_base, "CI_MERGE_REQUEST_DIFF_BASE_SHA");
  }
  return pr;
}

PullRequest from_options(const PrOptions& o, const EnvLookup& env) {
  if (o.base.empty()) throw Error("pr: --base is missing (the branch the pull request merges into)");
  if (trim(o.title).empty()) throw Error("pr: --title is missing (the pull request's title)");
  if (o.head.empty()) throw Error("pr: --head is missing (the pull request's head commit)");
  if (o.platform != "github" && o.platform != "gitlab") throw Error("pr: --platform is github or gitlab");
  PullRequest pr;
  pr.platform = o.platform == "gitlab" ? Platform::gitlab : Platform::github;
  pr.title = o.title;
  pr.body = o.body.value_or("");
  pr.number = o.number;
  pr.base = branch_name(o.base, "--base");
  pr.head = o.head;
  (void)env;
  return pr;
}

std::optional<std::string> getenv_value(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Fetches what the rules read and a CI checkout lacks: tags (GitLab's
// runners fetch them only by configuration), freeze declarations, the
// versioned policy, and the base branch as it is now. Pattern refspecs: a
// ref the remote lacks fails nothing.
void fetch_release_refs(const git::Libgit2Repository& repo, const policy::Policy& pol, const std::string& remote,
                        const std::string& base) {
  std::vector<std::string> argv = {"git", "--git-dir=" + repo.git_dir(), "fetch", "-q", "--no-write-fetch-head", remote,
                                   "+refs/heads/" + base + ":refs/remotes/" + remote + "/" + base};
  if (is_mirrored(repo, remote)) {
    for (const auto& r : mirror_refspecs(pol, remote)) argv.push_back(r);
  } else {
    const std::string freeze = pol.freeze_ref_dir();
    argv.push_back("+refs/tags/*:refs/tags/*");
    argv.push_back("+" + freeze + "*:" + freeze + "*");
    argv.push_back(std::string("+") + policy::Policy::k_policy_ref + "*:" + policy::Policy::k_policy_ref + "*");
  }
  if (int rc = process::call(argv); rc != 0) {
    throw Error("cannot fetch the release refs from " + remote + " (git fetch exited " + std::to_string(rc) +
                "): give the checkout access to " + remote + ", or fetch tags, " + pol.freeze_ref_dir() + "* and " +
                policy::Policy::k_policy_ref + " yourself and pass --no-fetch");
  }
}

// The head may be missing from a checkout of the base (pull_request_target
// checks out the base branch): fetch the platform's ref of it.
void fetch_head(const git::Libgit2Repository& repo, const PullRequest& pr, const std::string& remote) {
  if (repo.type(pr.head) != repo::ObjectType::missing || remote.empty() || !pr.number) return;
  const std::string ref = pr.platform == Platform::gitlab ? "refs/merge-requests/" + std::to_string(*pr.number) + "/head"
                                                          : "refs/pull/" + std::to_string(*pr.number) + "/head";
  process::call({"git", "--git-dir=" + repo.git_dir(), "fetch", "-q", "--no-write-fetch-head", remote, ref});
}

struct Candidate {
  std::string what;
  repo::ObjectId commit;
};

// A subject in a Markdown code span: no backticks, no control characters.
std::string short_subject(const std::string& s) {
  std::string out;
  for (char c : s) out += (c == '`' || static_cast<unsigned char>(c) < 0x20) ? ' ' : c;
  return "`" + out + "`";
}

// The commits whose merge is judged: the squash commit (and, for a
// one-commit pull request on GitHub, the squash titled by that commit), or
// the merge commit; the merge queue's own commit as it is.
std::vector<Candidate> candidates(git::Libgit2Repository& repo, const policy::Policy& pol, const PullRequest& pr,
                                  const repo::ObjectId& base_tip) {
  if (pr.merge_group) {
    return {{"the merge queue's commit " + repo::short_id(pr.head) + " " + short_subject(repo.commit(pr.head).subject()),
             pr.head}};
  }
  std::vector<repo::ObjectId> commits;
  auto walk = repo.walk_new(pr.head, {base_tip});
  while (auto id = walk->next()) {
    commits.push_back(*id);
    if (commits.size() == k_max_pr_commits) break;
  }
  if (commits.empty()) return {};
  const std::string onto = " onto " + pr.base + " at " + repo::short_id(base_tip);
  auto made = [&](repo::MergeShape shape, const std::string& message) {
    auto id = repo.merge_in_memory(base_tip, pr.head, shape, message);
    if (!id) {
      throw Error("the pull request does not merge cleanly into " + pr.base + ": resolve the conflicts (merge or "
                  "rebase onto " + pr.base + ") and push; nothing was judged");
    }
    return *id;
  };
  using Method = policy::PrPolicy::MergeMethod;
  if (pol.pr.merge_method != Method::squash) {
    const char* how = pol.pr.merge_method == Method::merge ? "the merge commit" : "the pull request's commits (rebase)";
    return {{std::string(how) + " of its " + std::to_string(commits.size()) + " commit" +
                 (commits.size() == 1 ? "" : "s") + onto,
             made(repo::MergeShape::merge, policy::merge_message(pr))}};
  }
  std::vector<std::string> picks;
  for (const auto& id : commits) {
    for (auto& l : policy::cherry_pick_lines(pol, repo.commit(id).message)) picks.push_back(std::move(l));
  }
  const std::string subject = policy::squash_subject(pr, pr.title);
  std::vector<Candidate> out = {
      {"the squash commit " + short_subject(subject) + onto, made(repo::MergeShape::squash, policy::squash_message(subject, picks, pr.body))}};
  // GitHub's default squash title of a one-commit pull request is that
  // commit's subject, with its body as the message.
  if (pr.platform == Platform::github && commits.size() == 1) {
    const repo::Commit c = repo.commit(commits.front());
    const std::string own = policy::squash_subject(pr, c.subject());
    if (own != subject && c.parents.size() == 1) {
      auto nl = c.message.find('\n');
      std::string rest = nl == std::string::npos ? "" : c.message.substr(nl + 1);
      out.push_back({"the squash commit titled by its one commit, " + short_subject(own) + onto,
                     made(repo::MergeShape::squash, own + "\n\n" + std::string(trim(rest)) + "\n")});
    }
  }
  return out;
}

void append_file(const std::string& path, const std::string& text, const std::string& what) {
  std::ofstream out(path, std::ios::app | std::ios::binary);
  if (!out || !(out << text) || !out.flush()) throw Error("cannot write the " + what + " to " + path);
}

} // namespace

PullRequest from_github_event(const std::string& event_name, const std::string& payload) {
  const std::string where = "the " + event_name + " event payload (GITHUB_EVENT_PATH)";
  if (event_name != "pull_request" && event_name != "pull_request_target" && event_name != "merge_group") {
    throw Error("relgate pr judges pull_request, pull_request_target and merge_group events, not " +
                printable(event_name) + " (GITHUB_EVENT_NAME)");
  }
  json doc = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) throw Error(where + " is not a JSON object");
  PullRequest pr;
  pr.platform = Platform::github;
  if (event_name == "merge_group") {
    pr.merge_group = true;
    pr.head = object_id(string_field(doc, "merge_group.head_sha", where), "merge_group.head_sha");
    pr.base_sha = object_id(string_field(doc, "merge_group.base_sha", where), "merge_group.base_sha");
    pr.base = branch_name(string_field(doc, "merge_group.base_ref", where), "merge_group.base_ref");
    const json& commit = field(doc, "merge_group.head_commit", where);
    pr.title = commit.is_object() && commit.contains("message") && commit["message"].is_string()
                   ? std::string(first_line(commit["message"].get<std::string>()))
                   : "";
    return pr;
  }
  const json& n = field(doc, "pull_request.number", where);
  if (!n.is_number_unsigned()) throw Error(where + ": pull_request.number is not a number");
  pr.number = n.get<std::uint64_t>();
  pr.title = string_field(doc, "pull_request.title", where);
  pr.body = string_field(doc, "pull_request.body", where, /*may_be_null=*/true);
  pr.base = branch_name(string_field(doc, "pull_request.base.ref", where), "pull_request.base.ref");
  pr.base_sha = object_id(string_field(doc, "pull_request.base.sha", where), "pull_request.base.sha");
  pr.head = object_id(string_field(doc, "pull_request.head.sha", where), "pull_request.head.sha");
  if (trim(pr.title).empty()) throw Error(where + ": pull_request.title is empty");
  return pr;
}

PullRequest pull_request_from(const PrOptions& opts, const EnvLookup& env,
                              const std::function<std::string(const std::string&)>& read_file) {
  if (!opts.base.empty() || !opts.title.empty() || !opts.head.empty() || opts.number) return from_options(opts, env);
  if (auto event = env("GITHUB_EVENT_NAME"); event && !event->empty()) {
    auto path = env("GITHUB_EVENT_PATH");
    if (!path || path->empty()) throw Error("GITHUB_EVENT_PATH is not set: relgate pr reads the event payload there");
    return from_github_event(*event, read_file(*path));
  }
  if (auto iid = env("CI_MERGE_REQUEST_IID"); iid && !iid->empty()) return from_gitlab(env);
  throw Error("no pull request to judge: run relgate pr in GitHub Actions (pull_request_target, merge_group), in a "
              "GitLab merge request pipeline, or give --base BRANCH --title TITLE --head COMMIT");
}

int run_pr(const GlobalOptions& global, const PrOptions& opts) {
  PullRequest pr = pull_request_from(opts, getenv_value, read_text_file);
  auto repo = git::Libgit2Repository::open(global.repo_dir);
  if (::access((repo->git_dir() + "shallow").c_str(), F_OK) == 0) {
    throw Error("this checkout is shallow: relgate pr needs the history (actions/checkout: fetch-depth: 0; GitLab: "
                "GIT_DEPTH: 0)");
  }
  const std::string remote = view_remote(*repo, opts.remote);
  auto pol = load_policy_for_one_push(global, *repo);
  if (!remote.empty() && !opts.no_fetch) {
    fetch_release_refs(*repo, pol, remote, pr.base);
    pol = load_policy_for_one_push(global, *repo); // the versioned policy as the remote has it
  }
  if (!pr.merge_group && !opts.head.empty()) pr.head = repo->resolve_commit(opts.head);
  fetch_head(*repo, pr, remote);
  if (repo->type(pr.head) != repo::ObjectType::missing && repo->type(pr.head) != repo::ObjectType::commit) {
    throw Error("the pull request's head " + pr.head + " is not a commit");
  }
  if (repo->type(pr.head) == repo::ObjectType::missing) {
    throw Error("the pull request's head " + pr.head + " is not in this checkout (fetch it: git fetch " +
                (remote.empty() ? "origin" : remote) + " " + pr.head + ")");
  }

  policy::RefMap before = remote.empty() ? policy::known_refs(*repo, pol, "", policy::LocalBranches::include)
                                         : clone_refs(*repo, pol, remote, true);
  const std::string base_ref = "refs/heads/" + pr.base;
  repo::ObjectId base_tip;
  if (pr.merge_group) base_tip = *pr.base_sha;
  else if (auto it = before.find(base_ref); it != before.end()) base_tip = it->second;
  else if (pr.base_sha) base_tip = *pr.base_sha;
  else throw Error(pr.base + " is not in this checkout: git fetch " + (remote.empty() ? "origin" : remote) + " " + pr.base);
  if (repo->type(base_tip) == repo::ObjectType::missing) {
    throw Error("the base " + pr.base + " at " + base_tip + " is not in this checkout: git fetch " +
                (remote.empty() ? "origin" : remote) + " " + pr.base);
  }
  before[base_ref] = base_tip;

  auto provider = ci::make_provider(*repo, pol.ci);
  std::vector<policy::PrCandidate> judged;
  for (const auto& c : candidates(*repo, pol, pr, base_tip)) {
    policy::Request request;
    request.before = before;
    request.updates = {{base_ref, base_tip, c.commit}};
    request.remote = remote.empty() ? "origin" : remote;
    request.offer_override = false;
    // Anyone who opens a pull request writes its description.
    request.exceptions_granted = pol.pr.exception_in_description;
    judged.push_back({c.what, policy::judge(*repo, pol, *provider, request)});
  }
  if (judged.empty()) {
    judged.push_back({"nothing: the head " + repo::short_id(pr.head) + " is already on " + pr.base, {}});
  }
  std::string release;
  policy::ReleaseState state(before, pol);
  if (auto reasons = policy::freeze_reasons(state, before, pol); !reasons.empty()) release = reasons.front().release;
  auto findings = policy::pr_findings(pol, pr, judged, release);
  const bool refused = policy::refused(findings);

  const bool on_github = getenv_value("GITHUB_ACTIONS").value_or("") == "true";
  if (on_github) {
    std::cout << policy::github_annotations(findings);
  } else {
    for (const auto& f : findings) {
      std::cout << (f.severity == policy::Severity::error ? "error: " : "warning: ") << policy::rule_title(f.rule)
                << ": " << f.why << '\n';
      for (const auto& x : f.fix) std::cout << "  fix: " << x << '\n';
    }
  }
  if (auto summary = getenv_value("GITHUB_STEP_SUMMARY"); summary && !summary->empty()) {
    append_file(*summary, policy::markdown_summary(pr, judged, findings), "job summary");
  }
  if (!opts.report.empty()) {
    std::ofstream out(opts.report, std::ios::trunc | std::ios::binary);
    const std::string text = policy::junit_report(pr, findings);
    if (!out || !(out << text) || !out.flush()) throw Error("cannot write the report to " + opts.report);
  }
  std::string codes;
  for (const auto& f : findings) {
    if (f.severity != policy::Severity::error) continue;
    std::string code(policy::rule_info(f.rule).code);
    if (codes.find(code) == std::string::npos) codes += (codes.empty() ? "" : ", ") + code;
  }
  std::cout << "relgate pr: "
            << (pr.merge_group ? "the merge queue's commit"
                               : pr.number ? "pull request " + policy::reference(pr) : "the pull request")
            << (refused ? " is refused (" + codes + ")" : " is accepted") << '\n';
  return refused ? k_exit_rejected : k_exit_accepted;
}

} // namespace relgate::cli
