#pragma once
// Serializes the server's judgements of concurrent pushes (issues 9 and 20,
// README "Concurrent pushes"). pre-receive judges a push against
// the refs before it, and git's ref locks only stop two pushes to the same
// ref; two pushes to related refs (rc2 and the final tag at rc1) could each
// pass alone and both land. So the server hooks judge one push at a time,
// and a push is judged only once every push relgate accepted before it has
// finished: it is judged against what really landed, never against what an
// earlier push was expected to write.
//
// - `$GIT_DIR/relgate.lock` is locked (flock) while a push is judged and
//   its entry written;
// - `$GIT_DIR/relgate-pending/<pid>` (an entry) lists the updates relgate
//   accepted for the `git receive-pack` process <pid> (found by walking
//   relgate's ancestors; its start time, the first line, tells it from a
//   later process with the same pid). An entry is finished, and removed,
//   once each of its refs shows its new value (the push landed), its
//   receive-pack has exited (the push is over, whatever landed), a hook
//   chained after relgate refused the push (`forget`), or it is ten minutes
//   old. A later push waits, with the lock released, while another push's
//   entry is unfinished, at most as long as it waits for the lock; then it
//   is refused ("try again": fail closed).
// - The update hook runs once per ref: a push's own entry holds the refs
//   accepted before, and the next ref is judged as if those that still have
//   their old value had landed (in an atomic push git writes them all at the
//   end). A newer real value always wins over an entry.
// - Where no receive-pack is among relgate's ancestors (GitLab runs custom
//   hooks inside Gitaly; relgate run by hand) nothing is recorded, except on
//   GitLab (GL_ID set): there the owner is the receive-pack whose hook
//   (gitaly-hooks) shares relgate's quarantine directory
//   (`receiving_process_of_objects`); with none such (a push that only
//   deletes, Gitaly's own updates from the web UI), an entry without a
//   process to watch ends when its refs land or after 10 seconds.

#include "policy/engine.hpp"
#include "util/fd.hpp"

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace relgate::cli {

class PushJournal {
public:
  // A process, told from a later one with the same pid by its start time.
  struct Process {
    pid_t pid = 0;
    std::string started; // field 22 of /proc/<pid>/stat
  };
  // The `git receive-pack` process relgate runs under: the nearest ancestor
  // whose command line is git's receive-pack (`git receive-pack ...`,
  // `git-receive-pack ...`), through any shell or hook driver between them.
  // nullopt when there is none.
  static std::optional<Process> receiving_process();
  // Where relgate is not below receive-pack (GitLab: Gitaly runs custom
  // hooks itself, on a request from its gitaly-hooks, which git's
  // receive-pack runs as its hook): the receive-pack whose hook process
  // (same account) started with GIT_OBJECT_DIRECTORY=`object_dir`, the
  // push's own quarantine directory (Gitaly hands it on to custom hooks).
  // nullopt when there is none (no quarantine: a push that only deletes;
  // Gitaly's own ref updates from the web UI or API).
  static std::optional<Process> receiving_process_of_objects(const std::string& object_dir);
  // Process `pid` as it is now; nullopt when there is none.
  static std::optional<Process> process(pid_t pid);

  // The value of a ref as the repository has it now; nullopt when absent.
  using RefLookup = std::function<std::optional<std::string>(const std::string& ref)>;

  // The journal of the repository at `git_dir` (ends in '/') for a push
  // whose receive-pack is `owner` (nullopt: none known; then `unwatched`
  // says whether to record an entry that ends after 10 seconds). Nothing is
  // locked yet.
  PushJournal(std::string git_dir, std::optional<Process> owner, bool unwatched);
  PushJournal(const PushJournal&) = delete;
  PushJournal& operator=(const PushJournal&) = delete;

  // Locks the journal once no other accepted push is still landing (removing
  // finished entries) and returns what this push is judged against:
  // `read_refs()`, read under the lock, with this push's own accepted
  // updates that still have their old value applied (the update hook).
  // Waits at most `wait` in all, then throws Error. The lock is held until
  // the journal is destroyed.
  policy::RefMap settle(std::chrono::milliseconds wait, const std::function<policy::RefMap()>& read_refs,
                        const RefLookup& lookup);
  // Records updates this push was accepted for (after settle).
  void record(const std::vector<policy::RefUpdate>& updates);
  // A hook chained after relgate refused what relgate accepted: forgets this
  // push's entry (`only`: that update of it; the update hook refuses one ref
  // at a time). Takes the lock, waiting at most `wait`; never waits for
  // other pushes.
  void forget(std::chrono::milliseconds wait, const std::optional<policy::RefUpdate>& only);

private:
  // Takes the lock before `deadline`; false when it is not had in time.
  bool lock(std::chrono::steady_clock::time_point deadline);
  void unlock();
  // This push's entry file; empty when nothing is recorded for it.
  std::string entry_path() const;

  std::string m_git_dir;
  std::string m_dir; // $GIT_DIR/relgate-pending/
  std::optional<Process> m_owner;
  bool m_unwatched;
  Fd m_lock; // closing it releases the lock
};

} // namespace relgate::cli
