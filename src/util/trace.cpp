#include "util/trace.hpp"

#include <cstdio>
#include <cstdlib>

namespace relgate::trace {

namespace {
std::chrono::steady_clock::time_point g_start = std::chrono::steady_clock::now();

double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}
} // namespace

bool enabled() {
  static const bool on = [] {
    const char* v = std::getenv("RELGATE_TRACE");
    return v && *v && std::string(v) != "0";
  }();
  return on;
}

void start() { g_start = std::chrono::steady_clock::now(); }

void total() {
  if (enabled()) std::fprintf(stderr, "relgate: trace: total in main %.2f ms\n", ms_since(g_start));
}

Phase::Phase(std::string name) : m_name(std::move(name)), m_start(std::chrono::steady_clock::now()) {}

Phase::~Phase() {
  if (enabled()) std::fprintf(stderr, "relgate: trace: %s %.2f ms\n", m_name.c_str(), ms_since(m_start));
}

} // namespace relgate::trace
