#pragma once
// `relgate next [rc|final|branch|patch|backport <commit>] [--line X.Y] [--remote R]`:
// the next correct tag or branch and the exact git commands of that
// RELEASES.md step, or why there is none now. `backport <commit>`: how to
// bring a commit of main to the release branches of the supported lines.

#include "cli/judge.hpp"

#include <string>

namespace relgate::cli {

struct NextOptions {
  std::string step;   // rc, final, branch, patch or backport; empty: every step allowed now
  std::string commit; // backport: the commit on main to backport
  std::string line;   // "0.5"; empty: every line
  std::string remote; // empty: relgate.remote, else origin (clone_view.hpp)
  std::string format = "text"; // or json (not for backport)
};

// 0 when a step can be taken now (and was printed), 1 when none can.
int run_next(const GlobalOptions& global, const NextOptions& opts);

} // namespace relgate::cli
