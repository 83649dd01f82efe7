#pragma once
// The audit's replay: the repository's history rebuilt as the pushes that
// made it, each judged by policy::judge under the current policy. Pure: it
// reads the repository through the Repository interface and CI through a
// ci::Provider; `relgate audit` (cli/) gathers the facts and prints.
//
// Events: every tag's creation (tag_times: the tagger time, the commit time
// of a lightweight tag); every release branch's creation at its fork point
// from main (not before its final tag) and each commit after it on its
// first-parent line (a commit older than its branch counts from the
// branch's creation); main's commits in each freeze window (rc1..final of a
// line, rc1..main while the line is in its RC phase). Each is judged with
// the refs as they were then (tags and branches made earlier; main at the
// newest commit of its first-parent line made by then, or, for a window
// commit, at the commit's parent). Consecutive commits to one ref form one
// push.
//
// Not replayed: who pushed (A1, A2, F2 are off), declared freezes
// (refs/freeze/* keep no history), and CI results (T8) unless asked for
// (the provider then answers as it is now).

#include "ci/ci.hpp"
#include "policy/engine.hpp"
#include "policy/policy.hpp"
#include "policy/state.hpp"
#include "repo/repository.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace relgate::policy {

enum class EventKind {
  main_commit,   // a commit on main in a freeze window
  branch_commit, // a commit on a branch after its creation
  tag,           // a tag's creation
  branch_create, // a branch's creation
};

// One push of the rebuilt history: one ref update.
struct HistoryEvent {
  std::int64_t time = 0; // seconds since the epoch
  EventKind kind = EventKind::tag;
  std::string ref;       // full name
  repo::ObjectId old_id; // zeros: created
  repo::ObjectId new_id;
  repo::ObjectId commit; // the commit new_id names (a tag peeled)
};

struct History {
  std::vector<HistoryEvent> events; // in the order they are replayed
  std::size_t freeze_windows = 0;   // freeze windows whose commits are events
};

// The history behind `refs` (the refs as they are now, known_refs), with
// `tag_times` (tag_times) dating the tags, in order_events' order.
History rebuild_history(const repo::Repository& repo, const Policy& policy, const RefMap& refs,
                        const std::map<std::string, std::int64_t>& tag_times);

// Puts events in the order they are replayed: by time, and events of the
// same second in causal order, each after those it needs:
// - a line's tags in release order: rc1, rc2, ..., the final, the patches;
// - a release branch's creation after its line's final tag (B2), and
//   before the line's patch tags;
// - a branch's or main's commits after the event that put their parent
//   there (a branch's creation, the commit before);
// - a tag after the commit events that bring the commit it names.
// Otherwise: main's commits (a commit of the same second as rc1 may have
// been pushed before it: not judged as frozen), then branch commits, tags
// (in release order) and branch creations, then by ref name and object id.
// The result does not depend on the order `events` come in. A cycle (a
// history no process makes) is broken by that same order. Events of
// different seconds keep their times' order: a patch tag made before its
// branch is a finding.
void order_events(std::vector<HistoryEvent>& events, const Policy& policy);

// The policy the replay judges by: `policy` without the rules the history
// cannot answer (A1, A2, F2; T8 unless `ci`).
Policy replay_policy(const Policy& policy, bool ci);

struct ReplayOptions {
  std::optional<std::int64_t> since; // judge only pushes from then on
  std::string remote = "origin";     // the remote name in hint commands
  bool ci = false;                   // T8: ask `ci` about every patch tag
};

// A violation of the policy at the time of the push that made it.
struct Finding {
  std::int64_t time = 0;
  Violation violation;
};

struct Replay {
  std::vector<Finding> findings;  // in the order of the pushes
  std::size_t judged = 0;         // pushes judged (since `since`)
  std::size_t freeze_windows = 0; // as History
};

// Rebuilds the history behind `refs` and judges its pushes by
// replay_policy(policy, options.ci). Throws Error when the repository
// cannot answer.
Replay replay(const repo::Repository& repo, const Policy& policy, const ci::Provider& ci, const RefMap& refs,
              const std::map<std::string, std::int64_t>& tag_times, const ReplayOptions& options);

} // namespace relgate::policy
