#include "cli/install.hpp"

#include "cli/clone_view.hpp"
#include "cli/gitolite.hpp"
#include "cli/platforms.hpp"
#include "git/libgit2_repository.hpp"
#include "policy/policy_loader.hpp"
#include "util/embedded.hpp"
#include "util/error.hpp"
#include "util/process.hpp"
#include "util/text.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace relgate::cli {

namespace {

const std::string k_marker(k_hook_marker);
// git passes push options to pre-receive and post-receive only.
const std::string k_update_overrides =
    "overrides (git push -o relgate.override=...) need the pre-receive hook: git gives push options to "
    "pre-receive, not to update";
const std::string k_chained_suffix = ".relgate-chained";
// Earlier relgate fetched the policy into refs/meta/relgate: first with an
// exact refspec, which makes every fetch and pull fail with "couldn't find
// remote ref" while the remote has no policy ref (doctor reports it), then
// with a pattern. install now mirrors the canonical remote's refs instead
// (clone_view.hpp: patterns, so a ref the remote lacks fails nothing) and
// replaces both.
const std::string k_exact_policy_refspec = "+refs/meta/relgate:refs/meta/relgate";
const std::string k_old_policy_refspec = "+refs/meta/relgate*:refs/meta/relgate*";

// Whether a fetch refspec is one of relgate's (any remote's mirror, or an
// older policy refspec).
bool relgate_refspec(const std::string& refspec) {
  return refspec == k_exact_policy_refspec || refspec == k_old_policy_refspec ||
         refspec.find(":refs/relgate/remotes/") != std::string::npos;
}

std::string self_path() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "relgate";
  return std::string(buf, static_cast<std::size_t>(n));
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

bool executable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

void write_executable(const std::string& path, const std::string& content) {
  std::string tmp = path + ".relgate-tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error("cannot write " + tmp + ": " + std::strerror(errno));
    out << content;
    if (!out.flush()) throw Error("cannot write " + tmp);
  }
  if (::chmod(tmp.c_str(), 0755) != 0 || std::rename(tmp.c_str(), path.c_str()) != 0) {
    throw Error("cannot install " + path + ": " + std::strerror(errno));
  }
}

void make_dirs(const std::string& dir) {
  std::string partial;
  for (std::size_t i = 0; i < dir.size(); ++i) {
    partial += dir[i];
    if ((dir[i] == '/' || i + 1 == dir.size()) && partial.size() > 1) {
      if (::mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST) {
        throw Error("cannot create " + partial + ": " + std::strerror(errno));
      }
    }
  }
}

std::string hook_script(const std::string& hook, const PlatformKind& kind) {
  std::string script(kind.script(hook));
  const std::string placeholder = "@RELGATE_BIN@";
  auto pos = script.find(placeholder);
  if (pos != std::string::npos) script.replace(pos, placeholder.size(), self_path());
  return script;
}

const PlatformKind& platform_of(const InstallOptions& opts) {
  if (const auto* kind = find_platform_kind(opts.platform)) return *kind;
  throw Error(unknown_platform(opts.platform));
}

// A platform whose hook goes in no repository (GHES) has no target
// (uninstall says so before it asks).
Target target_of(const git::Libgit2Repository& repo, const std::string& hook, const PlatformKind& kind,
                 const std::optional<gitolite::Site>& site) {
  if (!kind.target) throw Error(unknown_platform(kind.name));
  return kind.target(repo, hook, site);
}

// Says what install/uninstall does, each line starting with its verb:
// "would install ..." with --dry-run, "installed ..." once done.
struct Plan {
  bool dry_run;
  void say(const std::string& what) const {
    static const std::pair<std::string_view, std::string_view> past[] = {
        {"install ", "installed "}, {"update ", "updated "}, {"remove ", "removed "}, {"add ", "added "},
        {"keep ", "kept "},         {"put ", "put "},       {"set ", "set "},         {"unset ", "unset "},
        {"write ", "wrote "}};
    std::string line = what;
    if (!dry_run) {
      for (const auto& [now, done] : past) {
        if (line.compare(0, now.size(), now) == 0) {
          line = std::string(done) + line.substr(now.size());
          break;
        }
      }
    }
    std::cout << "relgate: " << (dry_run ? "would " : "") << line << '\n';
  }
};

std::string choose_hook(const git::Libgit2Repository& repo, const InstallOptions& opts) {
  if (opts.server && !repo.is_bare()) {
    throw Error("--server needs a bare repository (the canonical one on the server)");
  }
  std::string hook = opts.hook.empty() ? (repo.is_bare() ? "pre-receive" : "pre-push") : opts.hook;
  if (hook != "pre-push" && hook != "pre-receive" && hook != "update") {
    throw Error("unknown hook \"" + hook + "\" (use pre-push, pre-receive or update)");
  }
  if (hook == "pre-push" && repo.is_bare()) {
    throw Error("a bare repository takes the server hooks (pre-receive or update), not pre-push");
  }
  if (hook != "pre-push" && !repo.is_bare()) {
    throw Error("the " + hook + " hook runs on the server: install it into the bare repository (--repo DIR)");
  }
  return hook;
}

bool has_refspec(const git::Libgit2Repository& repo, const std::string& remote, const std::string& refspec) {
  auto values = repo.config_values("remote." + remote + ".fetch");
  return std::find(values.begin(), values.end(), refspec) != values.end();
}

// Multi-valued keys are written by git itself: libgit2's multivar writes
// match values with a regex (and leak its match data under LeakSanitizer).
void git_config(const git::Libgit2Repository& repo, std::vector<std::string> args) {
  std::vector<std::string> argv{"git", "--git-dir=" + repo.git_dir(), "config"};
  argv.insert(argv.end(), args.begin(), args.end());
  int rc = process::call(argv);
  // 5: --unset-all found nothing to remove.
  if (rc != 0 && !(rc == 5 && args.front() == "--unset-all")) {
    throw Error("git config " + args.front() + " " + args[args.size() - 2] + " failed (exit " + std::to_string(rc) + ")");
  }
}

void add_fetch_refspec(const git::Libgit2Repository& repo, const std::string& remote, const std::string& refspec) {
  git_config(repo, {"--add", "remote." + remote + ".fetch", refspec});
}

void remove_fetch_refspec(const git::Libgit2Repository& repo, const std::string& remote, const std::string& refspec) {
  git_config(repo, {"--unset-all", "--fixed-value", "remote." + remote + ".fetch", refspec});
}

// The client's side of install: `remote` becomes the canonical remote, its
// release refs are mirrored (and pruned, so that an ended freeze leaves the
// clone), and no other remote's relgate refspecs are left (a fork's policy
// and tags must not mix with upstream's).
void install_client_view(git::Libgit2Repository& repo, const policy::Policy& pol, const std::string& remote,
                         const Plan& plan) {
  for (const auto& other : repo.remotes()) {
    for (const auto& refspec : repo.config_values("remote." + other + ".fetch")) {
      bool wanted = other == remote && refspec != k_exact_policy_refspec && refspec != k_old_policy_refspec;
      if (!relgate_refspec(refspec) || wanted) continue;
      plan.say("remove " + refspec + " from remote." + other + ".fetch" +
               (refspec == k_exact_policy_refspec ? " (git fetch fails when " + other + " has no policy ref)" : ""));
      if (!plan.dry_run) remove_fetch_refspec(repo, other, refspec);
    }
  }
  for (const auto& refspec : mirror_refspecs(pol, remote)) {
    if (has_refspec(repo, remote, refspec)) continue;
    plan.say("add " + refspec + " to remote." + remote + ".fetch (" + remote + "'s release refs and versioned policy)");
    if (!plan.dry_run) add_fetch_refspec(repo, remote, refspec);
  }
  if (repo.config_values("relgate.remote") != std::vector<std::string>{remote}) {
    plan.say("set relgate.remote = " + remote + " (pushes to " + remote + " are judged)");
    if (!plan.dry_run) repo.set_config("relgate.remote", remote);
  }
  if (repo.config_values("remote." + remote + ".prune").empty()) {
    plan.say("set remote." + remote + ".prune = true (refs " + remote + " deleted leave the clone: an ended freeze)");
    if (!plan.dry_run) {
      repo.set_config("remote." + remote + ".prune", "true");
      repo.set_config("relgate.setprune", remote);
    }
  }
}

void uninstall_client_view(git::Libgit2Repository& repo, const Plan& plan) {
  for (const auto& remote : repo.remotes()) {
    for (const auto& refspec : repo.config_values("remote." + remote + ".fetch")) {
      if (!relgate_refspec(refspec)) continue;
      plan.say("remove " + refspec + " from remote." + remote + ".fetch");
      if (!plan.dry_run) remove_fetch_refspec(repo, remote, refspec);
    }
  }
  auto pruned = repo.config_values("relgate.setprune");
  if (!pruned.empty() && repo.has_remote(pruned.back())) {
    plan.say("unset remote." + pruned.back() + ".prune (install set it)");
    if (!plan.dry_run) git_config(repo, {"--unset-all", "remote." + pruned.back() + ".prune"});
  }
  for (const char* key : {"relgate.setprune", "relgate.remote"}) {
    if (repo.config_values(key).empty()) continue;
    plan.say(std::string("unset ") + key);
    if (!plan.dry_run) git_config(repo, {"--unset-all", key});
  }
}

// --- whose repository ---------------------------------------------------------

std::string user_name(uid_t uid) {
  const struct passwd* pw = ::getpwuid(uid);
  return pw ? std::string(pw->pw_name) : std::to_string(uid);
}

std::string absolute(const std::string& path) {
  char buf[PATH_MAX];
  return ::realpath(path.c_str(), buf) ? std::string(buf) : path;
}

std::string without_slash(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

// This run's command line, with the repository's absolute path, for a person
// to paste.
std::string same_command(const GlobalOptions& global, const std::string& command, const InstallOptions* opts,
                         const std::string& repo) {
  std::string cmd = shell_quote(self_path());
  if (!global.config.empty()) cmd += " --config " + shell_quote(absolute(global.config));
  cmd += " " + command + " --repo " + shell_quote(repo);
  if (opts) {
    if (opts->server) cmd += " --server";
    if (!opts->hook.empty()) cmd += " --hook " + shell_quote(opts->hook);
    if (opts->platform != InstallOptions{}.platform) cmd += " --platform " + opts->platform;
    if (opts->remote != "origin") cmd += " --remote " + shell_quote(opts->remote);
    if (opts->dry_run) cmd += " --dry-run";
  }
  return cmd;
}

// install, uninstall and doctor run as the repository's owner. git, and
// libgit2 (whose refusal read "config value 'safe.directory' was not
// found"), will not work in a repository another user owns; and what the
// hooks write there later (relgate.lock, relgate-pending/, the audit log)
// must stay writable by the account the hosting layer runs them as.
void require_owner(const GlobalOptions& global, const std::string& command, const InstallOptions* opts) {
  std::string path = global.repo_dir;
  if (path.empty()) {
    const char* git_dir = std::getenv("GIT_DIR");
    path = git_dir && *git_dir ? git_dir : ".";
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return; // opening it says why
  const uid_t me = ::geteuid();
  if (st.st_uid == me) return;
  const std::string owner = user_name(st.st_uid);
  const std::string where = absolute(path);
  if (me == 0) {
    throw Error(where + " belongs to " + owner + "; run relgate " + command + " as " + owner +
                ", so that what its hooks write there stays writable by " + owner + ": runuser -u " + owner + " -- " +
                same_command(global, command, opts, where));
  }
  throw Error(where + " belongs to " + owner + ", not to " + user_name(me) + ": run relgate " + command + " as " + owner);
}

// --- gitolite (gitolite.hpp) ----------------------------------------------------

std::optional<std::string> link_target(const std::string& path) {
  char buf[PATH_MAX];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
  if (n <= 0) return std::nullopt;
  return std::string(buf, static_cast<std::size_t>(n));
}

bool under(const std::string& path, const std::string& dir) {
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
}

// A plain install into a gitolite repository goes only where gitolite
// leaves relgate's hook alone.
void guard_gitolite(const git::Libgit2Repository& repo, const gitolite::Site& site, const std::string& hook) {
  const std::string arg = shell_quote(without_slash(repo.git_dir()));
  const std::string file = repo.git_dir() + "hooks/" + hook;
  if (hook == "update") {
    throw Error(file + " is gitolite's own hook (a link to " + site.admin_base +
                "/hooks/common/update): gitolite refuses every push without it and links it back on `gitolite setup`; "
                "run relgate inside it as a VREF instead: relgate install --server --platform gitolite --hook update --repo " +
                arg);
  }
  if (gitolite::is_multi_hook_driver(file)) {
    throw Error(file + " is gitolite's multi-hook-driver, which runs the repository-specific hooks " + file +
                ".* and deletes any other file there on gitolite's next compile; install relgate as one of them: "
                "relgate install --server --platform gitolite --repo " + arg);
  }
  auto target = link_target(file);
  if (target && (under(*target, site.admin_base) || (site.local_code && under(*target, *site.local_code)))) {
    throw Error(file + " is gitolite's (a link to " + *target +
                "), which gitolite links into every repository again on `gitolite setup`; install relgate there for every "
                "repository: relgate install --server --platform gitolite-common --repo " + arg);
  }
}

// The gitolite site of the repository when there is one; refuses what would
// break it.
std::optional<gitolite::Site> gitolite_site(const git::Libgit2Repository& repo, const PlatformKind& kind,
                                            const std::string& hook, bool installing) {
  auto site = gitolite::detect(repo.git_dir());
  const bool wanted = kind.gitolite != GitoliteHook::none;
  if (wanted && !site) {
    throw Error(without_slash(repo.git_dir()) +
                " is not a gitolite repository (its hooks/update is not a link to gitolite's .gitolite/hooks/common/update); "
                "use --platform plain");
  }
  if (!site) return site;
  if (wanted && !site->readable) throw Error("cannot read gitolite's rc file " + site->rc_file);
  if (installing && kind.own_hooks) guard_gitolite(repo, *site, hook);
  if (kind.gitolite == GitoliteHook::common && hook != "pre-receive") {
    throw Error("--platform gitolite-common installs the pre-receive hook only; hooks/update stays gitolite's (relgate as a "
                "VREF: relgate install --server --platform gitolite --hook update --repo " +
                shell_quote(without_slash(repo.git_dir())) + ")");
  }
  return site;
}

// What gitolite needs before it runs what install put under LOCAL_CODE:
// the exact rc and gitolite.conf lines.
void print_gitolite_steps(const git::Libgit2Repository& repo, const gitolite::Site& site, GitoliteHook place,
                          const std::string& hook) {
  const bool specific = place == GitoliteHook::repo_specific;
  const bool vref = specific && hook == "update";
  const std::string name = gitolite::repo_name(repo.git_dir());
  std::vector<std::string> rc;
  std::vector<std::string> enable;
  std::vector<std::string> conf;
  if (!site.local_code) rc.push_back("LOCAL_CODE => \"$ENV{HOME}/local\",");
  if (!vref && !site.push_options_key) {
    std::string keys = site.config_keys.value_or("");
    rc.push_back("GIT_CONFIG_KEYS => '" + (keys.empty() ? "" : keys + " ") + "receive\\.advertisePushOptions',");
  }
  if (specific && !vref && !site.repo_specific_hooks) enable.push_back("'repo-specific-hooks',");
  if (place == GitoliteHook::common) {
    conf = {"repo @all", "    config receive.advertisePushOptions = true"};
  } else if (vref) {
    conf = {"repo " + name, "    - VREF/relgate = @all"};
  } else {
    conf = {"repo " + name, "    option hook.pre-receive = relgate", "    config receive.advertisePushOptions = true"};
  }
  struct stat st {};
  const std::string account = ::stat(repo.git_dir().c_str(), &st) == 0 ? user_name(st.st_uid) : "gitolite's";
  int step = 1;
  std::cout << "relgate: gitolite runs it once these are in place:\n";
  if (!rc.empty() || !enable.empty()) {
    std::cout << "relgate: " << step++ << ". as " << account << ", in " << site.rc_file << ":\n";
    if (!rc.empty()) std::cout << "relgate:    inside %RC = ( ... ), in place of any line that sets the same key:\n";
    for (const auto& line : rc) std::cout << "        " << line << '\n';
    if (!enable.empty()) std::cout << "relgate:    in its ENABLE list:\n";
    for (const auto& line : enable) std::cout << "        " << line << '\n';
  }
  std::cout << "relgate: " << step++ << ". in conf/gitolite.conf of the gitolite-admin repository, then push it:\n";
  for (const auto& line : conf) std::cout << "        " << line << '\n';
  if (specific && !vref) {
    std::cout << "relgate:    (where the repository names more pre-receive hooks, relgate first: option hook.pre-receive = "
                 "relgate other ...)\n";
  }
  if (place == GitoliteHook::common) {
    std::cout << "relgate: " << step << ". as " << account
              << ", link it into every repository (gitolite-admin too): gitolite setup --hooks-only\n";
  }
  if (vref) {
    std::cout << "relgate: note: git gives push options to pre-receive hooks only: maintainers cannot override relgate "
                 "(git push -o relgate.override=...) through a VREF; the repository-specific hook can: relgate install "
                 "--server --platform gitolite --repo "
              << shell_quote(without_slash(repo.git_dir())) << '\n';
  }
}

// doctor: a hook that is gitolite's multi-hook-driver runs FILE.* in turn;
// whether relgate is among them.
template <typename Check>
bool doctor_driver(const std::string& file, const std::string& hook, Check& check_script) {
  std::cout << hook << ": " << file << " (gitolite's multi-hook-driver: runs " << file << ".* in turn)\n";
  const auto slash = file.rfind('/');
  const std::string dir = file.substr(0, slash + 1);
  const std::string prefix = file.substr(slash + 1) + ".";
  std::vector<std::string> entries;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.compare(0, prefix.size(), prefix) == 0) entries.push_back(name);
  }
  std::sort(entries.begin(), entries.end());
  bool any = false;
  for (const auto& name : entries) {
    auto text = read_file(dir + name);
    bool ours = text && text->find(k_marker) != std::string::npos;
    auto target = link_target(dir + name);
    std::cout << "  runs: " << dir + name << (target ? " -> " + *target : "") << (ours ? " (relgate)" : "") << '\n';
    if (!ours) continue;
    any = true;
    check_script(dir + name, *text);
  }
  return any;
}

// doctor: relgate's VREF, run by gitolite's update hook wherever
// gitolite.conf names it (read from gitolite's compiled conf).
bool doctor_vref(const std::string& git_dir, const gitolite::Site& site) {
  const auto vref = gitolite::relgate_vref(git_dir, site, k_hook_marker);
  if (!vref) return false;
  switch (vref->named_by) {
  case gitolite::Vref::NamedBy::own_rules:
    std::cout << "update: gitolite's update hook runs relgate's VREF " << vref->path
              << " (gitolite.conf: - VREF/relgate = @all; no overrides: push options reach pre-receive only)\n";
    return true;
  case gitolite::Vref::NamedBy::group_rules:
    std::cout << "update: gitolite's update hook runs relgate's VREF " << vref->path
              << " where gitolite.conf's rules for groups and patterns name it (not in this repository's own rules)\n";
    return true;
  case gitolite::Vref::NamedBy::nothing: break;
  }
  std::cout << "update: relgate's VREF " << vref->path
            << " is there, but no rule in gitolite.conf names it (- VREF/relgate = @all)\n";
  return false;
}

// doctor: what the server hooks write into the git directory must stay the
// owner's (the account the hosting layer runs hooks as).
template <typename Problem>
void doctor_written_files(const git::Libgit2Repository& repo, Problem& problem) {
  struct stat dir {};
  if (::stat(repo.git_dir().c_str(), &dir) != 0) return;
  for (const char* name : {"relgate.lock", "relgate-pending", "relgate-audit.log"}) {
    const std::string path = repo.git_dir() + name;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || st.st_uid == dir.st_uid) continue;
    const std::string owner = user_name(dir.st_uid);
    problem(path + " belongs to " + user_name(st.st_uid) + ", not to " + owner +
            ", who owns the repository: pushes fail while the hooks cannot write it: chown -R " + shell_quote(owner) + " " +
            shell_quote(path));
  }
}

int install_ghes(const Plan& plan) {
  // GitHub Enterprise runs pre-receive scripts from a hook repository inside
  // a chroot environment it builds from a tarball; relgate cannot put itself
  // there, so it writes the script and says how.
  const std::string file = "relgate-ghes-pre-receive.sh";
  std::string script(embedded::hook_pre_receive);
  auto pos = script.find("@RELGATE_BIN@");
  if (pos != std::string::npos) script.replace(pos, 13, "/usr/local/bin/relgate");
  // The plain hook's note on how it was installed is not true here.
  const auto from = script.find("# Installed by");
  const auto to = script.find("default_bin=");
  if (from != std::string::npos && to != std::string::npos && from < to) {
    script.replace(from, to - from,
                   "# GitHub Enterprise Server: written by `relgate install --platform ghes`, run in a\n"
                   "# pre-receive hook environment whose image holds /usr/local/bin/relgate. The pusher\n"
                   "# is GITHUB_USER_LOGIN; overrides come as GIT_PUSH_OPTION_*; GitHub stops the hook\n"
                   "# after 5 s, and relgate waits at most 3 s for an earlier push (GITHUB_REPO_NAME).\n");
  }
  plan.say("write " + file + " (the pre-receive script for GitHub Enterprise Server)");
  if (!plan.dry_run) write_executable(file, script);
  std::cout << "relgate: GitHub Enterprise Server, in short:\n"
               "  1. build a pre-receive environment (a chroot tarball) that holds /usr/local/bin/relgate and its\n"
               "     libraries: e.g. a debian:12 image with the relgate .deb installed, exported as a tarball;\n"
               "  2. upload it in Site admin > Pre-receive hook environments;\n"
               "  3. commit " << file << " to a hook repository and add the hook in Site admin > Pre-receive hooks,\n"
               "     using that environment. GitHub stops pre-receive hooks after 5 seconds; relgate waits at most\n"
               "     3 s for a push accepted before (GITHUB_REPO_NAME set) and then refuses, saying why.\n";
  return 0;
}

// GitLab's host-wide hooks: Gitaly runs <custom_hooks_dir>/pre-receive.d/*
// after each repository's own custom hooks (internal/gitaly/hook/custom.go),
// for every repository it serves, those created later included.
int install_gitlab_global(const Plan& plan, const InstallOptions& opts, const PlatformKind& kind, bool installing) {
  if (!kind.host_wide_hooks)
    throw Error("--custom-hooks-dir is Gitaly's custom_hooks_dir: use it with --platform gitlab");
  const std::string dir = without_slash(absolute(opts.custom_hooks_dir)) + "/pre-receive.d/";
  const std::string file = dir + "relgate";
  auto existing = read_file(file);
  const bool ours = existing && existing->find(k_marker) != std::string::npos;
  if (existing && !ours) throw Error(file + " exists and is not relgate's; move it away and " + (installing ? "install" : "uninstall") + " again");
  if (!installing) {
    if (!ours) {
      std::cout << "relgate: no relgate pre-receive hook in " << dir << '\n';
      return 0;
    }
    plan.say("remove " + file);
    if (!opts.dry_run && std::remove(file.c_str()) != 0) throw Error("cannot remove " + file + ": " + std::strerror(errno));
    return 0;
  }
  const std::string script = hook_script("pre-receive", kind);
  if (existing && *existing == script) {
    std::cout << "relgate: the pre-receive hook is already installed in " << dir << '\n';
    return 0;
  }
  plan.say(std::string(ours ? "update" : "install") + " the pre-receive hook for every repository of this Gitaly as " + file);
  if (!opts.dry_run) {
    make_dirs(dir);
    write_executable(file, script);
  }
  std::cout << "relgate: Gitaly runs it after each repository's own custom hooks; it must be the directory of\n"
               "  [hooks] custom_hooks_dir in Gitaly's config.toml (Linux package: gitaly['configuration'] in gitlab.rb)\n";
  return 0;
}

} // namespace

// A hooks directory the project tracks (core.hooksPath = .githooks, husky,
// lefthook): a hook written there names this machine's binary and would be
// committed for the whole team.
void refuse_tracked_hooks_dir(const git::Libgit2Repository& repo, const Target& t) {
  const std::string top = repo.work_dir();
  if (top.empty() || t.dir.compare(0, top.size(), top) != 0) return;
  auto tracked = process::output({"git", "-C", top, "ls-files", "--", t.dir.substr(top.size())});
  if (!tracked || tracked->empty()) return;
  throw Error("the hooks directory " + t.dir.substr(top.size()) +
              " is tracked by git (core.hooksPath): relgate will not write a hook there that names this machine's binary; "
              "have the team's hook run it instead, e.g. add to its pre-push: relgate pre-push \"$@\"");
}

int run_install(const GlobalOptions& global, const InstallOptions& opts) {
  Plan plan{opts.dry_run};
  const PlatformKind& kind = platform_of(opts);
  if (kind.outside_repository) return install_ghes(plan);
  if (!opts.custom_hooks_dir.empty()) return install_gitlab_global(plan, opts, kind, true);
  require_owner(global, "install", &opts);
  auto repo = git::Libgit2Repository::open(global.repo_dir);
  const std::string hook = choose_hook(*repo, opts);
  const auto site = gitolite_site(*repo, kind, hook, true);
  const Target t = target_of(*repo, hook, kind, site);
  if (hook == "pre-push") refuse_tracked_hooks_dir(*repo, t);
  const std::string chained = t.file + k_chained_suffix;
  const std::string script = hook_script(hook, kind);

  auto existing = read_file(t.file);
  bool ours = existing && existing->find(k_marker) != std::string::npos;
  if (existing && *existing == script) {
    std::cout << "relgate: the " << hook << " hook is already installed in " << t.dir << '\n';
  } else {
    if (existing && !ours) {
      if (!t.chain) throw Error(t.file + " exists and is not relgate's; move it away and install again");
      if (exists(chained)) {
        throw Error(t.file + " is not relgate's, and " + chained + " exists already; move one of them away and install again");
      }
      plan.say("keep the existing " + hook + " hook running after relgate, as " + chained);
      if (!opts.dry_run && std::rename(t.file.c_str(), chained.c_str()) != 0) {
        throw Error("cannot move " + t.file + " to " + chained + ": " + std::strerror(errno));
      }
    }
    plan.say(std::string(ours ? "update" : "install") + " the " + hook + " hook as " + t.file);
    if (!opts.dry_run) {
      make_dirs(t.dir);
      write_executable(t.file, script);
    }
  }
  if (hook == "pre-push") {
    if (repo->has_remote(opts.remote)) {
      // The freeze and notes refs are host configuration; a policy that
      // does not load yet (doctor says why) leaves the built-in ones.
      policy::Policy pol = policy::builtin_policy();
      try {
        pol = load_policy(global, *repo);
      } catch (const Error&) {
      }
      install_client_view(*repo, pol, opts.remote, plan);
    } else {
      std::cout << "relgate: no remote named " << printable(opts.remote)
                << " yet: pushes are judged against this clone's own refs; once it exists: relgate install --remote "
                << opts.remote << '\n';
    }
  } else if (kind.gitolite != GitoliteHook::none) {
    print_gitolite_steps(*repo, *site, kind.gitolite, hook);
  } else if (hook == "pre-receive" && kind.sets_push_options &&
             repo->config_values("receive.advertisePushOptions") != std::vector<std::string>{"true"}) {
    plan.say("set receive.advertisePushOptions = true (maintainers override with git push -o relgate.override=...)");
    if (!opts.dry_run) {
      repo->set_config("receive.advertisePushOptions", "true");
      repo->set_config("relgate.setadvertisepushoptions", "true"); // uninstall takes it back
    }
  }
  // Releases are dated by when they were pushed (a final tag sits on an
  // older commit by design): git's reflog keeps that once it logs tags too.
  if (hook != "pre-push" && repo->config_values("core.logAllRefUpdates").empty()) {
    plan.say("set core.logAllRefUpdates = always (status dates releases by when they were pushed)");
    if (!opts.dry_run) {
      repo->set_config("core.logAllRefUpdates", "always");
      repo->set_config("relgate.setlogallrefupdates", "true");
    }
  }
  if (hook == "update") std::cout << "relgate: note: " << k_update_overrides << '\n';
  if (site && kind.own_hooks) {
    std::cout << "relgate: gitolite: " << t.file
              << " stays relgate's until gitolite.conf gives this repository repository-specific pre-receive hooks; "
                 "then install it as one of them: relgate install --server --platform gitolite --repo "
              << shell_quote(without_slash(repo->git_dir())) << '\n';
  }
  return 0;
}

int run_uninstall(const GlobalOptions& global, const InstallOptions& opts) {
  Plan plan{opts.dry_run};
  const PlatformKind& kind = platform_of(opts);
  if (!opts.custom_hooks_dir.empty()) return install_gitlab_global(plan, opts, kind, false);
  if (kind.outside_repository) {
    throw Error("relgate installs no hook for --platform " + std::string(kind.name) +
                " in a repository: the site admin removes or disables it in Site admin > Pre-receive hooks");
  }
  require_owner(global, "uninstall", &opts);
  auto repo = git::Libgit2Repository::open(global.repo_dir);
  const std::string hook = choose_hook(*repo, opts);
  const auto site = gitolite_site(*repo, kind, hook, false);
  const Target t = target_of(*repo, hook, kind, site);
  const std::string chained = t.file + k_chained_suffix;
  auto existing = read_file(t.file);
  if (!existing || existing->find(k_marker) == std::string::npos) {
    std::cout << "relgate: no relgate " << hook << " hook in " << t.dir << '\n';
  } else if (exists(chained)) {
    plan.say("put the previous " + hook + " hook back (" + chained + " -> " + t.file + ")");
    if (!opts.dry_run && std::rename(chained.c_str(), t.file.c_str()) != 0) {
      throw Error("cannot restore " + t.file + ": " + std::strerror(errno));
    }
  } else {
    plan.say("remove " + t.file);
    if (!opts.dry_run && std::remove(t.file.c_str()) != 0) throw Error("cannot remove " + t.file + ": " + std::strerror(errno));
  }
  if (hook == "pre-push") uninstall_client_view(*repo, plan);
  for (const auto& [marker, key] : {std::pair<std::string, std::string>{"relgate.setadvertisepushoptions", "receive.advertisePushOptions"},
                                     {"relgate.setlogallrefupdates", "core.logAllRefUpdates"}}) {
    if (hook == "pre-push" || repo->config_values(marker).empty()) continue;
    plan.say("unset " + key + " (install set it)");
    if (!opts.dry_run) {
      git_config(*repo, {"--unset-all", key});
      git_config(*repo, {"--unset-all", marker});
    }
  }
  if (kind.gitolite == GitoliteHook::repo_specific) {
    std::cout << "relgate: then take it out of gitolite.conf (in the gitolite-admin repository): "
              << (hook == "update" ? "the rule - VREF/relgate = @all" : "relgate in option hook.pre-receive") << '\n';
  } else if (kind.gitolite == GitoliteHook::common) {
    std::cout << "relgate: each repository's hooks/pre-receive link to it now points nowhere, and git skips it\n";
  }
  return 0;
}

int run_doctor(const GlobalOptions& global) {
  require_owner(global, "doctor", nullptr);
  auto repo = git::Libgit2Repository::open(global.repo_dir);
  int problems = 0;
  auto problem = [&](const std::string& what) {
    std::cout << "  problem: " << what << '\n';
    ++problems;
  };
  std::cout << "repository: " << repo->git_dir() << (repo->is_bare() ? " (bare: server hooks)" : " (clone: pre-push)")
            << '\n';
  std::cout << "hooks directory git uses: " << repo->hooks_dir() << '\n';
  const std::string default_dir = repo->git_dir() + "hooks/";
  std::vector<std::string> hooks = repo->is_bare() ? std::vector<std::string>{"pre-receive", "update"}
                                                   : std::vector<std::string>{"pre-push"};
  bool any = false;
  // A relgate script: executable, and the binary it calls is there.
  auto check_script = [&](const std::string& file, const std::string& text) {
    if (!executable(file)) problem(file + " is not executable: chmod +x " + file);
    auto line_start = text.find("default_bin='");
    if (line_start != std::string::npos) {
      auto begin = line_start + 13;
      std::string bin = text.substr(begin, text.find('\'', begin) - begin);
      if (!bin.empty() && bin.front() == '/' && !executable(bin)) problem("the hook calls " + bin + ", which is not there");
      else std::cout << "  calls: " << bin << '\n';
    }
  };
  const auto site = repo->is_bare() ? gitolite::detect(repo->git_dir()) : std::nullopt;
  if (site) std::cout << "gitolite: " << site->admin_base << " (hooks/update is gitolite's own; relgate leaves it alone)\n";
  for (const auto& hook : hooks) {
    std::string file = repo->hooks_dir() + hook;
    if (site && gitolite::is_multi_hook_driver(file)) {
      any = doctor_driver(file, hook, check_script) || any;
      continue;
    }
    auto text = read_file(file);
    if (!text) continue;
    bool ours = text->find(k_marker) != std::string::npos;
    auto target = link_target(file);
    std::cout << hook << ": " << file;
    if (site && hook == "update" && target && under(*target, site->admin_base)) {
      std::cout << " (gitolite's)";
    } else {
      std::cout << (ours ? " (relgate" : " (not relgate's");
      if (site && target && site->local_code && under(*target, *site->local_code + "/hooks/common")) {
        std::cout << "; gitolite's common hook " << *target << ", linked into every repository";
      }
      std::cout << ')';
    }
    std::cout << '\n';
    if (!ours) continue;
    any = true;
    check_script(file, *text);
    if (exists(file + k_chained_suffix)) std::cout << "  chains: " << file + k_chained_suffix << '\n';
    if (hook == "update") std::cout << "  note: " << k_update_overrides << '\n';
  }
  if (site) any = doctor_vref(repo->git_dir(), *site) || any;
  // What an earlier install left behind: a chained hook whose relgate hook is
  // gone (or, under gitolite, relgate's update hook that gitolite replaced).
  for (const auto& hook : hooks) {
    const std::string file = repo->hooks_dir() + hook;
    const std::string chained = file + k_chained_suffix;
    auto text = read_file(file);
    if (!exists(chained) || (text && text->find(k_marker) != std::string::npos)) continue;
    if (!exists(file)) {
      problem(chained + " is left over from relgate and git does not run it; put it back: mv " + shell_quote(chained) +
              " " + shell_quote(file));
    } else if (site && hook == "update") {
      problem(chained + " is left over from relgate's update hook, which gitolite replaced; gitolite's update hook is " +
              file + ": rm " + shell_quote(chained));
    } else {
      problem(chained + " is left over from relgate: " + file + " runs in its place" +
              (site && gitolite::is_multi_hook_driver(file) ? " and runs it too" : ", and it does not run") +
              "; compare the two and remove it: rm " + shell_quote(chained));
    }
  }
  if (repo->is_bare()) doctor_written_files(*repo, problem);
  if (repo->hooks_dir() != default_dir) {
    for (const auto& hook : hooks) {
      auto text = read_file(default_dir + hook);
      if (text && text->find(k_marker) != std::string::npos) {
        problem(default_dir + hook + " is shadowed by core.hooksPath (" + repo->hooks_dir() +
                "): git does not run it; run relgate install again");
      }
    }
  }
  if (!repo->is_bare()) {
    for (const auto& remote : repo->remotes()) {
      if (!has_refspec(*repo, remote, k_exact_policy_refspec)) continue;
      problem("remote." + remote + ".fetch has " + k_exact_policy_refspec + ": git fetch and git pull fail while " +
              remote + " has no policy ref; repair it with: relgate install --remote " + remote);
    }
  }
  if (const char* env = std::getenv("RELGATE"); env && *env && !executable(env)) {
    problem(std::string("RELGATE names ") + env + ", which is not an executable: the hooks refuse every push (unset RELGATE)");
  }
  if (const std::string remote = canonical_remote(*repo); is_mirrored(*repo, remote) &&
                                                        !exists(repo->git_dir() + "FETCH_HEAD")) {
    std::cout << "note: " << remote << " not fetched since install: git fetch " << remote
              << " brings its tags, freeze declarations, CI results and policy\n";
  }
  if (!any) problem("relgate's hook is not installed: relgate install" + std::string(repo->is_bare() ? " --server" : ""));
  try {
    auto pol = load_policy(global, *repo);
    std::cout << "policy in force: " << pol.source << '\n';
    if (!pol.host.versioned) std::cout << "versioned policy: not read (policy.versioned = false)\n";
    if (!pol.host.pins.empty()) std::cout << "pinned by the host: " << join(pol.host.pins, ", ") << '\n';
    if (pol.ci.provider == "notes") {
      std::cout << "CI results: " << pol.ci.notes_ref
                << (pol.access.ci_writers.empty()
                        ? ", unverified (access.ci_writers is not set: anyone who may push can write them)"
                        : ", written only by " + join(pol.access.ci_writers, ", ") + " (A3)")
                << '\n';
    }
  } catch (const Error& e) {
    problem(std::string("the policy does not load: ") + e.what() +
            (repo->is_bare() ? " (the server refuses every push until it is fixed)"
                             : " (this clone's pre-push hook stops every push until it is fixed)"));
  }
  std::cout << (problems ? "relgate: " + std::to_string(problems) + " problem(s)\n" : "relgate: all is well\n");
  return problems ? 1 : 0;
}

} // namespace relgate::cli
