#pragma once
// Logging and user-facing output go through one spdlog logger on stderr:
// no timestamps, colour only on a terminal and never when NO_COLOR is set.
// RELGATE_LOG=debug|info|warn shows relgate's own diagnostics.

#include <spdlog/spdlog.h>

namespace relgate::log {

// Sets up the logger; safe to call more than once.
void init();
// The logger every relgate module writes to.
spdlog::logger& get();

} // namespace relgate::log
