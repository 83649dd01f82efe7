#include "ci/command_provider.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <initializer_list>
#include <thread>

namespace relgate::ci {

namespace {

using Clock = std::chrono::steady_clock;

int ms_left(Clock::time_point deadline) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return ms < 0 ? 0 : static_cast<int>(std::min<long long>(ms, 1 << 30));
}

std::string first_line_of(const std::string& out) {
  std::string line = out.substr(0, out.find('\n'));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  for (char& c : line) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  if (line.size() > 200) line = line.substr(0, 200) + "...";
  return line;
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

} // namespace

CommandOutcome run_command(const std::vector<std::string>& argv, Clock::time_point deadline) {
  CommandOutcome out;
  if (argv.empty() || argv[0].empty()) {
    out.error = "ci.command.argv is empty";
    return out;
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  int out_pipe[2] = {-1, -1}, exec_pipe[2] = {-1, -1};
  int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull < 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(exec_pipe, O_CLOEXEC) != 0) {
    out.error = std::strerror(errno);
    for (int* fd : {&devnull, &out_pipe[0], &out_pipe[1], &exec_pipe[0], &exec_pipe[1]}) close_fd(*fd);
    return out;
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    out.error = std::string("fork: ") + std::strerror(errno);
    for (int* fd : {&devnull, &out_pipe[0], &out_pipe[1], &exec_pipe[0], &exec_pipe[1]}) close_fd(*fd);
    return out;
  }
  if (pid == 0) {
    // The child: its own process group (so a timeout kills what it started
    // too), stdin and stderr on /dev/null, stdout to us. Only
    // async-signal-safe calls until exec.
    ::setpgid(0, 0);
    ::dup2(devnull, 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(devnull, 2);
    ::execvp(args[0], args.data());
    int e = errno;
    ssize_t ignored = ::write(exec_pipe[1], &e, sizeof e);
    (void)ignored;
    ::_exit(127);
  }
  ::setpgid(pid, pid); // also here: no race with the kill below
  for (int* fd : {&devnull, &out_pipe[1], &exec_pipe[1]}) close_fd(*fd);

  // exec either fails (the child writes errno) or closes the pipe (CLOEXEC).
  int exec_errno = 0;
  ssize_t n;
  while ((n = ::read(exec_pipe[0], &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR) {
  }
  close_fd(exec_pipe[0]);
  int status = 0;
  if (n == static_cast<ssize_t>(sizeof exec_errno)) {
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    close_fd(out_pipe[0]);
    out.error = std::strerror(exec_errno);
    return out;
  }

  // Read stdout until EOF, the child's exit or the deadline; a process it
  // left behind holding stdout open does not make us wait.
  std::string output;
  bool exited = false, eof = false;
  char buf[4096];
  while (!eof && !exited) {
    int left = ms_left(deadline);
    if (left == 0) break;
    pollfd p{out_pipe[0], POLLIN, 0};
    int ready = ::poll(&p, 1, std::min(left, 20));
    if (ready > 0) {
      n = ::read(out_pipe[0], buf, sizeof buf);
      if (n > 0) {
        if (output.size() < 65536) output.append(buf, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        eof = true;
      }
    }
    if (::waitpid(pid, &status, WNOHANG) == pid) exited = true;
  }
  if (exited) {
    // What it wrote just before exiting.
    pollfd p{out_pipe[0], POLLIN, 0};
    while (output.size() < 65536 && ::poll(&p, 1, 0) > 0 && (n = ::read(out_pipe[0], buf, sizeof buf)) > 0) {
      output.append(buf, static_cast<std::size_t>(n));
    }
  }
  while (!exited && ms_left(deadline) > 0) {
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  close_fd(out_pipe[0]);
  out.first_line = first_line_of(output);
  if (!exited) {
    ::kill(-pid, SIGKILL);
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    out.kind = CommandOutcome::Kind::timed_out;
    return out;
  }
  if (WIFEXITED(status)) {
    out.kind = CommandOutcome::Kind::exited;
    out.code = WEXITSTATUS(status);
  } else {
    out.kind = CommandOutcome::Kind::signalled;
    out.code = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  }
  return out;
}

CiResult command_result(const std::string& name, const CommandOutcome& o, int timeout_ms) {
  const std::string said = o.first_line.empty() ? std::string() : ": \"" + o.first_line + "\"";
  CiResult r;
  r.provider = "command";
  switch (o.kind) {
  case CommandOutcome::Kind::exited:
    if (o.code == 0) {
      r.status = Status::green;
      r.checks = {{name, CheckState::success, ""}};
      return r;
    }
    if (o.code == 1) {
      r.status = Status::red;
      r.checks = {{name, CheckState::failure, ""}};
      r.reason = name + " exited 1" + said;
      return r;
    }
    return not_green("command", name + " exited " + std::to_string(o.code) + said);
  case CommandOutcome::Kind::signalled:
    return not_green("command", name + " was killed by signal " + std::to_string(o.code) + said);
  case CommandOutcome::Kind::timed_out:
    return not_green("command", name + " did not finish within " + std::to_string(timeout_ms) + " ms" + said);
  case CommandOutcome::Kind::not_started:
    break;
  }
  return not_green("command", "cannot run " + name + ": " + o.error);
}

CommandProvider::CommandProvider(CommandSettings settings, int timeout_ms)
    : m_settings(std::move(settings)), m_timeout_ms(timeout_ms) {}

CiResult CommandProvider::status(const repo::ObjectId& commit, const RefLookup&) const {
  try {
    auto deadline = Clock::now() + std::chrono::milliseconds(m_timeout_ms);
    auto argv = m_settings.argv;
    std::string name = argv.empty() ? std::string("command") : argv[0].substr(argv[0].rfind('/') + 1);
    argv.push_back(commit);
    return command_result(name, run_command(argv, deadline), m_timeout_ms);
  } catch (const std::exception& e) {
    return not_green("command", e.what());
  }
}

} // namespace relgate::ci
