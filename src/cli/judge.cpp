#include "cli/judge.hpp"

#include "ci/providers.hpp"
#include "cli/app.hpp"
#include "cli/audit_log.hpp"
#include "cli/chained_hook.hpp"
#include "cli/clone_view.hpp"
#include "cli/hook_input.hpp"
#include "cli/push_journal.hpp"
#include "git/libgit2_repository.hpp"
#include "policy/known_refs.hpp"
#include "policy/policy_loader.hpp"
#include "policy/report.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/log.hpp"
#include "util/memory.hpp"
#include "util/text.hpp"
#include "util/trace.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <functional>
#include <iostream>
#include <set>
#include <tuple>

namespace relgate::cli {

namespace {

using policy::RefMap;

// The repository stays open until the process exits, and is never freed: a
// hook's process ends right after its verdict, and freeing libgit2's caches
// one object at a time was a tenth of the time of a 100,000-commit push.
git::Libgit2Repository& open_repo(const GlobalOptions& opts) {
  trace::Phase phase("open repository");
  // Judging a push reads objects into about 1-2 MiB of heap; have it mapped
  // at once rather than a page fault at a time (util/memory.hpp).
  memory::warm_heap(std::size_t{2} << 20);
  static auto* open = new std::vector<std::unique_ptr<git::Libgit2Repository>>();
  open->push_back(git::Libgit2Repository::open(opts.repo_dir));
  return *open->back();
}

// The refs the rules look at, as the repository has them now.
RefMap current_refs(const repo::Repository& repo, const policy::Policy& pol) {
  trace::Phase phase("read refs");
  return policy::known_refs(repo, pol, "", policy::LocalBranches::include);
}

// Prints the verdict; returns the exit code. `outcome` is what a rejection
// means for this entry point ("nothing was pushed", ...).
int report(const policy::Verdict& verdict, const std::string& outcome, bool audit_logged) {
  const std::string prefix = verdict.rejected() ? gitlab_error_prefix() : std::string();
  for (const auto& line : policy::format_verdict(verdict, audit_logged)) {
    if (line.severity == policy::Severity::error) log::error(prefix + line.text);
    else log::warn(prefix + line.text);
  }
  if (verdict.rejected()) {
    log::error(prefix + "relgate: rejected by the release policy (" + verdict.error_codes() + "); " + outcome);
    return k_exit_rejected;
  }
  return k_exit_accepted;
}

// The pusher: the first set variable of access.identity_env.
std::optional<std::string> pusher(const policy::Policy& pol) {
  for (const auto& var : pol.access.identity_env) {
    const char* v = std::getenv(var.c_str());
    if (v && *v) return std::string(v);
  }
  return std::nullopt;
}

// `audit`: the server hook's audit record, which takes the verdict; nullptr
// on the client and for `check`.
int judge_and_report(const git::Libgit2Repository& repo, const policy::Policy& pol, policy::Request request,
                     const std::string& outcome, AuditRecord* audit = nullptr) {
  if (audit) {
    request.pusher = pusher(pol);
  } else {
    // A clone or a CI runner cannot know the name the server authenticates;
    // `git config relgate.user NAME` says it, else the server decides.
    auto user = repo.config_values("relgate.user");
    if (!user.empty() && !user.back().empty()) request.pusher = user.back();
    else request.pusher_unknown_here = true;
  }
  auto provider = ci::make_provider(repo, pol.ci);
  policy::Verdict verdict;
  {
    trace::Phase phase("judge");
    verdict = policy::judge(repo, pol, *provider, request);
  }
  if (audit) audit->judged(request, verdict);
  trace::Phase phase("report");
  return report(verdict, outcome, audit && audit->keeps_log());
}

// After relgate accepted a push, what can still refuse it: recording it in
// the journal, then the chained hook (run once the journal's lock is
// released). Either refusal goes to the audit log; returns the exit code.
void record_accepted(PushJournal& journal, const std::vector<policy::RefUpdate>& updates, AuditRecord& audit) {
  try {
    journal.record(updates);
  } catch (const Error& e) {
    audit.refused(e.what());
    audit.write();
    throw;
  }
}
// Runs the chained hook once relgate accepted and released the journal's
// lock: its refusal is the push's. Then `forget` drops the push from the
// journal (best effort: an entry also ends when its receive-pack exits) and
// the audit record says why. Returns the hook's exit status; throws Error,
// logged the same way, when it cannot be run.
int run_chained(const std::string& chained, const std::vector<std::string>& args,
                const std::optional<std::string>& input, AuditRecord& audit, const std::function<void()>& forget) {
  std::string failure;
  int status = 0;
  try {
    status = run_chained_hook(chained, args, input);
  } catch (const Error& e) {
    failure = e.what();
  }
  if (failure.empty() && status == 0) return 0;
  audit.refused(failure.empty() ? chained_refusal(chained, status) : failure);
  try {
    forget();
  } catch (const Error& e) {
    log::debug(std::string("the journal keeps the refused push until its receive-pack exits: ") + e.what());
  }
  if (failure.empty()) return status;
  audit.write();
  throw Error(failure);
}

// Every object a server-side update names must be present (in the quarantine
// or the repository): a missing one is an error, never "accepted".
void require_objects(const repo::Repository& repo, const std::vector<policy::RefUpdate>& updates) {
  for (const auto& u : updates) {
    if (!is_zero_id(u.new_id) && repo.type(u.new_id) == repo::ObjectType::missing) {
      throw Error("object " + u.new_id + " for " + u.ref + " is not in the repository");
    }
  }
}

// An update of a symbolic ref on the server (refs/heads/master ->
// refs/heads/main, kept after a rename) writes the ref at the end of its
// chain: the update is judged as that ref's (rule book, "Where it runs"),
// else main could be rewound, or take a feature while frozen, through its
// alias. Updates that become the same are judged once (git refuses an
// alias and its target updated differently in one push).
std::vector<policy::RefUpdate> as_written(const git::Libgit2Repository& repo, std::vector<policy::RefUpdate> updates) {
  std::vector<std::string> names;
  for (const auto& u : updates) names.push_back(u.ref);
  const auto targets = repo.symbolic_targets(names);
  if (targets.empty()) return updates;
  for (auto& u : updates) {
    auto it = targets.find(u.ref);
    if (it == targets.end()) continue;
    log::warn("relgate: note: " + u.ref + " is a symbolic ref to " + it->second + " here: judged as " + it->second);
    u.ref = it->second;
  }
  std::vector<policy::RefUpdate> out;
  std::set<std::tuple<std::string, std::string, std::string>> seen;
  for (auto& u : updates) {
    if (seen.emplace(u.ref, u.old_id, u.new_id).second) out.push_back(std::move(u));
  }
  return out;
}

// The same in a clone, for a push to `remote`: a branch the remote keeps as
// a symbolic ref is known here only as a symbolic remote-tracking ref
// (`git symbolic-ref refs/remotes/origin/master refs/remotes/origin/main`;
// git fetch records only origin/HEAD).
std::string as_written_remote(const git::Libgit2Repository& repo, const std::string& remote, const std::string& ref) {
  const std::string heads(repo::k_heads), tracking = "refs/remotes/" + remote + "/";
  if (remote.empty() || !starts_with(ref, heads)) return ref;
  auto target = repo.symbolic_target(tracking + ref.substr(heads.size()));
  if (!target || !starts_with(*target, tracking) || *target == tracking + "HEAD") return ref;
  std::string written = heads + target->substr(tracking.size());
  log::warn("relgate: note: " + ref + " is a symbolic ref to " + written + " on " + remote + ": judged as " + written);
  return written;
}

} // namespace

// The system-wide host file; RELGATE_SYSTEM_CONFIG names another (tests,
// and hosts that keep configuration elsewhere).
std::string system_config_path() {
  const char* env = std::getenv("RELGATE_SYSTEM_CONFIG");
  return env && *env ? env : "/etc/relgate/relgate.toml";
}

// In a hook this runs before any ref of the push changes, so a push is always
// judged by the policy from before it, also when it updates the policy ref.
std::string audit_path(const git::Libgit2Repository& repo, const policy::Policy& pol) {
  if (pol.audit.log.empty()) return "";
  return pol.audit.log.front() == '/' ? pol.audit.log : repo.git_dir() + pol.audit.log;
}

policy::Policy load_policy(const GlobalOptions& opts, const git::Libgit2Repository& repo) {
  trace::Phase phase("load policy");
  policy::PolicySources sources;
  const std::string system = system_config_path();
  const std::string in_git_dir = repo.git_dir() + policy::Policy::k_policy_file;
  sources.host_places = {system, in_git_dir};
  for (const auto& path : {system, in_git_dir}) {
    if (files::is_regular_file(path)) sources.host.push_back({path, policy::read_policy_file(path)});
  }
  if (!opts.config.empty()) sources.host.push_back({opts.config, policy::read_policy_file(opts.config)});
  bool without_file = false;
  // A clone reads the canonical remote's policy where install mirrors it
  // (clone_view.hpp), never another remote's (a fork's).
  std::string policy_ref = policy::Policy::k_policy_ref;
  if (const std::string remote = canonical_remote(repo); is_mirrored(repo, remote)) {
    policy_ref = mirror_dir(remote) + std::string(policy::Policy::k_policy_ref).substr(5);
  }
  for (const auto& r : repo.refs(policy_ref)) {
    if (r.name != policy_ref) continue;
    auto text = repo.read_file(r.target, policy::Policy::k_policy_file);
    if (text) sources.versioned = {std::string(policy::Policy::k_policy_ref) + ":" + policy::Policy::k_policy_file, *text};
    else without_file = true;
  }
  auto loaded = policy::layer_policy(sources);
  if (without_file && loaded.policy.host.versioned) {
    throw Error(std::string(policy::Policy::k_policy_ref) + " has no " + policy::Policy::k_policy_file +
                "; the administrator can set [policy] versioned = false in " + in_git_dir + " until it is fixed");
  }
  for (const auto& w : loaded.warnings) log::warn(w);
  repo.bound_tree_walks(loaded.policy.host.tree_entries);
  return std::move(loaded.policy);
}

policy::Policy load_policy_for_one_push(const GlobalOptions& opts, git::Libgit2Repository& repo) {
  auto pol = load_policy(opts, repo);
  repo.limit_tree_entries(pol.host.push_tree_entries);
  return pol;
}

namespace {
// An override's reason is what the audit log keeps of it: one that is empty
// or blank is refused (`how` says how to give one).
std::string with_reason(const std::string& reason, const std::string& how) {
  if (trim(reason).empty()) throw Error("an override needs a reason, for the audit log: " + how);
  return reason;
}

// A2 on the server: `git push -o relgate.override=<reason>` (git hands push
// options to pre-receive as GIT_PUSH_OPTION_<i>).
std::optional<std::string> override_from_push_options() {
  const char* count = std::getenv("GIT_PUSH_OPTION_COUNT");
  if (!count) return std::nullopt;
  int n = std::atoi(count);
  const std::string key = "relgate.override=";
  for (int i = 0; i < n && i < 1000; ++i) {
    const char* opt = std::getenv(("GIT_PUSH_OPTION_" + std::to_string(i)).c_str());
    if (opt && starts_with(opt, key)) return with_reason(opt + key.size(), "git push -o relgate.override=\"<reason>\"");
  }
  return std::nullopt;
}

std::optional<std::string> override_from_env() {
  const char* v = std::getenv("RELGATE_OVERRIDE");
  if (v && *v) return with_reason(v, "RELGATE_OVERRIDE=\"<reason>\" git push ...");
  return std::nullopt;
}
} // namespace

// How long a server hook waits for the pushes accepted before it.
constexpr std::chrono::milliseconds k_journal_wait{20000};

namespace {
// The journal of this push: its receive-pack found among relgate's
// ancestors; on GitLab, where custom hooks run inside Gitaly, the one whose
// gitaly-hooks shares relgate's quarantine directory, else an entry without
// one (push_journal.hpp).
PushJournal journal_of(const git::Libgit2Repository& repo) {
  const char* gl = std::getenv("GL_ID");
  const bool gitlab = gl && *gl;
  auto owner = PushJournal::receiving_process();
  if (!owner && gitlab) {
    const char* objects = std::getenv("GIT_OBJECT_DIRECTORY");
    owner = PushJournal::receiving_process_of_objects(objects ? objects : "");
  }
  return PushJournal(repo.git_dir(), owner, gitlab);
}

// How long a push waits for those accepted before it: k_journal_wait, but
// on GitHub Enterprise Server (GITHUB_REPO_NAME set) 3 s, so that relgate,
// not GitHub's 5-second limit on pre-receive hooks, says why it refuses.
std::chrono::milliseconds landing_wait() {
  const char* ghes = std::getenv("GITHUB_REPO_NAME");
  return ghes && *ghes ? std::chrono::milliseconds{3000} : k_journal_wait;
}

// The refs a server hook judges against, once the pushes accepted before
// it have landed (or failed).
policy::RefMap settled_refs(PushJournal& journal, const git::Libgit2Repository& repo, const policy::Policy& pol) {
  return journal.settle(
      landing_wait(), [&] { return current_refs(repo, pol); },
      [&](const std::string& ref) { return repo.ref_target(ref); });
}
} // namespace

int run_pre_receive(const GlobalOptions& opts, bool refused, const std::string& chained) {
  if (refused) {
    // The hook chained after relgate refused the push it accepted.
    auto& repo = open_repo(opts);
    journal_of(repo).forget(k_journal_wait, std::nullopt);
    return k_exit_accepted;
  }
  auto input = read_all(std::cin, "pre-receive input");
  auto updates = parse_pre_receive(input);
  auto& repo = open_repo(opts);
  updates = as_written(repo, std::move(updates));
  auto pol = load_policy_for_one_push(opts, repo);
  require_objects(repo, updates);
  AuditRecord audit(audit_path(repo, pol), "pre-receive");
  policy::Request request;
  int rc;
  {
    // One push judged at a time, after the pushes accepted before it have
    // landed (push_journal.hpp). The lock is released before the chained
    // hook runs.
    PushJournal journal = journal_of(repo);
    request.before = settled_refs(journal, repo, pol);
    request.updates = std::move(updates);
    request.override_reason = override_from_push_options();
    rc = judge_and_report(repo, pol, request, "nothing was changed", &audit);
    if (rc == 0) record_accepted(journal, request.updates, audit);
  }
  if (rc == 0 && !chained.empty()) {
    rc = run_chained(chained, {}, input, audit, [&] { journal_of(repo).forget(k_journal_wait, std::nullopt); });
  }
  audit.write();
  return rc;
}

int run_update(const GlobalOptions& opts, const std::string& ref, const std::string& old_id, const std::string& new_id,
               bool refused, const std::string& chained) {
  policy::RefUpdate u{parse_ref_name(ref, "update"), parse_object_id(old_id, "update"), parse_object_id(new_id, "update")};
  auto& repo = open_repo(opts);
  u = as_written(repo, {u}).front();
  if (refused) {
    journal_of(repo).forget(k_journal_wait, u);
    return k_exit_accepted;
  }
  auto pol = load_policy_for_one_push(opts, repo);
  require_objects(repo, {u});
  AuditRecord audit(audit_path(repo, pol), "update");
  policy::Request request;
  int rc;
  {
    PushJournal journal = journal_of(repo);
    request.before = settled_refs(journal, repo, pol);
    request.updates = {u};
    request.offer_override = false; // git gives the update hook no push options
    rc = judge_and_report(repo, pol, request, u.ref + " was not updated", &audit);
    if (rc == 0) record_accepted(journal, request.updates, audit);
  }
  // git gives push options to pre-receive only: a maintainer's override
  // never reaches this hook.
  if (rc == k_exit_rejected && !pol.access.maintainers.empty() && pol.access.is_maintainer(pusher(pol))) {
    log::error("relgate: overrides need the pre-receive hook (this server runs relgate as the update hook, which git "
               "gives no push options)");
  }
  if (rc == 0 && !chained.empty()) {
    rc = run_chained(chained, {ref, old_id, new_id}, std::nullopt, audit,
                     [&] { journal_of(repo).forget(k_journal_wait, u); });
  }
  audit.write();
  return rc;
}

int run_pre_push(const GlobalOptions& opts, const std::string& remote, const std::string& url) {
  return run_pre_push_input(opts, remote, url, read_all(std::cin, "pre-push input"));
}

int run_pre_commit(const GlobalOptions& opts) {
  auto env = [](const char* name) -> std::string {
    const char* v = std::getenv(name);
    if (!v || !*v) throw Error(std::string(name) + " is not set: relgate pre-commit runs under pre-commit's pre-push stage");
    return v;
  };
  // pre-commit (pre-push stage) names one pushed ref per run.
  std::string line = env("PRE_COMMIT_LOCAL_BRANCH") + " " + env("PRE_COMMIT_TO_REF") + " " +
                     env("PRE_COMMIT_REMOTE_BRANCH") + " " + env("PRE_COMMIT_FROM_REF") + "\n";
  const char* url = std::getenv("PRE_COMMIT_REMOTE_URL");
  return run_pre_push_input(opts, env("PRE_COMMIT_REMOTE_NAME"), url ? url : "", line);
}

int run_pre_push_input(const GlobalOptions& opts, const std::string& remote, const std::string& url,
                       const std::string& input) {
  auto& repo = open_repo(opts);
  auto pol = load_policy_for_one_push(opts, repo);
  run_state().fail_open = pol.client.fail_open_on_error;
  auto lines = parse_pre_push(input);
  // A fork's clone pushes to the person's fork too: only pushes to the
  // canonical remote are release pushes.
  const std::string canonical = canonical_remote(repo);
  if (!canonical.empty() && remote != canonical && repo.has_remote(remote)) {
    log::warn("relgate: note: relgate judges pushes to " + canonical + " (relgate.remote); this push to " + remote +
              " is not checked");
    return k_exit_accepted;
  }
  policy::Request request;
  request.advisory = true;
  request.remote = remote.empty() ? url : remote;
  request.override_reason = override_from_env();
  // The remote as best known here: its branches from remote-tracking refs,
  // its tags, freeze declarations and CI notes from install's mirror (else
  // the local ones, which may hold tags the remote never took).
  request.before = clone_refs(repo, pol, remote, false);
  if (!is_mirrored(repo, remote) && repo.has_remote(remote)) {
    log::warn("relgate: note: this clone takes its local tags for " + remote +
              "'s releases; to track the remote's own, run: relgate install --remote " + remote);
  }
  // What git told us the remote has for the refs being pushed is exact.
  for (const auto& l : lines) {
    const std::string ref = as_written_remote(repo, remote, l.remote_ref);
    if (is_zero_id(l.remote_id)) request.before.erase(ref);
    else request.before[ref] = l.remote_id;
    request.updates.push_back({ref, l.remote_id, l.local_id});
  }
  return judge_and_report(repo, pol, request, "nothing was pushed");
}

int run_check(const GlobalOptions& opts, const std::vector<std::string>& args, const std::string& remote_opt) {
  if (args.empty() || args.size() % 3 != 0) {
    throw Error("check takes REF OLD NEW triples (old or new 0 for a ref that is created or deleted)");
  }
  auto& repo = open_repo(opts);
  // OLD and NEW are object ids (all zeros: none) or any revision git
  // understands (v0.1.0-rc1, origin/main, HEAD~2), as for `ci record`.
  auto object = [&repo](const std::string& arg) {
    bool zeros = !arg.empty() && arg.find_first_not_of('0') == std::string::npos;
    bool id = (arg.size() == 40 || arg.size() == 64) && is_hex(arg);
    return zeros || id ? parse_object_id(arg, "check") : repo.resolve_commit(arg);
  };
  std::vector<policy::RefUpdate> updates;
  for (std::size_t i = 0; i < args.size(); i += 3) {
    updates.push_back({parse_ref_name(args[i], "check"), object(args[i + 1]), object(args[i + 2])});
  }
  auto pol = load_policy_for_one_push(opts, repo);
  require_objects(repo, updates);
  // In a clone or a CI runner (actions/checkout makes only the pushed ref
  // local; main is refs/remotes/origin/main) the remote's state counts,
  // never a missing or stale local branch.
  std::string remote = view_remote(repo, remote_opt);
  if (!remote.empty() && repo.refs("refs/remotes/" + remote + "/").empty()) {
    if (!remote_opt.empty()) throw Error("there are no remote-tracking refs of " + remote + " here: git fetch " + remote);
    remote.clear();
  }
  if (remote.empty() && !repo.is_bare()) {
    log::warn("relgate: note: no remote-tracking refs here: judged against this clone's own branches");
  }
  policy::Request request;
  request.before = remote.empty() ? current_refs(repo, pol) : clone_refs(repo, pol, remote, true);
  request.remote = remote.empty() ? "origin" : remote;
  // check runs after the fact as often as before it: the state before the
  // push is the refs with the given updates undone.
  for (const auto& u : updates) {
    if (is_zero_id(u.old_id)) request.before.erase(u.ref);
    else request.before[u.ref] = u.old_id;
  }
  request.updates = std::move(updates);
  int rc = judge_and_report(repo, pol, request, "the push would be refused");
  std::cout << (rc == k_exit_accepted ? "accepted" : "rejected") << '\n';
  return rc;
}

} // namespace relgate::cli
