#pragma once
// The command line: parses argv into one of relgate's subcommands and runs
// it. Returns the exit code; throws relgate::Error for main() to print.

#include <string>
#include <string_view>

namespace relgate::cli {

int run(int argc, char** argv);

// Which side of a push the running command judges, for main() to say what an
// error means there: the server refuses the push (fail closed); the client
// stops it too, unless the policy says fail_open_on_error.
enum class Side { other, server, client };
struct RunState {
  Side side = Side::other;
  bool fail_open = false; // set once the client's policy has loaded and asks for it
};
RunState& run_state();

// GitLab shows the pusher a hook's output only from lines that start with
// this; its hooks run with GL_ID set. Refusals and errors carry it there.
inline constexpr std::string_view k_gitlab_error_prefix = "GL-HOOK-ERR: ";
// k_gitlab_error_prefix under GitLab (GL_ID set and not empty), else "".
std::string gitlab_error_prefix();

} // namespace relgate::cli
