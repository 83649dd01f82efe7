#pragma once
// `relgate install`: puts relgate's hook into a repository, keeping a hook
// that was there before running (chained).

#include <string>

namespace relgate::cli {

struct InstallOptions {
  std::string repo_dir;  // empty: the repository of the current directory
  std::string hook;      // "pre-push", "pre-receive" or "update"; empty: by repository kind
  bool dry_run = false;
};

// Returns the exit code. Prints what it did (or would do).
int run_install(const InstallOptions& opts);

} // namespace relgate::cli
