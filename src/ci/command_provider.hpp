#pragma once
// The `command` CI provider (RULEBOOK "CI"): runs ci.command.argv with the
// commit id appended, never through a shell, with stdin and stderr on
// /dev/null. Exit 0 is green, 1 red, anything else (or no exit within the
// timeout, when the process group is killed) unknown. The first line of its
// standard output is quoted in the reason.

#include "ci/ci.hpp"

#include <chrono>

namespace relgate::ci {

struct CommandOutcome {
  enum class Kind { exited, signalled, timed_out, not_started } kind = Kind::not_started;
  int code = 0;           // exit status, or the signal
  std::string first_line; // of standard output, at most 200 characters
  std::string error;      // why it did not start
};

// Runs argv until it exits or the deadline passes. Never throws.
CommandOutcome run_command(const std::vector<std::string>& argv, std::chrono::steady_clock::time_point deadline);

// The decision for an outcome (pure): `name` is what the message calls the
// command (its program name), `timeout_ms` only for the wording.
CiResult command_result(const std::string& name, const CommandOutcome& outcome, int timeout_ms);

class CommandProvider final : public Provider {
public:
  CommandProvider(CommandSettings settings, int timeout_ms);
  CiResult status(const repo::ObjectId& commit, const RefLookup& refs_after) const override;

private:
  CommandSettings m_settings;
  int m_timeout_ms;
};

} // namespace relgate::ci
