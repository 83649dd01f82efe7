// util/fd: the one owner of a file descriptor.
#include "util/fd.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <utility>

using relgate::Fd;

namespace {

struct Pipe {
  Fd read, write;
};

Pipe make_pipe() {
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  return {Fd(fds[0]), Fd(fds[1])};
}

// Whether every write end of the pipe is closed: its read end is at EOF.
// Each pipe is written to only after this is asked, so nothing is pending.
bool writer_closed(const Fd& read_end) {
  pollfd p{read_end.get(), POLLIN, 0};
  if (::poll(&p, 1, 0) != 1) return false;
  char c;
  return ::read(read_end.get(), &c, 1) == 0;
}

} // namespace

TEST_CASE("Fd closes its descriptor when destroyed", "[fd]") {
  Pipe p = make_pipe();
  {
    Fd owner(p.write.release());
    CHECK_FALSE(writer_closed(p.read));
  }
  CHECK(writer_closed(p.read));
}

TEST_CASE("Fd closes what it held when moved onto, and moves without closing", "[fd]") {
  Pipe first = make_pipe();
  Pipe second = make_pipe();
  Fd a(first.write.release());
  Fd b(second.write.release());
  a = std::move(b);
  CHECK(writer_closed(first.read));   // a's descriptor was closed
  CHECK_FALSE(b);                     // b gave its descriptor up
  CHECK_FALSE(writer_closed(second.read));
  CHECK(::write(a.get(), "x", 1) == 1); // and a holds it, open
  char c = 0;
  CHECK(::read(second.read.get(), &c, 1) == 1);
  CHECK(c == 'x');

  Fd c2(std::move(a));
  CHECK_FALSE(a);
  CHECK(c2.get() >= 0);
  CHECK_FALSE(writer_closed(second.read));
  c2.close();
  CHECK_FALSE(c2);
  CHECK(writer_closed(second.read));
}

TEST_CASE("Fd::release gives the descriptor up without closing it", "[fd]") {
  Pipe p = make_pipe();
  int raw = -1;
  {
    Fd owner(p.write.release());
    raw = owner.release();
    CHECK_FALSE(owner);
  }
  CHECK_FALSE(writer_closed(p.read));
  Fd again(raw); // closed here, by its new owner
  again.close();
  CHECK(writer_closed(p.read));
}
