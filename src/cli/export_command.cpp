#include "cli/export_command.hpp"

#include "git/libgit2_repository.hpp"
#include "util/error.hpp"

#include <fnmatch.h>

#include <array>
#include <iostream>
#include <vector>

#include <nlohmann/json.hpp>

namespace relgate::cli {

namespace {

using nlohmann::json;

// The rulesets by the name `--only` takes, in output order.
constexpr std::array<const char*, 3> k_ruleset_keys = {"tags", "branches", "branch-creation"};

// A ruleset's fnmatch pattern for the names a template spells: its literal
// prefix and `*` ("v*", "release/v*"), so that a name that only looks like
// a release (T1, B1: "v1.2", "release/v1.2.x") is covered too; a template
// that starts with a placeholder, every placeholder as `*` ("*.*.*").
// Ref names cannot hold fnmatch's special characters (git check-ref-format).
std::string pattern_of(const policy::NameTemplate& t) {
  if (auto prefix = t.literal_prefix(); !prefix.empty()) return prefix + "*";
  std::string out;
  const std::string& text = t.text();
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto close = text[i] == '{' ? text.find('}', i) : std::string::npos;
    if (close == std::string::npos) {
      out += text[i];
    } else {
      out += '*';
      i = close;
    }
  }
  return out;
}

// `patterns` without those another one already covers (fnmatch reads the
// covered pattern as a name: `*` matches its `*`).
std::vector<std::string> without_covered(const std::vector<std::string>& patterns) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    bool covered = false;
    for (std::size_t j = 0; j < patterns.size() && !covered; ++j) {
      if (j == i) continue;
      bool matches = fnmatch(patterns[j].c_str(), patterns[i].c_str(), FNM_PATHNAME) == 0;
      // Of two equal patterns the first stays.
      covered = matches && (patterns[i] != patterns[j] || j < i);
    }
    if (!covered) out.push_back(patterns[i]);
  }
  return out;
}

// Who may create release tags and branches: the maintainers' team, else
// the repository admin role. The API takes numeric ids only; 5 is the id
// GitHub gives the built-in admin role.
json maintainers(const GithubRulesetOptions& opts) {
  json actor = {{"actor_type", "Team"}, {"bypass_mode", "always"}};
  if (opts.team_id) actor["actor_id"] = *opts.team_id;
  else if (!opts.team.empty()) actor["actor_id"] = nullptr;
  else actor = {{"actor_id", 5}, {"actor_type", "RepositoryRole"}, {"bypass_mode", "always"}};
  return json::array({actor});
}

json ruleset(const std::string& name, const char* target, const std::vector<std::string>& include, json bypass,
             json rules) {
  return {{"name", name},
          {"target", target},
          {"enforcement", "active"},
          {"bypass_actors", std::move(bypass)},
          {"conditions", {{"ref_name", {{"include", include}, {"exclude", json::array()}}}}},
          {"rules", std::move(rules)}};
}

json rule(const char* type) { return {{"type", type}}; }

json required_check(const GithubRulesetOptions& opts) {
  json check = {{"context", opts.check_name}};
  if (opts.check_app_id != 0) check["integration_id"] = opts.check_app_id;
  // do_not_enforce_on_create: a maintainer creates release/vX.Y at a
  // commit of main, which the check judged as a pull request, not there.
  return {{"type", "required_status_checks"},
          {"parameters",
           {{"required_status_checks", json::array({check})},
            {"strict_required_status_checks_policy", false},
            {"do_not_enforce_on_create", true}}}};
}

json build(const policy::Policy& pol, const GithubRulesetOptions& opts, const std::string& key) {
  const std::string release_branches = "refs/heads/" + pattern_of(pol.release_branch);
  if (key == "tags") {
    // T2: a release tag never moves and never goes; A1: only maintainers
    // make one.
    auto tags = without_covered({"refs/tags/" + pattern_of(pol.final_tag), "refs/tags/" + pattern_of(pol.rc_tag)});
    return ruleset("relgate: release tags", "tag", tags, maintainers(opts),
                   json::array({rule("creation"), rule("update"), rule("deletion")}));
  }
  if (key == "branches") {
    // B3: no force push, no deletion, for anyone; what lands passed the
    // relgate check (F1, B4-B6 judged on the pull request by relgate pr).
    return ruleset("relgate: main and release branches", "branch", {"refs/heads/" + pol.main_branch, release_branches},
                   json::array(), json::array({rule("non_fast_forward"), rule("deletion"), required_check(opts)}));
  }
  // A1: a release branch is made by a maintainer (RELEASES.md's branch step).
  return ruleset("relgate: release branch creation", "branch", {release_branches}, maintainers(opts),
                 json::array({rule("creation")}));
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

} // namespace

std::string github_rulesets(const policy::Policy& pol, const GithubRulesetOptions& opts) {
  if (opts.check_name.empty()) throw Error("--check-name needs the name of the workflow's job, e.g. relgate");
  if (!opts.only.empty()) {
    for (const char* key : k_ruleset_keys) {
      if (opts.only == key) return build(pol, opts, key).dump(2) + "\n";
    }
    throw Error("unknown ruleset \"" + opts.only + "\" (use tags, branches or branch-creation)");
  }
  json all = json::array();
  for (const char* key : k_ruleset_keys) all.push_back(build(pol, opts, key));
  return all.dump(2) + "\n";
}

std::string github_ruleset_commands(const GlobalOptions& global, const GithubRulesetOptions& opts) {
  std::string args;
  if (!global.config.empty()) args += " --config " + shell_quote(global.config);
  if (!global.repo_dir.empty()) args += " --repo " + shell_quote(global.repo_dir);
  args += " export github-ruleset";
  if (opts.team_id) {
    args += " --team-id " + std::to_string(*opts.team_id);
  } else if (!opts.team.empty()) {
    // gh api fills {owner} in an endpoint from the repository's remote.
    auto slash = opts.team.find('/');
    std::string org = slash == std::string::npos ? "{owner}" : opts.team.substr(0, slash);
    std::string slug = slash == std::string::npos ? opts.team : opts.team.substr(slash + 1);
    args += " --team-id \"$(gh api " + shell_quote("orgs/" + org + "/teams/" + slug) + " --jq .id)\"";
  }
  if (opts.check_name != "relgate") args += " --check-name " + shell_quote(opts.check_name);
  if (opts.check_app_id != 15368) args += " --check-app-id " + std::to_string(opts.check_app_id);
  std::string out;
  for (const char* key : k_ruleset_keys) {
    out += "relgate" + args + " --only " + key + " | gh api --method POST 'repos/{owner}/{repo}/rulesets' --input -\n";
  }
  return out;
}

int run_export_github_ruleset(const GlobalOptions& global, const GithubRulesetOptions& opts) {
  auto repo = git::Libgit2Repository::open(global.repo_dir);
  const policy::Policy pol = load_policy(global, *repo);
  std::cout << github_rulesets(pol, opts) << std::flush;
  if (opts.only.empty()) {
    std::cerr << "relgate: the policy's names, as rulesets (" << pol.source << "); to apply them, in a clone of the "
              << "repository, as an admin (gh fills {owner}/{repo} from its remote):\n";
    if (!opts.team_id && opts.team.empty()) {
      std::cerr << "relgate: note: without --team or --team-id only repository admins may create release tags and "
                   "branches (RepositoryRole 5)\n";
    } else if (!opts.team_id) {
      std::cerr << "relgate: note: actor_id is null above: GitHub takes the team's numeric id, which the commands "
                   "look up (gh api orgs/ORG/teams/SLUG --jq .id)\n";
    }
    std::cerr << github_ruleset_commands(global, opts);
  }
  return 0;
}

} // namespace relgate::cli
