#pragma once
// The server's audit log: one JSON line per ref update a hook judged (time,
// pusher, ref, old, new, verdict, rule ids, override). Lines are appended
// under an exclusive lock in one write, so concurrent pushes never lose or
// interleave a line. Rotation is left to logrotate (copytruncate).

#include "policy/engine.hpp"

#include <string>

namespace relgate::cli {

// Appends the decision lines for `request` and `verdict` to `path`. Throws
// Error when the log cannot be written (the server then refuses the push:
// an unlogged decision is not allowed).
void append_audit(const std::string& path, const policy::Request& request, const policy::Verdict& verdict,
                  const std::string& hook);

// JSON string literal for `s` (quotes included).
std::string json_string(std::string_view s);

} // namespace relgate::cli
