#pragma once
// The one owner of a file descriptor: closes it when destroyed or assigned
// over, so no path (an exception, an early return) leaks one. Nothing else
// in relgate calls close().

namespace relgate {

class Fd {
public:
  Fd() noexcept = default;
  explicit Fd(int fd) noexcept : m_fd(fd) {}
  ~Fd() { close(); }
  Fd(Fd&& other) noexcept : m_fd(other.release()) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  // The descriptor, -1 when none is owned.
  int get() const noexcept { return m_fd; }
  explicit operator bool() const noexcept { return m_fd >= 0; }
  // Gives the descriptor up without closing it.
  int release() noexcept;
  // Closes it now (nothing when none is owned). Linux frees the descriptor
  // even when close() reports EINTR, so it is never retried.
  void close() noexcept;

private:
  int m_fd = -1;
};

} // namespace relgate
