#pragma once
// Turns a Verdict into the lines a person reads mid-push (RULEBOOK "Policy,
// state and output"): rule id and name, ref, why; the commit; hint lines.

#include "policy/engine.hpp"

#include <string>
#include <vector>

namespace relgate::policy {

struct ReportLine {
  Severity severity; // of the violation the line belongs to
  std::string text;
};

// One block per violation, errors first, in push order:
//   relgate: T4 rc-sequence: refs/tags/v0.1.0-rc3: v0.1.0-rc3 skips v0.1.0-rc2 (...)
//     commit 1a2b3c4d5 fix: the subject
//     hint: cut v0.1.0-rc2 instead:
//     hint:   git tag v0.1.0-rc2 1a2b3c4d5
// Warnings lead with "relgate: warning: ". Notes follow as "relgate: note: ".
// `audit_logged`: the caller writes the decision to the audit log (the
// server hooks); elsewhere an override is not claimed to be logged.
std::vector<ReportLine> format_verdict(const Verdict& verdict, bool audit_logged = true);

} // namespace relgate::policy
