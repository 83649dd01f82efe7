#pragma once
// `relgate ci record COMMIT CHECK STATE [--url URL] [--push REMOTE]` and
// `relgate ci status COMMIT`: how CI jobs write their results on the notes
// ref, and what relgate decides for a commit under the configured provider.

#include "cli/judge.hpp"

#include <string>

namespace relgate::cli {

struct CiRecordOptions {
  std::string commit; // any revision
  std::string check;
  std::string state;  // success, failure, pending, skipped, cancelled
  std::string url;
  std::string push_remote; // empty: do not push
};

// Writes the line into the commit's note on ci.notes_ref (the other checks'
// lines kept) and, with a remote, pushes the notes ref: when the push is
// refused because another job moved the remote notes ref on, fetches it,
// merges line by line (this line wins) and tries again, up to 5 times.
int run_ci_record(const GlobalOptions& global, const CiRecordOptions& opts);

// Prints the provider, the decision, each check and the reason; exit 0 when
// green, 1 when not.
int run_ci_status(const GlobalOptions& global, const std::string& commit);

} // namespace relgate::cli
