// `relgate export github-ruleset` (cli/export_command.hpp): GitHub's
// ruleset JSON, checked against the field names and values GitHub
// documents, and following the policy's names.
//
// Field names and enums from GitHub's documentation:
//  - REST API endpoints for rules, "Create a repository ruleset"
//    (POST /repos/{owner}/{repo}/rulesets):
//    https://docs.github.com/en/rest/repos/rules#create-a-repository-ruleset
//  - Available rules for rulesets:
//    https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/available-rules-for-rulesets

#include "cli/export_command.hpp"
#include "policy/policy_loader.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <set>
#include <string>

using namespace relgate;
using nlohmann::json;

namespace {

// The request body's keys and their documented values.
const std::set<std::string> k_body_keys = {"name", "target", "enforcement", "bypass_actors", "conditions", "rules"};
const std::set<std::string> k_targets = {"branch", "tag", "push"};
const std::set<std::string> k_enforcements = {"disabled", "active", "evaluate"};
const std::set<std::string> k_actor_keys = {"actor_id", "actor_type", "bypass_mode"};
const std::set<std::string> k_actor_types = {"Integration", "OrganizationAdmin", "RepositoryRole", "Team", "DeployKey"};
const std::set<std::string> k_bypass_modes = {"always", "pull_request", "exempt"};
// The rule types of a branch or tag ruleset (the body's `rules` items).
const std::set<std::string> k_rule_types = {
    "creation", "update", "deletion", "required_linear_history", "merge_queue", "required_deployments",
    "required_signatures", "pull_request", "required_status_checks", "non_fast_forward", "commit_message_pattern",
    "commit_author_email_pattern", "committer_email_pattern", "branch_name_pattern", "tag_name_pattern", "workflows",
    "code_scanning"};
const std::set<std::string> k_status_check_parameters = {"required_status_checks", "strict_required_status_checks_policy",
                                                         "do_not_enforce_on_create"};
const std::set<std::string> k_status_check_keys = {"context", "integration_id"};

std::set<std::string> keys(const json& object) {
  std::set<std::string> out;
  for (const auto& [k, v] : object.items()) out.insert(k);
  return out;
}

bool within(const std::set<std::string>& some, const std::set<std::string>& all) {
  for (const auto& s : some) {
    if (!all.count(s)) return false;
  }
  return true;
}

// Every key and value one the documentation names, with their types.
void check_documented(const json& rs) {
  INFO(rs.dump());
  REQUIRE(rs.is_object());
  CHECK(within(keys(rs), k_body_keys));
  CHECK(rs.at("name").is_string());
  CHECK(k_targets.count(rs.at("target").get<std::string>()));
  CHECK(k_enforcements.count(rs.at("enforcement").get<std::string>()));
  for (const auto& actor : rs.at("bypass_actors")) {
    CHECK(keys(actor) == k_actor_keys);
    CHECK(k_actor_types.count(actor.at("actor_type").get<std::string>()));
    CHECK(k_bypass_modes.count(actor.at("bypass_mode").get<std::string>()));
    CHECK((actor.at("actor_id").is_number_integer() || actor.at("actor_id").is_null()));
  }
  CHECK(keys(rs.at("conditions")) == std::set<std::string>{"ref_name"});
  CHECK(keys(rs.at("conditions").at("ref_name")) == std::set<std::string>{"include", "exclude"});
  for (const auto& rule : rs.at("rules")) {
    CHECK(k_rule_types.count(rule.at("type").get<std::string>()));
    if (rule.at("type") == "required_status_checks") {
      const auto& p = rule.at("parameters");
      CHECK(within(keys(p), k_status_check_parameters));
      CHECK(p.at("strict_required_status_checks_policy").is_boolean()); // required
      for (const auto& c : p.at("required_status_checks")) {
        CHECK(within(keys(c), k_status_check_keys));
        CHECK(c.at("context").is_string()); // required
      }
    } else {
      CHECK(keys(rule) == std::set<std::string>{"type"});
    }
  }
}

std::vector<std::string> types(const json& rs) {
  std::vector<std::string> out;
  for (const auto& rule : rs.at("rules")) out.push_back(rule.at("type"));
  return out;
}

std::vector<std::string> include(const json& rs) { return rs.at("conditions").at("ref_name").at("include"); }

json rulesets(const policy::Policy& pol, const cli::GithubRulesetOptions& opts = {}) {
  return json::parse(cli::github_rulesets(pol, opts));
}

} // namespace

TEST_CASE("github-ruleset: the built-in policy, in GitHub's documented format", "[export]") {
  auto all = rulesets(policy::builtin_policy());
  REQUIRE(all.is_array());
  REQUIRE(all.size() == 3);
  for (const auto& rs : all) check_documented(rs);

  const auto& tags = all[0];
  CHECK(tags.at("target") == "tag");
  CHECK(tags.at("enforcement") == "active");
  CHECK(include(tags) == std::vector<std::string>{"refs/tags/v*"});
  CHECK(types(tags) == std::vector<std::string>{"creation", "update", "deletion"});
  // No team given: repository admins (the built-in admin role) only.
  CHECK(tags.at("bypass_actors") == json::parse(R"([{"actor_id":5,"actor_type":"RepositoryRole","bypass_mode":"always"}])"));

  const auto& branches = all[1];
  CHECK(branches.at("target") == "branch");
  CHECK(include(branches) == std::vector<std::string>{"refs/heads/main", "refs/heads/release/v*"});
  CHECK(types(branches) == std::vector<std::string>{"non_fast_forward", "deletion", "required_status_checks"});
  CHECK(branches.at("bypass_actors").empty()); // nobody rewrites main or a release branch
  CHECK(branches.at("rules")[2].at("parameters").at("required_status_checks") ==
        json::parse(R"([{"context":"relgate","integration_id":15368}])"));

  const auto& creation = all[2];
  CHECK(creation.at("target") == "branch");
  CHECK(include(creation) == std::vector<std::string>{"refs/heads/release/v*"});
  CHECK(types(creation) == std::vector<std::string>{"creation"});
}

TEST_CASE("github-ruleset: the maintainers' team is the bypass actor", "[export]") {
  cli::GithubRulesetOptions opts;
  opts.team_id = 1234567;
  auto all = rulesets(policy::builtin_policy(), opts);
  const json team = json::parse(R"([{"actor_id":1234567,"actor_type":"Team","bypass_mode":"always"}])");
  CHECK(all[0].at("bypass_actors") == team);
  CHECK(all[2].at("bypass_actors") == team);
  CHECK(all[1].at("bypass_actors").empty());

  // A slug alone: the id is not known here, the apply commands look it up.
  cli::GithubRulesetOptions by_slug;
  by_slug.team = "envoyproxy/ai-gateway-maintainers";
  auto slugged = rulesets(policy::builtin_policy(), by_slug);
  CHECK(slugged[0].at("bypass_actors")[0].at("actor_id").is_null());
  auto commands = cli::github_ruleset_commands({}, by_slug);
  CHECK(commands.find("--team-id \"$(gh api 'orgs/envoyproxy/teams/ai-gateway-maintainers' --jq .id)\" --only tags | "
                      "gh api --method POST 'repos/{owner}/{repo}/rulesets' --input -\n") != std::string::npos);
  by_slug.team = "maintainers";
  CHECK(cli::github_ruleset_commands({}, by_slug).find("gh api 'orgs/{owner}/teams/maintainers' --jq .id") !=
        std::string::npos);
}

TEST_CASE("github-ruleset: other names in the policy, other conditions", "[export]") {
  auto pol = policy::parse_policy(R"([branches]
main = "trunk"
release = "stable-{major}.{minor}"
[tags]
final = "rel-{major}.{minor}.{patch}"
rc = "rel-{major}.{minor}.{patch}-rc{rc}"
)",
                                  "relgate.toml", policy::builtin_policy());
  cli::GithubRulesetOptions opts;
  opts.check_name = "release-gate";
  opts.check_app_id = 0;
  auto all = rulesets(pol, opts);
  for (const auto& rs : all) check_documented(rs);
  CHECK(include(all[0]) == std::vector<std::string>{"refs/tags/rel-*"});
  CHECK(include(all[1]) == std::vector<std::string>{"refs/heads/trunk", "refs/heads/stable-*"});
  CHECK(include(all[2]) == std::vector<std::string>{"refs/heads/stable-*"});
  CHECK(all[1].at("rules")[2].at("parameters").at("required_status_checks") ==
        json::parse(R"([{"context":"release-gate"}])"));

  // A template that starts with a number: every placeholder a `*`, and
  // the rc pattern is already covered by the final one.
  auto bare = policy::parse_policy("[tags]\nfinal = \"{major}.{minor}.{patch}\"\nrc = \"{major}.{minor}.{patch}-rc{rc}\"\n",
                                   "relgate.toml", policy::builtin_policy());
  CHECK(include(rulesets(bare)[0]) == std::vector<std::string>{"refs/tags/*.*.*"});
  // rc tags under their own prefix: both patterns.
  auto apart = policy::parse_policy("[tags]\nrc = \"rc/v{major}.{minor}.{patch}-{rc}\"\n", "relgate.toml",
                                    policy::builtin_policy());
  CHECK(include(rulesets(apart)[0]) == std::vector<std::string>{"refs/tags/v*", "refs/tags/rc/v*"});
}

TEST_CASE("github-ruleset: --only prints one ruleset, the request body", "[export]") {
  cli::GithubRulesetOptions opts;
  opts.only = "branch-creation";
  auto one = rulesets(policy::builtin_policy(), opts);
  check_documented(one);
  CHECK(one.at("name") == "relgate: release branch creation");
  opts.only = "tag";
  CHECK_THROWS_AS(cli::github_rulesets(policy::builtin_policy(), opts), Error);
  cli::GithubRulesetOptions unnamed;
  unnamed.check_name = "";
  CHECK_THROWS_WITH(cli::github_rulesets(policy::builtin_policy(), unnamed),
                    "--check-name needs the name of the workflow's job, e.g. relgate");
}
