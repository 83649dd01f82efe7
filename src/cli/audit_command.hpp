#pragma once
// `relgate audit [--since DATE] [--format text|json] [--ci] [--remote R]`:
// replays the repository's history through the engine as if every event had
// been pushed under the current policy, in time order, and reports what the
// policy would have said.
//
// Events: every tag's creation (tagger date; the commit date of a
// lightweight tag); every release branch's creation at its fork point from
// main (not before its final tag) and each commit after it on its first-parent
// line; main's commits in each freeze window (rc1..final of a line, rc1..main
// while the line is in its RC phase). Each is judged by policy::judge with
// the refs as they were then (tags and branches made earlier; main at the
// newest commit of its first-parent line made by then, or, for a window
// commit, at the commit's parent).
//
// Not replayed: who pushed (A1, A2, F2 are off), declared freezes
// (refs/freeze/* keep no history), and CI results (T8) unless --ci asks the
// configured provider about every patch tag as it is now.

#include "cli/judge.hpp"

#include <string>

namespace relgate::cli {

struct AuditOptions {
  std::string since;           // DATE: judge only events from then on
  std::string format = "text"; // text or json (JSON Lines: one object per finding and commit)
  std::string remote = "origin";
  bool ci = false;
};

// 0: no finding; 1: findings (errors or warnings).
int run_audit(const GlobalOptions& global, const AuditOptions& opts);

} // namespace relgate::cli
