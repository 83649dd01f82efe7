#pragma once
// `relgate status [--format text|json] [--remote R]`: every release line with
// its phase, whether main is frozen and why, the next step of each line, and
// the cadence (a release every calendar month, a stable one every three).

#include "cli/judge.hpp"

#include <cstdint>
#include <string>

namespace relgate::cli {

struct StatusOptions {
  std::string format = "text"; // text or json
  std::string remote; // empty: relgate.remote, else origin (clone_view.hpp)
};

int run_status(const GlobalOptions& global, const StatusOptions& opts);

// Now, in seconds since the epoch; RELGATE_NOW=<seconds> fixes it (tests).
std::int64_t now_seconds();

} // namespace relgate::cli
