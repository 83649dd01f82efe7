#pragma once
// The hosting platforms `relgate install --platform` knows, as one table:
// the command line takes its names from it, install and uninstall where each
// puts relgate's hook and which script, doctor --server how it recognises a
// platform's repository and what protects it. A new platform is a row here
// (with its functions in platforms.cpp); a flow of its own (gitolite's steps,
// GHES's script, GitLab's host-wide directory) is install.cpp's, chosen by a
// field of the row.

#include "cli/gitolite.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace relgate::git {
class Libgit2Repository;
}

namespace relgate::cli {

// Where relgate's hook goes and whether a foreign hook there is chained.
struct Target {
  std::string dir;   // with a trailing slash
  std::string file;  // the hook file relgate owns
  bool chain = true; // .d directories run every hook: nothing to chain
};

// Where gitolite runs relgate from (gitolite.hpp): install needs its site,
// refuses what would break it and prints the lines gitolite.conf needs.
enum class GitoliteHook {
  none,          // not gitolite's
  repo_specific, // LOCAL_CODE/hooks/repo-specific (pre-receive) or VREF (update), named in gitolite.conf
  common,        // LOCAL_CODE/hooks/common, linked into every repository (pre-receive only)
};

struct PlatformKind {
  std::string_view name; // the value of --platform
  // The variable that names the pusher there; access.identity_env's default
  // lists each platform's (plain: a web server's authentication; over ssh
  // nothing names the pusher).
  std::string_view identity;
  // Where relgate's `hook` goes in the repository (`site`: its gitolite site,
  // which install has checked is there when the row needs it); nullptr:
  // nowhere in a repository (outside_repository).
  Target (*target)(const git::Libgit2Repository& repo, const std::string& hook,
                   const std::optional<gitolite::Site>& site);
  // The hook script installed as `hook` (before @RELGATE_BIN@ is filled in).
  std::string_view (*script)(const std::string& hook);
  // relgate's hook is the repository's own, in the hooks directory git runs:
  // under gitolite that is gitolite's (install refuses or says so).
  bool own_hooks = false;
  // Push options (overrides, git push -o relgate.override=...) reach the
  // pre-receive hook only if receive.advertisePushOptions is set: install
  // sets it. Elsewhere the platform sets it (GitLab, Gitea, GHES), or
  // gitolite.conf does (the steps install prints).
  bool sets_push_options = false;
  GitoliteHook gitolite = GitoliteHook::none;
  // --custom-hooks-dir: one directory of hooks for every repository the
  // platform serves (GitLab: Gitaly's custom_hooks_dir).
  bool host_wide_hooks = false;
  // Nothing goes into a repository: install writes the script to upload
  // (GHES's pre-receive hooks run in an environment of their own).
  bool outside_repository = false;
  // doctor --server: whether the bare repository `git_dir` (with a trailing
  // slash) is laid out by this platform, as its own files show (nullptr:
  // nothing shows it); and the relgate hook that protects it, "" when none
  // does (`host_wide`: --custom-hooks-dir, without a trailing slash; "").
  bool (*hosts)(const std::string& git_dir) = nullptr;
  std::string (*guard)(const std::string& git_dir, const std::string& host_wide) = nullptr;
};

// Every platform, the default (plain) first.
std::span<const PlatformKind> platform_kinds();
// The row named `name`; nullptr when there is none.
const PlatformKind* find_platform_kind(std::string_view name);
// "plain, gitolite, ... or ghes", as the help says them.
std::string platform_names();
// The error for a name no row has, naming every platform.
std::string unknown_platform(std::string_view name);

} // namespace relgate::cli
