#pragma once
// `relgate audit [--since DATE] [--format text|json] [--ci] [--remote R]`:
// replays the repository's history through the engine as if every event had
// been pushed under the current policy, in time order, and reports what the
// policy would have said (policy/replay.hpp rebuilds and judges the
// history), and the follow-ups open for the releases (policy/follow_ups.hpp).

#include "cli/judge.hpp"

#include <string>

namespace relgate::cli {

struct AuditOptions {
  std::string since;           // DATE: judge only events from then on
  std::string format = "text"; // text or json (JSON Lines: one object per finding and commit)
  std::string remote; // empty: relgate.remote, else origin (clone_view.hpp)
  bool ci = false;
};

// 0: no finding; 1: findings (errors or warnings).
int run_audit(const GlobalOptions& global, const AuditOptions& opts);

} // namespace relgate::cli
