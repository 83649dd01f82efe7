#pragma once
// Runs a program with an argv (never through a shell), inheriting stdio.

#include <string>
#include <vector>

namespace relgate::cli {

// Returns the exit status (128+signal when killed). Throws Error when the
// program cannot be started.
int run_program(const std::vector<std::string>& argv);

} // namespace relgate::cli
