#include "cli/freeze_command.hpp"

#include "cli/clone_view.hpp"
#include "git/libgit2_repository.hpp"
#include "policy/freeze.hpp"
#include "policy/overview.hpp"
#include "policy/policy_loader.hpp"
#include "util/error.hpp"
#include "util/process.hpp"
#include "util/text.hpp"

#include <ctime>
#include <iostream>

namespace relgate::cli {

namespace {

std::string date_of(std::int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string today() { return date_of(static_cast<std::int64_t>(std::time(nullptr))); }

void print_announcement(const std::string& release, const std::string& main, const std::string& since) {
  std::cout << "\nAnnouncement (paste it to the community):\n\n"
            << "  The " << main << " branch is frozen for " << release << " since " << since << ".\n"
            << "  Release candidates are cut from " << main << " until " << release << " is released.\n"
            << "  Until then " << main << " accepts only bug fixes, security fixes and documentation changes;\n"
            << "  features wait on their branches. If a change must go in, ask a maintainer for an exception.\n";
}

policy::Version parse_version(const policy::Policy& pol, const std::string& text) {
  auto v = pol.final_tag.match(text);
  if (!v || v->patch != 0) {
    throw Error("\"" + text + "\" is not a release to freeze for: give its final tag, e.g. " +
                pol.final_tag.render({0, 5, 0, {}}));
  }
  return *v;
}

int status(const git::Libgit2Repository& repo, const policy::Policy& pol, const std::string& remote) {
  auto refs = clone_refs(repo, pol, remote, true);
  if (auto age = view_age(repo, remote)) std::cout << "(" << *age << ")\n";
  policy::ReleaseState state(refs, pol);
  auto reasons = policy::freeze_reasons(state, refs, pol);
  if (reasons.empty()) {
    std::cout << pol.main_branch << " is not frozen: no line is in its RC phase and no freeze is declared.\n";
    return 0;
  }
  std::cout << pol.main_branch << " is frozen:\n";
  std::string since;
  for (const auto& r : reasons) {
    auto commit = repo.peel_to_commit(r.target);
    std::string when = commit ? date_of(repo.commit(*commit).time) : "?";
    if (since.empty() || when < since) since = when;
    std::cout << "  - " << r.because << " (since " << when << "); it ends when " << r.release << " is tagged\n";
  }
  std::cout << "Allowed on " << pol.main_branch << " meanwhile: " << policy::describe_allowed(pol) << ".\n";
  print_announcement(reasons.front().release, pol.main_branch, since);
  return 0;
}

int change(git::Libgit2Repository& repo, const policy::Policy& pol, const FreezeOptions& opts, bool start) {
  auto v = parse_version(pol, opts.version);
  const std::string release = pol.final_tag.render(v);
  const std::string ref = pol.freeze.ref.render(v);
  const std::string remote = view_remote(repo, opts.remote);
  auto refs = clone_refs(repo, pol, remote, true);
  policy::ReleaseState state(refs, pol);
  if (start) {
    if (const auto* ls = state.line(v.line()); ls && ls->released()) {
      throw Error(release + " is already released; there is nothing to freeze for");
    }
    // A typo (v0.3.0 for v0.2.0) would keep main frozen after the release.
    if (auto next = policy::freezable_line(state); v.line() != next) {
      throw Error("only the next release can be frozen for: that is " + pol.final_tag.render({next.major, next.minor, 0, {}}) +
                  ", not " + release + " (relgate freeze start " + pol.final_tag.render({next.major, next.minor, 0, {}}) + ")");
    }
  }
  const bool local = opts.local || repo.is_bare();
  if (local) {
    if (start) {
      auto main = refs.find(pol.main_ref());
      if (main == refs.end()) throw Error("this repository has no " + pol.main_ref() + " to freeze");
      repo.write_ref(ref, main->second, "relgate freeze start " + release);
      std::cout << "relgate: created " << ref << " at " << repo::short_id(main->second) << '\n';
    } else {
      repo.delete_ref(ref);
      std::cout << "relgate: deleted " << ref << '\n';
    }
  } else {
    if (remote.empty()) throw Error("no remote to push the declaration to: name one with --remote, or use --local");
    const std::string tracking = "refs/remotes/" + remote + "/" + pol.main_branch;
    std::vector<std::vector<std::string>> commands;
    if (start) {
      commands = {{"git", "fetch", remote, pol.main_branch},
                  {"git", "push", remote, tracking + ":" + ref}};
    } else {
      commands = {{"git", "push", remote, ":" + ref}};
    }
    for (const auto& argv : commands) {
      const std::string shown = join(argv, " ", shell_quote);
      std::cout << "relgate: running " << shown << std::endl;
      int rc = process::call(argv);
      // A refused push is the server's verdict (F2, shown above by git),
      // not an error of relgate's: exit 1, as for any refusal.
      if (rc != 0 && argv[1] == "push") {
        std::cerr << "relgate: " << remote << " refused the " << (start ? "declaration" : "end of the freeze")
                  << " (see above); nothing changed\n";
        return 1;
      }
      if (rc != 0) throw Error(shown + " failed (exit " + std::to_string(rc) + ")");
    }
    // Keep the local copy (and install's mirror) in step, so `relgate
    // freeze status` agrees before the next fetch.
    std::vector<std::string> copies = {ref};
    if (is_mirrored(repo, remote)) copies.push_back(mirror_dir(remote) + ref.substr(5));
    for (const auto& copy : copies) {
      if (start) {
        auto tip = repo.refs(tracking);
        if (!tip.empty()) repo.write_ref(copy, tip.front().target, "relgate freeze start " + release);
      } else {
        repo.delete_ref(copy);
      }
    }
  }
  if (start) {
    std::cout << "relgate: " << pol.main_branch << " is frozen for " << release
              << ". Allowed meanwhile: " << policy::describe_allowed(pol) << ".\n";
    print_announcement(release, pol.main_branch, today());
  } else {
    std::cout << "relgate: the declared freeze for " << release << " is over"
              << " (an rc of the line without its final tag keeps main frozen).\n";
  }
  return 0;
}

} // namespace

int run_freeze(const GlobalOptions& global, const FreezeOptions& opts) {
  auto repo = git::Libgit2Repository::open(global.repo_dir);
  policy::Policy pol = load_policy(global, *repo);
  if (opts.action == "status") return status(*repo, pol, view_remote(*repo, opts.remote));
  if (opts.action == "start") return change(*repo, pol, opts, true);
  if (opts.action == "end") return change(*repo, pol, opts, false);
  throw Error("unknown freeze action \"" + opts.action + "\" (use start, end or status)");
}

} // namespace relgate::cli
