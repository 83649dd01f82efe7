#pragma once
// `relgate freeze start VERSION | end VERSION | status`: declare, end and
// show the main-branch freeze of the RC phase.

#include "cli/judge.hpp"

#include <string>

namespace relgate::cli {

struct FreezeOptions {
  std::string action;   // start, end, status
  std::string version;  // vX.Y.0 for start and end
  std::string remote; // empty: relgate.remote, else origin (clone_view.hpp)
  bool local = false;   // write the ref in this repository instead of pushing it
};

int run_freeze(const GlobalOptions& global, const FreezeOptions& opts);

} // namespace relgate::cli
