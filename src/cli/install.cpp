#include "cli/install.hpp"

#include "git/libgit2_repository.hpp"
#include "policy/policy_loader.hpp"
#include "util/embedded.hpp"
#include "util/error.hpp"
#include "util/process.hpp"
#include "util/text.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

namespace relgate::cli {

namespace {

const std::string k_marker = "relgate-managed-hook";
// git passes push options to pre-receive and post-receive only.
const std::string k_update_overrides =
    "overrides (git push -o relgate.override=...) need the pre-receive hook: git gives push options to "
    "pre-receive, not to update";
const std::string k_chained_suffix = ".relgate-chained";
// A pattern: git fetch matches it against nothing, quietly, when the remote
// has no policy ref (the built-in policy, the default). An exact refspec
// makes every fetch and pull fail with "couldn't find remote ref"; earlier
// relgate added one, so install replaces it and doctor reports it.
const std::string k_policy_refspec = "+refs/meta/relgate*:refs/meta/relgate*";
const std::string k_exact_policy_refspec = "+refs/meta/relgate:refs/meta/relgate";

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

std::string hook_script(const std::string& hook) {
  std::string_view text = hook == "pre-push"      ? embedded::hook_pre_push
                          : hook == "pre-receive" ? embedded::hook_pre_receive
                                                  : embedded::hook_update;
  std::string script(text);
  const std::string placeholder = "@RELGATE_BIN@";
  auto pos = script.find(placeholder);
  if (pos != std::string::npos) script.replace(pos, placeholder.size(), self_path());
  return script;
}

// Where relgate's hook goes and whether a foreign hook there is chained.
struct Target {
  std::string dir;    // with a trailing slash
  std::string file;   // the hook file relgate owns
  bool chain = true;  // .d directories run every hook: nothing to chain
};

Target target_of(const git::Libgit2Repository& repo, const std::string& hook, const std::string& platform) {
  if (platform == "plain") return {repo.hooks_dir(), repo.hooks_dir() + hook, true};
  if (platform == "gitlab") {
    std::string dir = repo.git_dir() + "custom_hooks/" + hook + ".d/";
    return {dir, dir + "relgate", false};
  }
  if (platform == "gitea") {
    std::string dir = repo.git_dir() + "hooks/" + hook + ".d/";
    return {dir, dir + "relgate", false};
  }
  throw Error("unknown platform \"" + platform + "\" (use plain, gitlab, gitea or ghes)");
}

struct Plan {
  bool dry_run;
  void say(const std::string& what) const { std::cout << "relgate: " << (dry_run ? "would " : "") << what << '\n'; }
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

int install_ghes(const Plan& plan) {
  // GitHub Enterprise runs pre-receive scripts from a hook repository inside
  // a chroot environment it builds from a tarball; relgate cannot put itself
  // there, so it writes the script and says how.
  const std::string file = "relgate-ghes-pre-receive.sh";
  std::string script(embedded::hook_pre_receive);
  auto pos = script.find("@RELGATE_BIN@");
  if (pos != std::string::npos) script.replace(pos, 13, "/usr/local/bin/relgate");
  plan.say("write " + file + " (the pre-receive script for GitHub Enterprise Server)");
  if (!plan.dry_run) write_executable(file, script);
  std::cout << "relgate: GitHub Enterprise Server, in short:\n"
               "  1. build a pre-receive environment (a chroot tarball) that holds /usr/local/bin/relgate and its\n"
               "     libraries: e.g. a debian:12 image with the relgate .deb installed, exported as a tarball;\n"
               "  2. upload it in Site admin > Pre-receive hook environments;\n"
               "  3. commit " << file << " to a hook repository and add the hook in Site admin > Pre-receive hooks,\n"
               "     using that environment. All pre-receive hooks of a push share GitHub's 5-second budget.\n";
  return 0;
}

} // namespace

int run_install(const GlobalOptions& global, const InstallOptions& opts) {
  Plan plan{opts.dry_run};
  if (opts.platform == "ghes") return install_ghes(plan);
  auto repo = git::Libgit2Repository::open(global.repo_dir);
  const std::string hook = choose_hook(*repo, opts);
  const Target t = target_of(*repo, hook, opts.platform);
  const std::string chained = t.file + k_chained_suffix;
  const std::string script = hook_script(hook);

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
  if (hook == "pre-push" && repo->has_remote(opts.remote)) {
    if (has_refspec(*repo, opts.remote, k_exact_policy_refspec)) {
      plan.say("repair remote." + opts.remote + ".fetch: remove " + k_exact_policy_refspec +
               " (git fetch fails when " + opts.remote + " has no policy ref)");
      if (!opts.dry_run) remove_fetch_refspec(*repo, opts.remote, k_exact_policy_refspec);
    }
    if (!has_refspec(*repo, opts.remote, k_policy_refspec)) {
      plan.say("fetch the versioned policy from " + opts.remote + ": add " + k_policy_refspec + " to remote." +
               opts.remote + ".fetch");
      if (!opts.dry_run) add_fetch_refspec(*repo, opts.remote, k_policy_refspec);
    }
  } else if (hook == "pre-receive" && opts.platform == "plain" &&
             repo->config_values("receive.advertisePushOptions") != std::vector<std::string>{"true"}) {
    plan.say("set receive.advertisePushOptions = true (maintainers override with git push -o relgate.override=...)");
    if (!opts.dry_run) repo->set_config("receive.advertisePushOptions", "true");
  }
  if (hook == "update") std::cout << "relgate: note: " << k_update_overrides << '\n';
  return 0;
}

int run_uninstall(const GlobalOptions& global, const InstallOptions& opts) {
  Plan plan{opts.dry_run};
  auto repo = git::Libgit2Repository::open(global.repo_dir);
  const std::string hook = choose_hook(*repo, opts);
  const Target t = target_of(*repo, hook, opts.platform);
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
  if (hook == "pre-push" && repo->has_remote(opts.remote)) {
    for (const auto& refspec : {k_policy_refspec, k_exact_policy_refspec}) {
      if (!has_refspec(*repo, opts.remote, refspec)) continue;
      plan.say("stop fetching the policy ref: remove " + refspec + " from remote." + opts.remote + ".fetch");
      if (!opts.dry_run) remove_fetch_refspec(*repo, opts.remote, refspec);
    }
  }
  return 0;
}

int run_doctor(const GlobalOptions& global) {
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
  for (const auto& hook : hooks) {
    std::string file = repo->hooks_dir() + hook;
    auto text = read_file(file);
    if (!text) continue;
    bool ours = text->find(k_marker) != std::string::npos;
    std::cout << hook << ": " << file << (ours ? " (relgate)" : " (not relgate's)") << '\n';
    if (!ours) continue;
    any = true;
    if (!executable(file)) problem(file + " is not executable: chmod +x " + file);
    auto line_start = text->find("default_bin='");
    if (line_start != std::string::npos) {
      auto begin = line_start + 13;
      std::string bin = text->substr(begin, text->find('\'', begin) - begin);
      if (!bin.empty() && bin.front() == '/' && !executable(bin)) problem("the hook calls " + bin + ", which is not there");
      else std::cout << "  calls: " << bin << '\n';
    }
    if (exists(file + k_chained_suffix)) std::cout << "  chains: " << file + k_chained_suffix << '\n';
    if (hook == "update") std::cout << "  note: " << k_update_overrides << '\n';
  }
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
  if (!any) problem("relgate's hook is not installed: relgate install" + std::string(repo->is_bare() ? " --server" : ""));
  try {
    auto pol = load_policy(global, *repo);
    std::cout << "policy in force: " << pol.source << '\n';
    if (!pol.host.versioned) std::cout << "versioned policy: not read (policy.versioned = false)\n";
    if (!pol.host.pins.empty()) std::cout << "pinned by the host: " << join(pol.host.pins, ", ") << '\n';
  } catch (const Error& e) {
    problem(std::string("the policy does not load: ") + e.what() + " (the server refuses every push until it is fixed)");
  }
  std::cout << (problems ? "relgate: " + std::to_string(problems) + " problem(s)\n" : "relgate: all is well\n");
  return problems ? 1 : 0;
}

} // namespace relgate::cli
