#pragma once
// The policy engine: judges the ref updates of one push against the policy.
// Pure: it reads git only through repo::Repository and CI only through
// ci::Provider, and prints nothing.

#include "ci/ci.hpp"
#include "policy/policy.hpp"
#include "policy/state.hpp"
#include "repo/repository.hpp"

#include <optional>
#include <string>
#include <vector>

namespace relgate::policy {

struct RefUpdate {
  std::string ref;        // full name
  repo::ObjectId old_id;  // zeros: the ref is created
  repo::ObjectId new_id;  // zeros: the ref is deleted
  bool is_create() const;
  bool is_delete() const;
};

struct Request {
  RefMap before;                  // the refs as they are before the push
  std::vector<RefUpdate> updates; // what the push does
  std::string remote = "origin";  // the remote name used in hint commands
  std::optional<std::string> pusher; // who pushes (access.identity_env); none: unauthenticated
  // The client hook without `relgate.user`: who pushes is the server's to
  // know, so maintainer-only and CI-writer-only checks (A1, A2, A3, F2,
  // freeze exceptions) are left to it, with a note.
  bool pusher_unknown_here = false;
  // A maintainer's refusal offers the override command (A2); not where
  // overrides cannot reach (the update hook gets no push options).
  bool offer_override = true;
  // A2: `git push -o relgate.override=<reason>` or RELGATE_OVERRIDE.
  std::optional<std::string> override_reason;
  // False where whoever wrote a commit's message may not grant a freeze
  // exception whoever pushes (relgate pr: anyone writes a pull request's
  // description): Freeze-Exception trailers then count for nothing.
  bool exceptions_granted = true;
  // Client side (pre-push): the remote's objects may be missing locally;
  // checks that need them are skipped with a note instead of failing.
  bool advisory = false;
};

struct CommitRef {
  repo::ObjectId id;
  std::string subject;
};

struct Violation {
  RuleId rule = RuleId::T1;
  Severity severity = Severity::error;
  bool overridden = false;         // an error let through by a maintainer's override (A2)
  std::string ref;                 // full ref name
  std::vector<CommitRef> commits;  // the commits concerned, where there are any
  std::string why;                 // one line
  std::vector<std::string> hints;  // prose, or "  <command>" for commands
};

struct Verdict {
  std::vector<Violation> violations;
  std::vector<std::string> notes; // things relgate could not check (advisory mode)
  std::optional<std::string> override_by; // set when a maintainer's override let errors through
  bool rejected() const;
  // Rule codes of errors, in order, without repeats: "T4, B3".
  std::string error_codes() const;
};

// Judges `request`. Throws Error when the repository cannot answer (missing
// objects outside advisory mode); never for a policy violation.
Verdict judge(const repo::Repository& repo, const Policy& policy, const ci::Provider& ci, const Request& request);

} // namespace relgate::policy
