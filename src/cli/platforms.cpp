#include "cli/platforms.hpp"

#include "cli/install.hpp"
#include "git/libgit2_repository.hpp"
#include "util/embedded.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>
#include <vector>

namespace relgate::cli {
namespace {

// --- the hook scripts ---------------------------------------------------------

std::string_view script_by_hook(const std::string& hook) {
  return hook == "pre-push"      ? embedded::hook_pre_push
         : hook == "pre-receive" ? embedded::hook_pre_receive
                                 : embedded::hook_update;
}

std::string_view gitolite_script(const std::string& hook) {
  return hook == "update" ? embedded::hook_gitolite_vref : embedded::hook_gitolite_repo_specific;
}

// --- where they go --------------------------------------------------------------

Target plain_target(const git::Libgit2Repository& repo, const std::string& hook, const std::optional<gitolite::Site>&) {
  return {repo.hooks_dir(), repo.hooks_dir() + hook, true};
}

// Never the repository's own hooks: gitolite owns them (gitolite.hpp).
Target gitolite_target(const git::Libgit2Repository&, const std::string& hook,
                       const std::optional<gitolite::Site>& site) {
  const std::string local = gitolite::local_code_or_default(*site);
  if (hook == "update") return {local + "/VREF/", local + "/VREF/relgate", false};
  return {local + "/hooks/repo-specific/", local + "/hooks/repo-specific/relgate", false};
}

Target gitolite_common_target(const git::Libgit2Repository&, const std::string& hook,
                              const std::optional<gitolite::Site>& site) {
  const std::string local = gitolite::local_code_or_default(*site);
  return {local + "/hooks/common/", local + "/hooks/common/" + hook, true};
}

Target gitlab_target(const git::Libgit2Repository& repo, const std::string& hook,
                     const std::optional<gitolite::Site>&) {
  std::string dir = repo.git_dir() + "custom_hooks/" + hook + ".d/";
  return {dir, dir + "relgate", false};
}

Target gitea_target(const git::Libgit2Repository& repo, const std::string& hook, const std::optional<gitolite::Site>&) {
  std::string dir = repo.git_dir() + "hooks/" + hook + ".d/";
  return {dir, dir + "relgate", false};
}

// --- doctor --server: whose repository, and what protects it --------------------


std::optional<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A hook relgate installed (through any link) that git or the platform can run.
bool relgate_hook(const std::string& path) {
  auto text = read_text(path);
  return text && text->find(k_hook_marker) != std::string::npos && ::access(path.c_str(), X_OK) == 0;
}

std::string plain_guard(const std::string& git_dir, const std::string&) {
  for (const auto& hook : {git_dir + "hooks/pre-receive", git_dir + "hooks/update"}) {
    if (relgate_hook(hook)) return hook;
  }
  return "";
}

bool gitolite_hosts(const std::string& git_dir) { return gitolite::detect(git_dir).has_value(); }

// A common hook is linked as hooks/pre-receive; a repository-specific one
// runs from gitolite's multi-hook-driver as hooks/pre-receive.*; a VREF
// runs from gitolite's update hook where gitolite.conf names it.
std::string gitolite_guard(const std::string& git_dir, const std::string&) {
  const std::string hooks = git_dir + "hooks/";
  if (relgate_hook(hooks + "pre-receive")) return hooks + "pre-receive";
  if (auto site = gitolite::detect(git_dir)) {
    if (auto vref = gitolite::relgate_vref(git_dir, *site, k_hook_marker);
        vref && vref->named_by != gitolite::Vref::NamedBy::nothing) {
      return vref->path;
    }
  }
  std::vector<std::string> driven;
  if (DIR* d = ::opendir(hooks.c_str())) {
    while (dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (starts_with(name, "pre-receive.") && relgate_hook(hooks + name)) driven.push_back(hooks + name);
    }
    ::closedir(d);
  }
  std::sort(driven.begin(), driven.end());
  return driven.empty() ? std::string() : driven.front();
}

bool gitlab_hosts(const std::string& git_dir) {
  return files::is_directory(git_dir + "custom_hooks") || git_dir.find("/@hashed/") != std::string::npos;
}

std::string gitlab_guard(const std::string& git_dir, const std::string& host_wide) {
  for (const auto& hook : {git_dir + "custom_hooks/pre-receive", git_dir + "custom_hooks/pre-receive.d/relgate",
                           host_wide.empty() ? std::string() : host_wide + "/pre-receive.d/relgate"}) {
    if (!hook.empty() && relgate_hook(hook)) return hook;
  }
  return "";
}

bool gitea_hosts(const std::string& git_dir) {
  auto pre = read_text(git_dir + "hooks/pre-receive");
  return (pre && pre->find("AUTO GENERATED BY GITEA") != std::string::npos) ||
         files::is_regular_file(git_dir + "hooks/pre-receive.d/gitea");
}

std::string gitea_guard(const std::string& git_dir, const std::string&) {
  const std::string hook = git_dir + "hooks/pre-receive.d/relgate";
  return relgate_hook(hook) ? hook : "";
}

// --- the table --------------------------------------------------------------------

const std::array<PlatformKind, 6> k_kinds{{
    {.name = "plain",
     .identity = "REMOTE_USER",
     .target = plain_target,
     .script = script_by_hook,
     .own_hooks = true,
     .sets_push_options = true,
     .guard = plain_guard},
    {.name = "gitolite",
     .identity = "GL_USER",
     .target = gitolite_target,
     .script = gitolite_script,
     .gitolite = GitoliteHook::repo_specific,
     .hosts = gitolite_hosts,
     .guard = gitolite_guard},
    {.name = "gitolite-common",
     .identity = "GL_USER",
     .target = gitolite_common_target,
     .script = script_by_hook,
     .gitolite = GitoliteHook::common},
    {.name = "gitlab",
     .identity = "GL_USERNAME",
     .target = gitlab_target,
     .script = script_by_hook,
     .host_wide_hooks = true,
     .hosts = gitlab_hosts,
     .guard = gitlab_guard},
    {.name = "gitea",
     .identity = "GITEA_PUSHER_NAME",
     .target = gitea_target,
     .script = script_by_hook,
     .hosts = gitea_hosts,
     .guard = gitea_guard},
    {.name = "ghes",
     .identity = "GITHUB_USER_LOGIN",
     .target = nullptr,
     .script = script_by_hook,
     .outside_repository = true},
}};

} // namespace

std::span<const PlatformKind> platform_kinds() { return k_kinds; }

const PlatformKind* find_platform_kind(std::string_view name) {
  for (const auto& k : k_kinds)
    if (k.name == name) return &k;
  return nullptr;
}

std::string platform_names() {
  std::string names;
  for (std::size_t i = 0; i < k_kinds.size(); ++i) {
    if (i) names += i + 1 == k_kinds.size() ? " or " : ", ";
    names += k_kinds[i].name;
  }
  return names;
}

std::string unknown_platform(std::string_view name) {
  return "unknown platform \"" + std::string(name) + "\" (use " + platform_names() + ")";
}

} // namespace relgate::cli
