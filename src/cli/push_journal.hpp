#pragma once
// Serializes the server's judgements of concurrent pushes (issue 9,
// ARCHITECTURE.md "Concurrent pushes"). pre-receive judges a push against
// the refs before it, and git's ref locks only stop two pushes to the same
// ref; two pushes to related refs (rc2 and the final tag at rc1) could each
// pass alone and both land. So the server hooks judge one push at a time,
// under a lock on the repository, and count the updates of pushes they
// accepted that have not finished yet as already done:
//
// - `$GIT_DIR/relgate.lock` is locked (flock) while a push is judged;
// - `$GIT_DIR/relgate-pending/<pid>` lists the updates relgate accepted for
//   the receive-pack process <pid>; they count while that process lives
//   (its start time is recorded against pid reuse) and for at most ten
//   minutes. receive-pack lives until its refs are updated, so an entry
//   outlives its push by at most that push's reporting.
// A push that races an accepted one is judged as if that one had landed;
// if that one then fails, the other was judged more strictly than needed
// (fail closed) and a retry is judged against what really landed.

#include "policy/engine.hpp"
#include "util/fd.hpp"

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace relgate::cli {

class PushJournal {
public:
  // Locks the journal of the repository at `git_dir` (ends in '/'), waiting
  // at most `wait`; throws Error when the lock is not had in time. `owner`
  // is the receive-pack process of this push.
  PushJournal(std::string git_dir, pid_t owner, std::chrono::milliseconds wait);
  PushJournal(const PushJournal&) = delete;
  PushJournal& operator=(const PushJournal&) = delete;

  // `refs` with the updates of accepted, unfinished pushes applied (this
  // push's own earlier ones too: the update hook runs once per ref). Stale
  // entries are removed.
  policy::RefMap with_pending(policy::RefMap refs);
  // Records updates this push was accepted for.
  void record(const std::vector<policy::RefUpdate>& updates);

  // The receive-pack process of a server hook: $RELGATE_RECEIVE_PACK_PID
  // (the hook scripts set it), else the parent process.
  static pid_t receive_pack_pid();

private:
  std::string m_dir; // $GIT_DIR/relgate-pending/
  pid_t m_owner;
  Fd m_lock; // closing it releases the lock
};

} // namespace relgate::cli
