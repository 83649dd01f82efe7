#pragma once
// The server's audit log: one JSON line per ref update a hook judged (time,
// hook, pusher, authenticated, ref, old, new, verdict, rule ids, override,
// refused_by),
// with the push's final outcome as far as the hook can know it. Lines are
// appended under an exclusive lock in one write, whole or not at all, so
// concurrent pushes never lose or interleave a line and a full disk leaves
// no fragment. Rotation is left to logrotate (copytruncate).

#include "policy/engine.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace relgate::cli {

// The record of one push on the server. judged() takes relgate's verdict;
// refused() says that a push relgate accepted was refused after all (the
// chained hook said no, recording it failed); write() appends the lines.
class AuditRecord {
public:
  // `path` "" keeps no log. `hook`: "pre-receive" or "update".
  AuditRecord(std::string path, std::string hook);
  bool keeps_log() const { return !m_path.empty(); }
  void judged(const policy::Request& request, const policy::Verdict& verdict);
  // `why` in the line's refused_by; the first reason counts.
  void refused(const std::string& why);
  // Appends the lines once (nothing when not judged). Throws Error when the
  // log cannot be written, leaving it as it was (the server then refuses
  // the push: an unlogged decision is not allowed).
  void write();

private:
  struct Line {
    std::string head;     // up to "verdict":
    const char* decision; // "accepted", "overridden" or "rejected"
    std::string tail;     // from "rules":, without refused_by
  };
  std::string m_path;
  std::string m_hook;
  std::vector<Line> m_lines;
  std::string m_refused_by;
  bool m_written = false;
};

// JSON string literal for `s` (quotes included). Always valid JSON (and
// valid UTF-8): a byte that is not part of UTF-8 is written as the four
// characters \xNN, as relgate's messages show it.
std::string json_string(std::string_view s);

} // namespace relgate::cli
