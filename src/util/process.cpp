#include "util/process.hpp"

#include "util/error.hpp"
#include "util/fd.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;

namespace relgate::process {

namespace {

// What is read of stdout after the program exited: what it wrote just
// before (a pipe holds 64 KiB), not what a process it left behind keeps
// writing.
constexpr std::size_t k_drain_bytes = std::size_t{1} << 20;
// How long one wait for output lasts before the exit and the deadline are
// checked again.
constexpr int k_poll_ms = 20;

int ms_left(Clock::time_point deadline) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return ms < 0 ? 0 : static_cast<int>(std::min<long long>(ms, 1 << 30));
}

ssize_t read_some(int fd, char* buf, std::size_t size) {
  ssize_t n;
  while ((n = ::read(fd, buf, size)) < 0 && errno == EINTR) {
  }
  return n;
}

// Whether `pid` has ended (its status in `status`); `block` waits for it.
bool reap(pid_t pid, int& status, bool block) {
  pid_t r;
  while ((r = ::waitpid(pid, &status, block ? 0 : WNOHANG)) < 0 && errno == EINTR) {
  }
  return r == pid;
}

// The environment for the child: relgate's, with `changes` applied.
std::vector<std::string> child_environment(const std::map<std::string, std::optional<std::string>>& changes) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string entry = *e;
    if (!changes.count(entry.substr(0, entry.find('=')))) env.push_back(std::move(entry));
  }
  for (const auto& [name, value] : changes) {
    if (value) env.push_back(name + "=" + *value);
  }
  return env;
}

std::vector<char*> pointers(const std::vector<std::string>& strings) {
  std::vector<char*> p;
  for (const auto& s : strings) p.push_back(const_cast<char*>(s.c_str()));
  p.push_back(nullptr);
  return p;
}

// posix_spawn's attributes and file actions, destroyed with it.
class SpawnSetup {
public:
  SpawnSetup() {
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;

  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
};

// Reads stdout until EOF, the program's exit or the deadline; true when it
// exited (its status in `status`).
bool read_until_exit(pid_t pid, const Fd& out, const Options& options, std::string& text, int& status) {
  char buf[4096];
  auto keep = [&](ssize_t n) {
    std::size_t room = options.max_output - std::min(options.max_output, text.size());
    text.append(buf, std::min(room, static_cast<std::size_t>(n)));
  };
  for (;;) {
    int wait_ms = k_poll_ms;
    if (options.deadline) {
      wait_ms = std::min(wait_ms, ms_left(*options.deadline));
      if (wait_ms == 0) return false;
    }
    pollfd p{out.get(), POLLIN, 0};
    // An interrupted poll is a wait that ended early: the loop goes on.
    if (::poll(&p, 1, wait_ms) > 0) {
      ssize_t n = read_some(out.get(), buf, sizeof buf);
      if (n > 0) {
        keep(n);
      } else {
        break; // EOF (or a pipe that cannot be read): wait for the exit
      }
    }
    if (reap(pid, status, false)) {
      // What it wrote just before exiting.
      std::size_t drained = 0;
      pollfd q{out.get(), POLLIN, 0};
      ssize_t n;
      int ready;
      while (drained < k_drain_bytes) {
        while ((ready = ::poll(&q, 1, 0)) < 0 && errno == EINTR) {
        }
        if (ready <= 0 || (n = read_some(out.get(), buf, sizeof buf)) <= 0) break;
        keep(n);
        drained += static_cast<std::size_t>(n);
      }
      return true;
    }
  }
  return false;
}

// Waits for the exit until the deadline (for ever without one).
bool wait_until(pid_t pid, const std::optional<Clock::time_point>& deadline, int& status) {
  if (!deadline) return reap(pid, status, true);
  while (ms_left(*deadline) > 0) {
    if (reap(pid, status, false)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return reap(pid, status, false);
}

} // namespace

Result run(const std::vector<std::string>& argv, const Options& options) {
  Result result;
  if (argv.empty() || argv[0].empty()) {
    result.error = "no program to run";
    return result;
  }
  SpawnSetup setup;
  Fd out_read, out_write;
  if (options.capture_stdout) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      result.error = std::strerror(errno);
      return result;
    }
    out_read = Fd(fds[0]);
    out_write = Fd(fds[1]);
    posix_spawn_file_actions_adddup2(&setup.actions, out_write.get(), STDOUT_FILENO);
  }
  Fd input;
  if (options.input) {
    input = Fd(::memfd_create("relgate-input", MFD_CLOEXEC));
    std::size_t done = 0;
    while (input && done < options.input->size()) {
      ssize_t n = ::write(input.get(), options.input->data() + done, options.input->size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) input.close();
      else done += static_cast<std::size_t>(n);
    }
    if (!input || ::lseek(input.get(), 0, SEEK_SET) != 0) {
      result.error = std::string("cannot pass its input: ") + std::strerror(errno);
      return result;
    }
    posix_spawn_file_actions_adddup2(&setup.actions, input.get(), STDIN_FILENO);
  } else if (options.null_stdin) {
    posix_spawn_file_actions_addopen(&setup.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  }
  if (options.null_stderr) posix_spawn_file_actions_addopen(&setup.actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  if (options.own_process_group) {
    // Set in the child before exec, so the deadline's kill finds the group.
    posix_spawnattr_setpgroup(&setup.attr, 0);
    posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETPGROUP);
  }
  const auto args = pointers(argv);
  std::vector<std::string> env_strings;
  std::vector<char*> env;
  if (!options.environment.empty()) {
    env_strings = child_environment(options.environment);
    env = pointers(env_strings);
  }
  pid_t pid = 0;
  // glibc's posix_spawnp returns only once the program is executing, or
  // with the reason it could not be (exec's errno).
  int rc = posix_spawnp(&pid, args[0], &setup.actions, &setup.attr, args.data(), env.empty() ? environ : env.data());
  if (rc != 0) {
    result.error = std::strerror(rc);
    return result;
  }
  out_write.close(); // the child has its copy: EOF comes when it (and what it started) closes it

  int status = 0;
  bool exited = false;
  if (out_read) {
    exited = read_until_exit(pid, out_read, options, result.out, status);
    out_read.close();
  }
  if (!exited) exited = wait_until(pid, options.deadline, status);
  if (!exited) {
    ::kill(options.own_process_group ? -pid : pid, SIGKILL);
    reap(pid, status, true);
    result.kind = Result::Kind::timed_out;
    return result;
  }
  if (WIFEXITED(status)) {
    result.kind = Result::Kind::exited;
    result.code = WEXITSTATUS(status);
  } else {
    result.kind = Result::Kind::signalled;
    result.code = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  }
  return result;
}

int call(const std::vector<std::string>& argv) {
  Result r = run(argv);
  switch (r.kind) {
  case Result::Kind::exited: return r.code;
  case Result::Kind::signalled: return 128 + r.code;
  case Result::Kind::timed_out: // no deadline: cannot happen
  case Result::Kind::not_started: break;
  }
  throw Error("cannot run " + (argv.empty() ? std::string("a program") : argv[0]) + ": " + r.error);
}

std::optional<std::string> output(const std::vector<std::string>& argv) {
  Options options;
  options.capture_stdout = true;
  Result r = run(argv, options);
  if (!r.succeeded()) return std::nullopt;
  return std::move(r.out);
}

} // namespace relgate::process
