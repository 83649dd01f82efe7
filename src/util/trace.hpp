#pragma once
// Where time goes: with RELGATE_TRACE set, each Phase prints its duration to
// stderr when it ends (`relgate: trace: open repository 0.41 ms`), and
// trace::total() the time since main() started.

#include <chrono>
#include <string>

namespace relgate::trace {

bool enabled();
// Marks the start of main(); total() counts from here.
void start();
void total();

class Phase {
public:
  explicit Phase(std::string name);
  ~Phase();
  Phase(const Phase&) = delete;
  Phase& operator=(const Phase&) = delete;

private:
  std::string m_name;
  std::chrono::steady_clock::time_point m_start;
};

} // namespace relgate::trace
