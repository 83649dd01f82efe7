#pragma once
// Parsers for what git gives hooks on standard input. Strict: anything that
// is not exactly git's format is an Error naming the line.

#include "policy/engine.hpp"

#include <istream>
#include <string>
#include <vector>

namespace relgate::cli {

// Upper bounds on hook input; beyond them the input is refused, not read.
inline constexpr std::size_t k_max_input_bytes = 64 * 1024 * 1024;
inline constexpr std::size_t k_max_line_bytes = 4096;

// Reads all of `in` (at most k_max_input_bytes).
std::string read_all(std::istream& in, const std::string& what);

// pre-receive (and post-receive): "<old> <new> <ref>" per line.
std::vector<policy::RefUpdate> parse_pre_receive(std::string_view text);

struct PushLine {
  std::string local_ref;   // "(delete)" for deletions
  std::string local_id;
  std::string remote_ref;
  std::string remote_id;
};
// pre-push: "<local ref> <local id> <remote ref> <remote id>" per line.
std::vector<PushLine> parse_pre_push(std::string_view text);

// Validates an object id (40 or 64 hex digits, lower case); a run of zeros
// of any length means "none" and becomes 40 zeros. Throws Error naming `what`.
std::string parse_object_id(std::string_view id, const std::string& what);
// Validates a full ref name (refs/...). Throws Error naming `what`.
std::string parse_ref_name(std::string_view ref, const std::string& what);

} // namespace relgate::cli
