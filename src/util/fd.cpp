#include "util/fd.hpp"

#include <unistd.h>

namespace relgate {

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    close();
    m_fd = other.release();
  }
  return *this;
}

int Fd::release() noexcept {
  int fd = m_fd;
  m_fd = -1;
  return fd;
}

void Fd::close() noexcept {
  if (m_fd >= 0) ::close(m_fd);
  m_fd = -1;
}

} // namespace relgate
