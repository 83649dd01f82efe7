#pragma once
// The one place relgate starts other programs. A program is an argv, looked
// up in PATH and never run through a shell. Every system call a signal can
// interrupt (EINTR) is retried or, while waiting for output, the wait goes
// on; a signal never ends a run early or loses output.

#include <chrono>
#include <cstddef>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace relgate::process {

using Clock = std::chrono::steady_clock;

struct Options {
  bool null_stdin = false;     // stdin from /dev/null (else relgate's)
  // stdin reads this text (from a memory file, so the program reads it at
  // its own pace and may leave it unread). Wins over null_stdin.
  std::optional<std::string> input;
  bool capture_stdout = false; // into Result::out (else relgate's stdout)
  bool null_stderr = false;    // stderr to /dev/null (else relgate's)
  // At most this many bytes of stdout are kept; the rest is read and
  // dropped, so the program is never blocked on a full pipe.
  std::size_t max_output = std::numeric_limits<std::size_t>::max();
  // When it passes and the program has not exited, it is killed (SIGKILL)
  // and the run ends as timed_out. Without one, the run waits.
  std::optional<Clock::time_point> deadline;
  // The program leads a process group of its own, so the deadline kills
  // whatever it started too.
  bool own_process_group = false;
  // Changes to relgate's environment for the program: a value sets the
  // variable, nullopt removes it. PATH lookup uses relgate's own PATH.
  std::map<std::string, std::optional<std::string>> environment;
};

struct Result {
  enum class Kind { exited, signalled, timed_out, not_started } kind = Kind::not_started;
  int code = 0;      // the exit status, or the signal that killed it
  std::string out;   // captured stdout, as far as read (timed_out too)
  std::string error; // why it did not start (strerror's text)

  bool succeeded() const { return kind == Kind::exited && code == 0; }
};

// Runs argv and waits until it exits or the deadline passes. Reading stdout
// stops when the program exits: a process it left behind holding stdout
// open does not keep the run waiting. Never throws for the program's sake
// (only std::bad_alloc).
Result run(const std::vector<std::string>& argv, const Options& options = {});

// Runs argv with relgate's stdin, stdout and stderr and waits: its exit
// status, 128 + the signal when killed (as a shell reports it). Throws
// Error when it cannot be started.
int call(const std::vector<std::string>& argv);

// The standard output of argv (stdin and stderr are relgate's); nullopt
// when it cannot be started or does not exit 0.
std::optional<std::string> output(const std::vector<std::string>& argv);

} // namespace relgate::process
