// The server's journal of accepted pushes (cli/push_journal.hpp): when an
// entry holds a later push back, and when it is over. Entries are owned by
// real processes here (this test, a child that has exited); refs are a map.

#include "cli/push_journal.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace relgate;
using cli::PushJournal;
using namespace std::chrono_literals;

namespace {

const std::string k_zero(40, '0');
const std::string k_a(40, 'a'), k_b(40, 'b');

struct Repo {
  std::string dir;
  policy::RefMap refs; // the refs as the "repository" has them
  Repo() {
    char tmpl[] = "/tmp/relgate-journal-test.XXXXXX";
    dir = std::string(::mkdtemp(tmpl)) + "/";
  }
  ~Repo() { std::filesystem::remove_all(dir); }
  PushJournal::RefLookup lookup() {
    return [this](const std::string& ref) -> std::optional<std::string> {
      auto it = refs.find(ref);
      if (it == refs.end()) return std::nullopt;
      return it->second;
    };
  }
  policy::RefMap settle(PushJournal& j, std::chrono::milliseconds wait = 2000ms) {
    return j.settle(wait, [this] { return refs; }, lookup());
  }
  std::size_t entries() const {
    std::size_t n = 0;
    for (auto it = std::filesystem::directory_iterator(dir + "relgate-pending"); it != std::filesystem::directory_iterator();
         ++it) {
      ++n;
    }
    return n;
  }
};

PushJournal::Process self() { return *PushJournal::process(::getpid()); }
PushJournal::Process parent() { return *PushJournal::process(::getppid()); }

// A process that has exited (and been reaped).
PushJournal::Process gone() {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    char c;
    (void)::read(fds[0], &c, 1);
    std::_Exit(0);
  }
  auto p = *PushJournal::process(pid);
  (void)::write(fds[1], "x", 1);
  ::waitpid(pid, nullptr, 0);
  ::close(fds[0]);
  ::close(fds[1]);
  return p;
}

const policy::RefUpdate k_rc1{"refs/tags/v0.1.0-rc1", k_zero, k_a};

} // namespace

TEST_CASE("journal: a later push waits for an accepted one until it lands", "[journal]") {
  Repo r;
  {
    PushJournal first(r.dir, parent(), false); // its receive-pack lives on
    r.settle(first);
    first.record({k_rc1});
  }
  PushJournal second(r.dir, self(), false);
  // rc1 has not landed and its push is not over: refused after the wait.
  CHECK_THROWS_WITH(r.settle(second, 50ms), Catch::Contains("a push accepted before this one is still landing"));
  // rc1 lands: judged against it, and the entry is gone.
  r.refs["refs/tags/v0.1.0-rc1"] = k_a;
  auto refs = r.settle(second);
  CHECK(refs.at("refs/tags/v0.1.0-rc1") == k_a);
  CHECK(r.entries() == 0);
}

TEST_CASE("journal: a push whose receive-pack exited is over, whatever landed", "[journal]") {
  Repo r;
  {
    PushJournal first(r.dir, gone(), false);
    r.settle(first);
    first.record({k_rc1});
  }
  PushJournal second(r.dir, self(), false);
  auto refs = r.settle(second, 50ms);
  CHECK(refs.count("refs/tags/v0.1.0-rc1") == 0); // never landed: not counted
  CHECK(r.entries() == 0);
}

TEST_CASE("journal: a refusal by a chained hook ends the entry", "[journal]") {
  Repo r;
  {
    PushJournal first(r.dir, parent(), false);
    r.settle(first);
    first.record({k_rc1});
  }
  PushJournal(r.dir, parent(), false).forget(1000ms, std::nullopt); // the hook script's --refused
  PushJournal second(r.dir, self(), false);
  CHECK(r.settle(second, 50ms).count("refs/tags/v0.1.0-rc1") == 0);
}

TEST_CASE("journal: the update hook's own refs count until written; a newer value wins", "[journal]") {
  Repo r;
  const policy::RefUpdate main{"refs/heads/main", k_a, k_b};
  r.refs["refs/heads/main"] = k_a;
  {
    PushJournal ref1(r.dir, self(), false);
    r.settle(ref1);
    ref1.record({k_rc1, main});
  }
  {
    PushJournal ref2(r.dir, self(), false); // the same push's next ref
    auto refs = r.settle(ref2, 50ms);
    CHECK(refs.at("refs/tags/v0.1.0-rc1") == k_a); // as if written
    CHECK(refs.at("refs/heads/main") == k_b);
  }
  // A chained update hook refused rc1: only that line goes.
  PushJournal(r.dir, self(), false).forget(1000ms, k_rc1);
  r.refs["refs/heads/main"] = std::string(40, 'c'); // changed meanwhile
  PushJournal ref3(r.dir, self(), false);
  auto refs = r.settle(ref3, 50ms);
  CHECK(refs.count("refs/tags/v0.1.0-rc1") == 0);
  CHECK(refs.at("refs/heads/main") == std::string(40, 'c'));
}

TEST_CASE("journal: without a receive-pack nothing is recorded, except on GitLab for 10 s", "[journal]") {
  Repo r;
  {
    PushJournal by_hand(r.dir, std::nullopt, false);
    r.settle(by_hand);
    by_hand.record({k_rc1});
  }
  CHECK(r.entries() == 0);
  {
    PushJournal gitlab(r.dir, std::nullopt, true);
    r.settle(gitlab);
    gitlab.record({k_rc1});
  }
  CHECK(r.entries() == 1);
  PushJournal next(r.dir, std::nullopt, true);
  CHECK_THROWS_WITH(r.settle(next, 50ms), Catch::Contains("still landing"));
  r.refs["refs/tags/v0.1.0-rc1"] = k_a; // it landed
  r.settle(next, 50ms);
  CHECK(r.entries() == 0);
}

TEST_CASE("journal: the receive-pack above a hook is found, or none", "[journal]") {
  // This test runs under no receive-pack.
  CHECK_FALSE(PushJournal::receiving_process().has_value());
  auto me = PushJournal::process(::getpid());
  REQUIRE(me);
  CHECK(me->started == PushJournal::process(::getpid())->started);
  CHECK_FALSE(PushJournal::process(gone().pid).has_value());
}
