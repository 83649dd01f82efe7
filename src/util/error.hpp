#pragma once
// The one error model of relgate: library code throws relgate::Error with a
// message a person can act on; main.cpp is the only place that catches it and
// prints `relgate: error: <message>` (exit code 2).

#include <stdexcept>
#include <string>

namespace relgate {

class Error : public std::runtime_error {
public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Exit codes of every command (RULEBOOK "Policy, state and output").
inline constexpr int k_exit_accepted = 0;
inline constexpr int k_exit_rejected = 1;
inline constexpr int k_exit_error = 2;

} // namespace relgate
