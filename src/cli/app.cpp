#include "cli/app.hpp"

#include "cli/ci_command.hpp"
#include "cli/freeze_command.hpp"
#include "cli/next_command.hpp"
#include "cli/pr_command.hpp"
#include "cli/status_command.hpp"
#include "cli/audit_command.hpp"
#include "cli/export_command.hpp"
#include "cli/install.hpp"
#include "cli/judge.hpp"
#include "cli/platforms.hpp"
#include "cli/server_doctor.hpp"
#include "git/libgit2_repository.hpp"
#include "util/embedded.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>
#include <memory>

namespace relgate::cli {

namespace {

// CLI11's wording of an unknown subcommand, turned into a suggestion.
std::string did_you_mean(const CLI::App& app, int argc, char** argv) {
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.empty() || arg[0] == '-') continue;
    bool known = false;
    for (const auto& n : names) known = known || n == arg;
    if (known) return {};
    auto best = closest_match(arg, names);
    return "unknown command \"" + arg + "\"" + (best.empty() ? "" : ", did you mean \"" + best + "\"?") +
           " (relgate --help lists the commands)";
  }
  return {};
}

// Each add_*_commands registers one group of commands, their options and
// what they run. Every command is registered in this file, so CLI11
// (header-only) is compiled once.

// The hooks: pre-receive, update, pre-push, and pre-commit (pre-push under
// the pre-commit framework).
void add_hook_commands(CLI::App& app, GlobalOptions& global, int& exit_code) {
  struct HookArgs {
    bool refused = false;
    std::string chained, ref, old_id, new_id, remote, url;
  };
  auto args = std::make_shared<HookArgs>();
  const char* refused_help =
      "(for hook scripts from before --chained) a hook chained after relgate refused the push it accepted";
  const char* chained_help = "The hook that was here before relgate's: run after relgate accepts, with the same "
                             "input; its exit status counts, and the audit log records it";
  auto* pre_receive = app.add_subcommand("pre-receive", "Server hook: judge a whole push (git's pre-receive input on stdin)");
  pre_receive->add_flag("--refused", args->refused, refused_help);
  pre_receive->add_option("--chained", args->chained, chained_help);
  pre_receive->callback([&global, &exit_code, args] {
    run_state().side = Side::server;
    exit_code = run_pre_receive(global, args->refused, args->chained);
  });

  auto* update = app.add_subcommand("update", "Server hook: judge one ref update (REF OLD NEW)");
  update->add_option("ref", args->ref, "Full ref name")->required();
  update->add_option("old", args->old_id, "Old object id")->required();
  update->add_option("new", args->new_id, "New object id")->required();
  update->add_flag("--refused", args->refused, refused_help);
  update->add_option("--chained", args->chained, chained_help);
  update->callback([&global, &exit_code, args] {
    run_state().side = Side::server;
    exit_code = run_update(global, args->ref, args->old_id, args->new_id, args->refused, args->chained);
  });

  auto* pre_push = app.add_subcommand("pre-push", "Client hook: judge a push before it leaves (REMOTE URL, git's input on stdin)");
  pre_push->add_option("remote", args->remote, "Remote name")->required();
  pre_push->add_option("url", args->url, "Remote URL");
  pre_push->callback([&global, &exit_code, args] {
    run_state().side = Side::client;
    exit_code = run_pre_push(global, args->remote, args->url);
  });

  auto* pre_commit = app.add_subcommand("pre-commit", "pre-push under the pre-commit framework (reads PRE_COMMIT_* variables)");
  pre_commit->callback([&global, &exit_code] {
    run_state().side = Side::client;
    exit_code = run_pre_commit(global);
  });
}

// `check` and `pr`: updates and pull requests judged on demand (CI, a person).
void add_judging_commands(CLI::App& app, GlobalOptions& global, int& exit_code) {
  struct CheckArgs {
    std::vector<std::string> updates;
    std::string remote;
  };
  auto check_args = std::make_shared<CheckArgs>();
  auto* check = app.add_subcommand(
      "check", "Judge given updates (a push that happened, or would) against the remote's state: REF OLD NEW [...]");
  check->add_option("updates", check_args->updates, "REF OLD NEW triples; 0 for a missing old or new")->required();
  check->add_option("--remote", check_args->remote,
                    "In a clone or CI checkout, the remote whose state counts (default: relgate.remote or origin, "
                    "when its tracking refs exist)");
  check->callback(
      [&global, &exit_code, check_args] { exit_code = run_check(global, check_args->updates, check_args->remote); });

  auto pr_opts = std::make_shared<PrOptions>();
  auto* pr = app.add_subcommand(
      "pr", "Judge a pull or merge request as the update its merge would make (GitHub Actions, GitLab, or options)");
  pr->add_option("--base", pr_opts->base, "Any other CI: the branch the pull request merges into");
  pr->add_option("--title", pr_opts->title, "Any other CI: the pull request's title");
  pr->add_option("--body", pr_opts->body, "Any other CI: the pull request's description");
  pr->add_option("--number", pr_opts->number, "Any other CI: the pull request's number");
  pr->add_option("--head", pr_opts->head, "Any other CI: the pull request's head commit (any revision)");
  pr->add_option("--platform", pr_opts->platform, "With options: github (squash subject \"title (#N)\") or gitlab")
      ->check(CLI::IsMember({"github", "gitlab"}));
  pr->add_option("--report", pr_opts->report, "Write a JUnit XML report here (GitLab: artifacts: reports: junit)");
  pr->add_option("--remote", pr_opts->remote, "The remote whose refs count (default: relgate.remote, else origin)");
  pr->add_flag("--no-fetch", pr_opts->no_fetch, "Do not fetch tags, freeze declarations and the policy ref first");
  pr->callback([&global, &exit_code, pr_opts] { exit_code = run_pr(global, *pr_opts); });
}

// `freeze`, `status`, `next` and `audit`: the release process, for people.
void add_release_commands(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto freeze_opts = std::make_shared<FreezeOptions>();
  auto* freeze = app.add_subcommand("freeze", "Declare, end or show the freeze of main: start VERSION | end VERSION | status");
  freeze->add_option("action", freeze_opts->action, "start, end or status")
      ->required()
      ->check(CLI::IsMember({"start", "end", "status"}));
  freeze->add_option("version", freeze_opts->version, "The release the freeze is for, e.g. v0.5.0");
  freeze->add_option("--remote", freeze_opts->remote,
                     "Remote to push the declaration to and read from (default: relgate.remote, else origin)");
  freeze->add_flag("--local", freeze_opts->local,
                   "Write the declaration in this repository (default in a bare repository)");
  freeze->callback([&global, &exit_code, freeze_opts] {
    if (freeze_opts->action != "status" && freeze_opts->version.empty()) {
      throw Error("freeze " + freeze_opts->action + " needs the release, e.g. relgate freeze " + freeze_opts->action +
                  " v0.5.0");
    }
    exit_code = run_freeze(global, *freeze_opts);
  });

  auto status_opts = std::make_shared<StatusOptions>();
  auto* status = app.add_subcommand("status", "Where the release process stands: lines, phases, freeze, next steps, cadence");
  status->add_option("--format", status_opts->format, "text or json (default: text)")
      ->check(CLI::IsMember({"text", "json"}));
  status->add_option("--remote", status_opts->remote,
                     "In a clone, the remote whose state to show (default: relgate.remote, else origin)");
  status->callback([&global, &exit_code, status_opts] { exit_code = run_status(global, *status_opts); });

  auto next_opts = std::make_shared<NextOptions>();
  auto* next = app.add_subcommand("next", "The next correct tag or branch and the git commands of that step: [rc|final|branch|patch|backport COMMIT]");
  next->add_option("step", next_opts->step, "rc, final, branch, patch or backport (default: every step allowed now)")
      ->check(CLI::IsMember({"rc", "final", "branch", "patch", "backport"}));
  next->add_option("commit", next_opts->commit, "backport: the commit on main to backport");
  next->add_option("--line", next_opts->line, "Only this release line, e.g. 0.5");
  next->add_option("--format", next_opts->format, "text or json (default: text; next backport: text only)")
      ->check(CLI::IsMember({"text", "json"}));
  next->add_option("--remote", next_opts->remote,
                   "The remote whose state counts and the commands push to (default: relgate.remote, else origin)");
  next->callback([&global, &exit_code, next_opts] { exit_code = run_next(global, *next_opts); });

  auto audit_opts = std::make_shared<AuditOptions>();
  auto* audit = app.add_subcommand("audit", "Replay the history through the policy and report what it would have refused");
  audit->add_option("--since", audit_opts->since, "Judge only events from this date on (YYYY-MM-DD)");
  audit->add_option("--format", audit_opts->format, "text or json (JSON Lines, one finding per line)")
      ->check(CLI::IsMember({"text", "json"}));
  audit->add_option("--remote", audit_opts->remote,
                    "In a clone, the remote whose history to audit (default: relgate.remote, else origin)");
  audit->add_flag("--ci", audit_opts->ci, "Also judge T8: ask the CI provider about each patch tag as it is now");
  audit->callback([&global, &exit_code, audit_opts] { exit_code = run_audit(global, *audit_opts); });
}

// `export github-ruleset`: the policy in another tool's format.
void add_export_commands(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto ruleset_opts = std::make_shared<GithubRulesetOptions>();
  auto* export_cmd = app.add_subcommand("export", "The policy in another tool's format: github-ruleset");
  export_cmd->require_subcommand(1);
  auto* ruleset = export_cmd->add_subcommand(
      "github-ruleset", "GitHub repository rulesets (REST API JSON) for the release tags and branches, and the gh api commands");
  ruleset->add_option("--team", ruleset_opts->team,
                      "The maintainers' team, ORG/SLUG or SLUG: the apply commands look up its id");
  ruleset
      ->add_option("--team-id", ruleset_opts->team_id,
                   "The maintainers' team's id (gh api orgs/ORG/teams/SLUG --jq .id)")
      ->check(CLI::PositiveNumber);
  ruleset->add_option("--check-name", ruleset_opts->check_name, "The required status check (default: relgate)");
  ruleset
      ->add_option("--check-app-id", ruleset_opts->check_app_id,
                   "The app the check must come from (default: 15368, GitHub Actions; 0: any)")
      ->check(CLI::NonNegativeNumber);
  ruleset->add_option("--only", ruleset_opts->only, "One ruleset, as one object: tags, branches or branch-creation")
      ->check(CLI::IsMember({"tags", "branches", "branch-creation"}));
  ruleset->callback(
      [&global, &exit_code, ruleset_opts] { exit_code = run_export_github_ruleset(global, *ruleset_opts); });
}

// `ci record` and `ci status`.
void add_ci_commands(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto* ci = app.add_subcommand("ci", "CI results: record COMMIT CHECK STATE (for CI jobs) | status COMMIT");
  ci->require_subcommand(1);

  auto record_opts = std::make_shared<CiRecordOptions>();
  auto* record = ci->add_subcommand("record", "Record a check's state for a commit on the CI notes ref");
  record->add_option("commit", record_opts->commit, "The commit (any revision)")->required();
  record->add_option("check", record_opts->check, "The check's name, one word")->required();
  record->add_option("state", record_opts->state, "success, failure, pending, skipped or cancelled")->required();
  record->add_option("--url", record_opts->url, "Where the check's run can be seen");
  record->add_option("--push", record_opts->push_remote,
                     "Push the notes ref to this remote (merging concurrent updates)");
  record->callback([&global, &exit_code, record_opts] { exit_code = run_ci_record(global, *record_opts); });

  auto status_commit = std::make_shared<std::string>();
  auto* status = ci->add_subcommand("status", "Show what relgate decides about a commit's CI, and why (exit 0: green)");
  status->add_option("commit", *status_commit, "The commit (any revision)")->required();
  status->callback([&global, &exit_code, status_commit] { exit_code = run_ci_status(global, *status_commit); });
}

// `install`, `uninstall` and `doctor`.
void add_install_commands(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto install_opts = std::make_shared<InstallOptions>();
  std::vector<std::string> platforms;
  for (const auto& kind : platform_kinds()) platforms.emplace_back(kind.name);
  // install and uninstall take the same options; the texts say which.
  auto add_install_options = [&](CLI::App* cmd, bool installing) {
    const std::string verb = installing ? "install" : "remove";
    cmd->add_option("--hook", install_opts->hook,
                    "The hook to " + verb + ": pre-push, pre-receive or update (default: by repository kind)");
    cmd->add_option("--platform", install_opts->platform,
                    "Server layout: " + platform_names() + " (default: " + std::string(platform_kinds().front().name) +
                        ")")
        ->check(CLI::IsMember(platforms));
    cmd->add_option(
        "--remote", install_opts->remote,
        installing
            ? "Client: the canonical remote, whose pushes are judged and whose refs are mirrored (default: origin)"
            : "Client: the remote given to install (default: origin); every remote's relgate refspecs go");
    cmd->add_flag("--server", install_opts->server,
                  installing ? "Install the server hook (the repository must be bare)"
                             : "Remove the server hook (the repository must be bare)");
    cmd->add_flag("--dry-run", install_opts->dry_run, "Say exactly what would be done, change nothing");
    cmd->add_option(
        "--custom-hooks-dir", install_opts->custom_hooks_dir,
        "GitLab: Gitaly's custom_hooks_dir, for every repository it serves (with --platform gitlab, no --repo)");
  };
  auto* install = app.add_subcommand("install", "Install relgate's hook: pre-push in a clone, pre-receive in a bare repository");
  add_install_options(install, true);
  install->callback([&global, &exit_code, install_opts] { exit_code = run_install(global, *install_opts); });
  auto* uninstall = app.add_subcommand("uninstall", "Remove relgate's hook and put back what was there before");
  add_install_options(uninstall, false);
  uninstall->callback([&global, &exit_code, install_opts] { exit_code = run_uninstall(global, *install_opts); });
  auto* doctor = app.add_subcommand("doctor", "Say what is installed where, which policy is in force, and what is wrong");
  auto server_root = std::make_shared<std::string>();
  doctor->add_option(
      "--server", *server_root,
      "A repositories root: list its bare repositories that relgate does not protect, with the command for each");
  doctor->add_option("--custom-hooks-dir", install_opts->custom_hooks_dir,
                     "With --server: Gitaly's custom_hooks_dir, whose relgate hook protects every GitLab repository");
  doctor->callback([&global, &exit_code, install_opts, server_root] {
    exit_code =
        server_root->empty() ? run_doctor(global) : run_server_doctor(*server_root, install_opts->custom_hooks_dir);
  });
}

// Parses argv, which runs the chosen command's callback. false: help or the
// version was asked for, and printed. A mistake in argv throws
// relgate::Error, in relgate's words, with a suggestion or where the usage is.
bool parse_and_run(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return false;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return false;
  } catch (const CLI::CallForVersion&) {
    // The second line says whether a security update of libgit2 or re2
    // needs a rebuild (linked statically) or reaches relgate by itself.
    std::cout << "relgate " << k_version << '\n'
              << "libgit2 " << git::libgit2_version() << " and re2, linked " << k_linking << "; built with "
              << k_built_with << '\n';
    return false;
  } catch (const CLI::ParseError& e) {
    auto suggestion = did_you_mean(app, argc, argv);
    // Point to the help of the command that was being used.
    std::string command = "relgate";
    for (const CLI::App* sub = &app; sub && !sub->get_subcommands().empty();) {
      sub = sub->get_subcommands().front();
      command += " " + sub->get_name();
    }
    // CLI11's wording, in relgate's: "A subcommand is required", "updates is required".
    std::string what = e.what();
    if (what == "A subcommand is required") what = "a command is missing";
    else if (auto at = what.rfind(" is required"); at != std::string::npos && at + 12 == what.size())
      what = "missing " + what.substr(0, at);
    throw Error(suggestion.empty() ? what + " (" + command + " --help shows the usage)" : suggestion);
  }
  return true;
}

} // namespace

RunState& run_state() {
  static RunState state;
  return state;
}

std::string gitlab_error_prefix() {
  const char* gl = std::getenv("GL_ID");
  return gl && *gl ? std::string(k_gitlab_error_prefix) : std::string();
}

int run(int argc, char** argv) {
  CLI::App app{"relgate: git hooks that enforce a project's release process (RELEASES.md) at push time."};
  app.name("relgate"); // the usage line names the program, not its build path
  app.set_version_flag("--version", std::string("relgate ") + k_version);
  app.require_subcommand(1);
  app.fallthrough();

  GlobalOptions global;
  app.add_option("--config", global.config,
                 "A host configuration file, read last (after /etc/relgate/relgate.toml and the git directory's "
                 "relgate.toml; the versioned policy at refs/meta/relgate decides the repository's keys; README: "
                 "The policy)");
  app.add_option("--repo", global.repo_dir,
                 "Repository (default: found as git finds it, from GIT_DIR or the current directory)");

  // In the order `relgate --help` lists them.
  int exit_code = 0;
  add_hook_commands(app, global, exit_code);
  add_judging_commands(app, global, exit_code);
  add_release_commands(app, global, exit_code);
  add_export_commands(app, global, exit_code);
  add_ci_commands(app, global, exit_code);
  add_install_commands(app, global, exit_code);
  if (!parse_and_run(app, argc, argv)) return 0;
  return exit_code;
}

} // namespace relgate::cli
