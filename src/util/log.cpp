#include "util/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

namespace relgate::log {

namespace {
std::shared_ptr<spdlog::logger>& instance() {
  static std::shared_ptr<spdlog::logger> logger;
  return logger;
}

// Colour as git does it: only on a terminal that is not dumb, never with
// NO_COLOR, and only the line's head ("relgate: T6 final-is-last-rc:"),
// not the whole refusal.
bool colour_wanted() {
  static const bool wanted = [] {
    const char* no_color = std::getenv("NO_COLOR");
    const char* term = std::getenv("TERM");
    return !(no_color && *no_color) && term && *term && std::strcmp(term, "dumb") != 0 && ::isatty(2) == 1;
  }();
  return wanted;
}

std::string coloured(spdlog::level::level_enum level, std::string_view text) {
  const std::string_view prefix = "relgate: ";
  if (!colour_wanted() || level < spdlog::level::warn || text.substr(0, prefix.size()) != prefix) return std::string(text);
  auto colon = text.find(": ", prefix.size());
  std::size_t end = colon == std::string_view::npos ? prefix.size() - 1 : colon + 1;
  const char* on = level >= spdlog::level::err ? "\033[1;31m" : "\033[33m";
  return on + std::string(text.substr(0, end)) + "\033[m" + std::string(text.substr(end));
}
} // namespace

void init() {
  auto& logger = instance();
  if (logger) return;
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_st>(spdlog::color_mode::never);
  logger = std::make_shared<spdlog::logger>("relgate", sink);
  logger->set_pattern("%v");
  logger->set_level(spdlog::level::info);
  if (const char* level = std::getenv("RELGATE_LOG"); level && *level) {
    logger->set_level(spdlog::level::from_str(level));
  }
  logger->flush_on(spdlog::level::trace);
}

namespace {
void write(spdlog::level::level_enum level, std::string_view text) {
  init();
  instance()->log(level, "{}", coloured(level, text));
}
} // namespace

void debug(std::string_view text) { write(spdlog::level::debug, text); }
void warn(std::string_view text) { write(spdlog::level::warn, text); }
void error(std::string_view text) { write(spdlog::level::err, text); }

} // namespace relgate::log
