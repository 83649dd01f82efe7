#pragma once
// `relgate install`, `uninstall` and `doctor`: put relgate's hook where git
// (or the hosting platform) runs it, keep a hook that was there before
// running (chained), take it all back byte for byte, and say what is where.

#include "cli/judge.hpp"

#include <string>
#include <string_view>

namespace relgate::cli {

// The line every hook script relgate installs carries (doctor looks for it).
inline constexpr std::string_view k_hook_marker = "relgate-managed-hook";

struct InstallOptions {
  std::string hook;               // "pre-push", "pre-receive" or "update"; empty: by repository kind
  std::string platform = "plain"; // server layout: a platform_kinds() name (platforms.hpp)
  std::string remote = "origin";  // client: the remote that gets the policy ref's fetch refspec
  std::string custom_hooks_dir;   // gitlab: Gitaly's [hooks] custom_hooks_dir (every repository); no --repo
  bool server = false;            // --server: the repository must be bare
  bool dry_run = false;
};

// Each returns the exit code and prints what it did (or, with dry_run,
// exactly what it would do).
int run_install(const GlobalOptions& global, const InstallOptions& opts);
int run_uninstall(const GlobalOptions& global, const InstallOptions& opts);
// 0 when everything is in order, 1 when something is wrong (each said).
int run_doctor(const GlobalOptions& global);

} // namespace relgate::cli
