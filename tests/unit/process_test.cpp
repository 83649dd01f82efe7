// util/process: the one place relgate starts programs.
#include "util/error.hpp"
#include "util/process.hpp"

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

namespace process = relgate::process;
using Kind = process::Result::Kind;
using Clock = std::chrono::steady_clock;

namespace {

process::Options capturing() {
  process::Options o;
  o.capture_stdout = true;
  return o;
}

// Whether process `pid` has ended: gone, or a zombie not yet reaped by
// whoever inherited it. Waits up to 10 s for the kernel to finish a kill.
bool ended(pid_t pid) {
  for (auto until = Clock::now() + std::chrono::seconds(10); Clock::now() < until;) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    if (!in || !std::getline(in, stat)) return true;
    auto close = stat.rfind(')');
    if (close != std::string::npos && close + 2 < stat.size() && (stat[close + 2] == 'Z' || stat[close + 2] == 'X')) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

pid_t first_pid(const std::string& out) { return static_cast<pid_t>(std::strtol(out.c_str(), nullptr, 10)); }

volatile sig_atomic_t g_alarms = 0;
void on_alarm(int) { g_alarms = g_alarms + 1; }

} // namespace

TEST_CASE("process: argv without a shell, stdout captured, exit codes", "[process]") {
  auto r = process::run({"printf", "%s|%s", "$HOME; echo x", "*"}, capturing());
  CHECK(r.kind == Kind::exited);
  CHECK(r.code == 0);
  CHECK(r.succeeded());
  CHECK(r.out == "$HOME; echo x|*");
  r = process::run({"sh", "-c", "echo out; exit 3"}, capturing());
  CHECK(r.kind == Kind::exited);
  CHECK(r.code == 3);
  CHECK_FALSE(r.succeeded());
  CHECK(r.out == "out\n");
  CHECK(process::call({"sh", "-c", "exit 5"}) == 5);
  CHECK(process::output({"sh", "-c", "echo a; echo b"}) == std::optional<std::string>("a\nb\n"));
  CHECK(process::output({"sh", "-c", "echo a; exit 1"}) == std::nullopt);
}

TEST_CASE("process: a child killed by a signal", "[process]") {
  auto r = process::run({"sh", "-c", "echo before; kill -TERM $$; echo after"}, capturing());
  CHECK(r.kind == Kind::signalled);
  CHECK(r.code == SIGTERM);
  CHECK(r.out == "before\n");
  CHECK(process::call({"sh", "-c", "kill -KILL $$"}) == 128 + SIGKILL);
}

TEST_CASE("process: a program that cannot be started", "[process]") {
  auto r = process::run({"/nonexistent/ci-check"}, capturing());
  CHECK(r.kind == Kind::not_started);
  CHECK(r.error == "No such file or directory");
  CHECK(process::run({}).kind == Kind::not_started);
  CHECK_THROWS_WITH(process::call({"/nonexistent/ci-check"}), "cannot run /nonexistent/ci-check: No such file or directory");
  CHECK(process::output({"/nonexistent/ci-check"}) == std::nullopt);
}

TEST_CASE("process: a script without #! is not handed to a shell", "[process]") {
  char dir[] = "/tmp/relgate-process-XXXXXX";
  REQUIRE(::mkdtemp(dir) != nullptr);
  const std::string script = std::string(dir) + "/no-interpreter";
  std::ofstream(script) << "echo ran by a shell\n";
  REQUIRE(::chmod(script.c_str(), 0755) == 0);
  auto r = process::run({script}, capturing());
  CHECK(r.kind == Kind::not_started);
  CHECK(r.error == "Exec format error");
  CHECK(r.out.empty());
  std::remove(script.c_str());
  ::rmdir(dir);
}

TEST_CASE("process: stdin and stderr on /dev/null, the environment changed", "[process]") {
  process::Options o = capturing();
  o.null_stdin = true;
  o.null_stderr = true;
  CHECK(process::run({"readlink", "/proc/self/fd/0", "/proc/self/fd/2"}, o).out == "/dev/null\n/dev/null\n");

  REQUIRE(::setenv("RELGATE_TEST_KEPT", "kept", 1) == 0);
  REQUIRE(::setenv("RELGATE_TEST_GONE", "here", 1) == 0);
  REQUIRE(::setenv("RELGATE_TEST_CHANGED", "old", 1) == 0);
  o = capturing();
  o.environment = {{"RELGATE_TEST_GONE", std::nullopt}, {"RELGATE_TEST_CHANGED", "new"}, {"RELGATE_TEST_ADDED", "a=b"}};
  auto r = process::run({"sh", "-c",
                         "echo \"${RELGATE_TEST_KEPT-unset} ${RELGATE_TEST_GONE-unset} "
                         "${RELGATE_TEST_CHANGED-unset} ${RELGATE_TEST_ADDED-unset}\""},
                        o);
  CHECK(r.out == "kept unset new a=b\n");
  CHECK(std::getenv("RELGATE_TEST_GONE") == std::string("here")); // relgate's own is untouched
  ::unsetenv("RELGATE_TEST_KEPT");
  ::unsetenv("RELGATE_TEST_GONE");
  ::unsetenv("RELGATE_TEST_CHANGED");
}

TEST_CASE("process: stdin from a text, read whole or left unread", "[process]") {
  process::Options o = capturing();
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "line " + std::to_string(i) + "\n"; // more than a pipe holds
  o.input = text;
  CHECK(process::run({"cat"}, o).out == text);
  auto r = process::run({"true"}, o); // never reads it
  CHECK(r.succeeded());
  o.input = std::string();
  CHECK(process::run({"wc", "-c"}, o).out == "0\n");
}

TEST_CASE("process: output beyond the bound is read and dropped", "[process]") {
  process::Options o = capturing();
  o.max_output = 1000;
  auto r = process::run({"head", "-c", "300000", "/dev/zero"}, o);
  CHECK(r.kind == Kind::exited); // not blocked on a full pipe
  CHECK(r.code == 0);
  CHECK(r.out.size() == 1000);
  // Unbounded, more than a pipe holds arrives whole.
  auto all = process::output({"head", "-c", "300000", "/dev/zero"});
  REQUIRE(all);
  CHECK(all->size() == 300000);
}

// The time bounds below tell "kept the deadline" or "did not wait for the
// leftover" from "waited for the 30 s sleeper", with room for a busy machine
// and the sanitizers.
TEST_CASE("process: the deadline kills the child and what it started", "[process]") {
  process::Options o = capturing();
  o.own_process_group = true;
  o.deadline = Clock::now() + std::chrono::seconds(1);
  auto start = Clock::now();
  auto r = process::run({"sh", "-c", "sleep 30 & echo $!; exec sleep 30"}, o);
  CHECK(Clock::now() - start < std::chrono::seconds(15));
  CHECK(r.kind == Kind::timed_out);
  pid_t grandchild = first_pid(r.out);
  REQUIRE(grandchild > 1);
  CHECK(ended(grandchild));

  // Without a process group of its own only the child is killed.
  o.own_process_group = false;
  o.deadline = Clock::now() + std::chrono::seconds(1);
  r = process::run({"sh", "-c", "sleep 30 & echo $!; exec sleep 30"}, o);
  CHECK(r.kind == Kind::timed_out);
  grandchild = first_pid(r.out);
  REQUIRE(grandchild > 1);
  CHECK(::kill(grandchild, 0) == 0);
  ::kill(grandchild, SIGKILL);
}

TEST_CASE("process: a process left holding stdout does not keep the run waiting", "[process]") {
  process::Options o = capturing();
  o.own_process_group = true; // to clean up after
  auto start = Clock::now();
  auto r = process::run({"sh", "-c", "sleep 30 & echo $!; exit 0"}, o);
  CHECK(Clock::now() - start < std::chrono::seconds(15));
  CHECK(r.kind == Kind::exited);
  CHECK(r.code == 0);
  pid_t leftover = first_pid(r.out);
  REQUIRE(leftover > 1);
  ::kill(leftover, SIGKILL);
}

TEST_CASE("process: signals to relgate (EINTR) neither end a run nor lose output", "[process]") {
  // SIGALRM every 2 ms, without SA_RESTART: blocking calls fail with EINTR.
  struct sigaction action {}, old_action {};
  action.sa_handler = on_alarm;
  sigemptyset(&action.sa_mask);
  REQUIRE(::sigaction(SIGALRM, &action, &old_action) == 0);
  itimerval every{{0, 2000}, {0, 2000}}, off{};
  REQUIRE(::setitimer(ITIMER_REAL, &every, nullptr) == 0);

  auto captured = process::run({"sh", "-c", "sleep 0.3; echo done; exit 3"}, capturing());
  process::Options o = capturing();
  o.deadline = Clock::now() + std::chrono::seconds(60);
  auto bounded = process::run({"sh", "-c", "echo early; sleep 0.3; exit 4"}, o);
  int called = -1;
  std::string thrown;
  try {
    called = process::call({"sh", "-c", "sleep 0.3; exit 6"});
  } catch (const relgate::Error& e) {
    thrown = e.what();
  }

  ::setitimer(ITIMER_REAL, &off, nullptr);
  ::sigaction(SIGALRM, &old_action, nullptr);
  CHECK(g_alarms > 10); // the runs were interrupted
  CHECK(captured.kind == Kind::exited);
  CHECK(captured.code == 3);
  CHECK(captured.out == "done\n");
  CHECK(bounded.kind == Kind::exited);
  CHECK(bounded.code == 4);
  CHECK(bounded.out == "early\n");
  CHECK(thrown.empty());
  CHECK(called == 6);
}
