#include "cli/ci_command.hpp"

#include "ci/notes_provider.hpp"
#include "ci/providers.hpp"
#include "git/libgit2_repository.hpp"
#include "util/error.hpp"
#include "util/process.hpp"
#include "util/text.hpp"

#include <unistd.h>

#include <chrono>
#include <iostream>
#include <thread>

namespace relgate::cli {

namespace {

constexpr int k_push_attempts = 5;

std::optional<repo::ObjectId> ref_value(const repo::Repository& repo, const std::string& name) {
  for (const auto& r : repo.refs(name)) {
    if (r.name == name) return r.target;
  }
  return std::nullopt;
}

// `commit`'s note on the notes ref at `tip` with `recorded` added as a new
// last line. Results are append-only (A3): an earlier line is never changed
// or removed; a later line for the same check is what counts.
std::string appended_note(const repo::Repository& repo, const std::optional<repo::ObjectId>& tip,
                          const repo::ObjectId& commit, const ci::Check& recorded) {
  std::string text = tip ? repo.note(*tip, commit).value_or("") : "";
  if (!text.empty() && text.back() != '\n') text += '\n';
  return text + ci::render_note({recorded});
}

bool has_space(const std::string& s) { return s.find_first_of(" \t\r\n") != std::string::npos; }

// Pushes the notes ref; on a refusal because a concurrent job moved the
// remote's notes ref on, rebases our line onto the remote's notes and tries
// again. Only the recorded commit's note is merged: notes of other commits
// that exist only in this clone's notes ref are not carried over (a CI job's
// clone records and pushes one result at a time).
void push_notes(git::Libgit2Repository& repo, const std::string& notes_ref, const std::string& remote,
                const repo::ObjectId& commit, const ci::Check& recorded) {
  const std::string git_dir = "--git-dir=" + repo.git_dir();
  const std::string temp_ref = "refs/relgate/ci-remote-" + std::to_string(::getpid());
  const std::vector<std::string> push = {"git", git_dir, "-c", "advice.pushUpdateRejected=false", "push", "-q", remote,
                                         notes_ref + ":" + notes_ref};
  // A push that loses a race is expected: git's "! [rejected] (fetch
  // first)" is kept quiet then; any other refusal is shown as git says it.
  process::Options quiet;
  quiet.null_stderr = true;
  auto show_refusal = [&] { (void)process::call(push); };
  for (int attempt = 1;; ++attempt) {
    if (process::run(push, quiet).succeeded()) {
      std::cout << "pushed " << notes_ref << " to " << remote << '\n';
      return;
    }
    if (attempt == k_push_attempts) {
      show_refusal();
      throw Error("could not push " + notes_ref + " to " + remote + " after " + std::to_string(k_push_attempts) +
                  " attempts (other jobs keep updating it); the result is recorded locally, run the command again");
    }
    if (process::call({"git", git_dir, "fetch", "-q", remote, "+" + notes_ref + ":" + temp_ref}) != 0) {
      throw Error("git push " + remote + " " + notes_ref + " failed, and fetching " + notes_ref + " from " + remote +
                  " failed too");
    }
    auto remote_tip = ref_value(repo, temp_ref);
    auto local_tip = ref_value(repo, notes_ref);
    if (!remote_tip || !local_tip || *remote_tip == *local_tip || repo.is_ancestor(*remote_tip, *local_tip)) {
      repo.delete_ref(temp_ref);
      show_refusal(); // not a race: the server refused (its reasons reach the terminal now)
      throw Error("git push " + remote + " " + notes_ref + " failed (see git's message above); the result is recorded locally");
    }
    // The remote's note as it is, with the line just recorded after it
    // (append-only, A3).
    repo.write_ref(notes_ref, *remote_tip, "relgate ci record: on top of " + remote + "'s " + notes_ref);
    repo.write_note(notes_ref, commit, appended_note(repo, remote_tip, commit, recorded));
    repo.delete_ref(temp_ref);
    std::cerr << "relgate: " << remote << "'s " << notes_ref << " moved on; merged its lines, pushing again\n";
    // Jobs that collided should not collide again in lock step.
    std::this_thread::sleep_for(std::chrono::milliseconds(50 * attempt + ::getpid() % 50));
  }
}

} // namespace

int run_ci_record(const GlobalOptions& global, const CiRecordOptions& opts) {
  if (opts.check.empty() || has_space(opts.check) || opts.check.front() == '#') {
    throw Error("ci record: the check name must be one word without spaces, e.g. build or ci/test");
  }
  auto state = ci::parse_check_state(opts.state);
  if (!state) {
    auto near = closest_match(opts.state, {"success", "failure", "pending", "skipped", "cancelled"});
    throw Error("ci record: unknown state " + printable(opts.state) +
                (near.empty() ? " (use success, failure, pending, skipped or cancelled)" : ", did you mean \"" + near + "\"?"));
  }
  if (has_space(opts.url)) throw Error("ci record: the URL must not contain spaces");
  auto repo = git::Libgit2Repository::open(global.repo_dir);
  auto pol = load_policy(global, *repo);
  const std::string& notes_ref = pol.ci.notes_ref;
  auto commit = repo->resolve_commit(opts.commit);
  ci::Check recorded{opts.check, *state, opts.url};
  repo->write_note(notes_ref, commit, appended_note(*repo, ref_value(*repo, notes_ref), commit, recorded));
  std::cout << "recorded " << ci::to_string(*state) << " " << opts.check << " for " << repo::short_id(commit)
            << " on " << notes_ref << '\n';
  if (!opts.push_remote.empty()) push_notes(*repo, notes_ref, opts.push_remote, commit, recorded);
  return 0;
}

int run_ci_status(const GlobalOptions& global, const std::string& revision) {
  auto repo = git::Libgit2Repository::open(global.repo_dir);
  auto pol = load_policy(global, *repo);
  auto commit = repo->resolve_commit(revision);
  auto provider = ci::make_provider(*repo, pol.ci);
  auto result = provider->status(commit, [&](const std::string& ref) { return ref_value(*repo, ref); });
  std::cout << "commit: " << commit << '\n'
            << "provider: " << result.provider << '\n'
            << "decision: " << ci::to_string(result.status) << '\n';
  for (const auto& c : result.checks) {
    std::cout << "check: " << ci::to_string(c.state) << ' ' << c.name << (c.url.empty() ? "" : " " + c.url) << '\n';
  }
  for (const auto& m : result.missing) std::cout << "missing: " << m << '\n';
  if (!result.reason.empty()) std::cout << "reason: " << result.reason << '\n';
  return result.status == ci::Status::green ? 0 : 1;
}

} // namespace relgate::cli
