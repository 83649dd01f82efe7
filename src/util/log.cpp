#include "util/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <memory>

namespace relgate::log {

namespace {
std::shared_ptr<spdlog::logger>& instance() {
  static std::shared_ptr<spdlog::logger> logger;
  return logger;
}
} // namespace

void init() {
  auto& logger = instance();
  if (logger) return;
  const char* no_color = std::getenv("NO_COLOR");
  auto mode = (no_color && *no_color) ? spdlog::color_mode::never : spdlog::color_mode::automatic;
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_st>(mode);
  logger = std::make_shared<spdlog::logger>("relgate", sink);
  logger->set_pattern("%^%v%$");
  logger->set_level(spdlog::level::info);
  if (const char* level = std::getenv("RELGATE_LOG"); level && *level) {
    logger->set_level(spdlog::level::from_str(level));
  }
  logger->flush_on(spdlog::level::trace);
}

namespace {
void write(spdlog::level::level_enum level, std::string_view text) {
  init();
  instance()->log(level, "{}", text);
}
} // namespace

void debug(std::string_view text) { write(spdlog::level::debug, text); }
void warn(std::string_view text) { write(spdlog::level::warn, text); }
void error(std::string_view text) { write(spdlog::level::err, text); }

} // namespace relgate::log
