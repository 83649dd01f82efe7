#pragma once
// Logging and user-facing output go through one spdlog logger on stderr:
// no timestamps; on a terminal that is not TERM=dumb, and never with
// NO_COLOR, the head of a refusal line is coloured as git colours `error:`.
// RELGATE_LOG=debug|info|warn shows relgate's own diagnostics.

//
// spdlog (and fmt, header-only) stay inside log.cpp: this header is all the
// rest of relgate sees, so one translation unit compiles them, not every
// one that logs. Callers build their text; each call writes one line.

#include <string_view>

namespace relgate::log {

// Sets up the logger; safe to call more than once.
void init();
// Shown only with RELGATE_LOG=debug.
void debug(std::string_view text);
// Yellow on a terminal.
void warn(std::string_view text);
// Red on a terminal.
void error(std::string_view text);

} // namespace relgate::log
