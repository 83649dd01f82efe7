#include "cli/server_doctor.hpp"

#include "cli/platforms.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <dirent.h>
#include <limits.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <vector>

namespace relgate::cli {

namespace {

constexpr int k_max_depth = 8; // GitLab's @hashed/ab/cd/<hash>.git is 4 below its root


// git's test for a bare repository, in short: HEAD, objects/ and refs/.
bool bare_repository(const std::string& dir) {
  return files::is_regular_file(dir + "HEAD") && files::is_directory(dir + "objects") && files::is_directory(dir + "refs");
}

void find_repositories(const std::string& dir, int depth, std::vector<std::string>& out) {
  if (bare_repository(dir)) {
    out.push_back(dir);
    return;
  }
  if (depth >= k_max_depth) return;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;
  std::vector<std::string> subdirs;
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    struct stat st {};
    if (::lstat((dir + name).c_str(), &st) == 0 && S_ISDIR(st.st_mode)) subdirs.push_back(dir + name + "/");
  }
  ::closedir(d);
  std::sort(subdirs.begin(), subdirs.end());
  for (const auto& sub : subdirs) find_repositories(sub, depth + 1, out);
}

struct Layout {
  const PlatformKind* platform; // the --platform of its install command
  std::string guard;            // the relgate hook that protects it; empty: none
};

// Which hook would run relgate in the repository `git_dir` (ends in '/'):
// the first platform whose files it shows; else GitLab's when Gitaly's
// custom_hooks_dir is given (every repository there is GitLab's), else
// plain.
Layout layout_of(const std::string& git_dir, const std::string& host_wide) {
  const PlatformKind* platform = &platform_kinds().front();
  for (const auto& kind : platform_kinds()) {
    if (kind.hosts && kind.hosts(git_dir)) return {&kind, kind.guard(git_dir, host_wide)};
    if (kind.host_wide_hooks && !host_wide.empty()) platform = &kind;
  }
  return {platform, platform->guard(git_dir, host_wide)};
}

// The command that protects the repository, run as its owner.
std::string install_command(const std::string& git_dir, const PlatformKind& platform) {
  std::string cmd;
  struct stat st {};
  if (::stat(git_dir.c_str(), &st) == 0 && st.st_uid != ::geteuid()) {
    const passwd* pw = ::getpwuid(st.st_uid);
    cmd = "runuser -u " + shell_quote(pw ? pw->pw_name : std::to_string(st.st_uid)) + " -- ";
  }
  cmd += "relgate install --server";
  if (&platform != &platform_kinds().front()) cmd += " --platform " + std::string(platform.name);
  return cmd + " --repo " + shell_quote(git_dir.substr(0, git_dir.size() - 1));
}

} // namespace

int run_server_doctor(const std::string& root_arg, const std::string& gitlab_custom_hooks_dir) {
  if (!files::is_directory(root_arg)) throw Error(root_arg + " is not a directory (doctor --server takes the repositories root)");
  std::string root = root_arg;
  if (root.front() != '/') {
    char cwd[PATH_MAX];
    if (::getcwd(cwd, sizeof cwd)) root = std::string(cwd) + "/" + root;
  }
  if (root.back() != '/') root += '/';
  std::string global = gitlab_custom_hooks_dir;
  while (global.size() > 1 && global.back() == '/') global.pop_back();
  std::vector<std::string> repos;
  find_repositories(root, 0, repos);
  if (repos.empty()) {
    std::cout << "relgate: no bare repository under " << root << '\n';
    return 1;
  }
  int unprotected = 0;
  bool gitlab_unprotected = false;
  for (const auto& git_dir : repos) {
    const Layout l = layout_of(git_dir, global);
    const std::string shown = git_dir.substr(0, git_dir.size() - 1);
    if (!l.guard.empty()) {
      std::cout << "  protected: " << shown << " (" << l.platform->name << ": " << l.guard << ")\n";
      continue;
    }
    ++unprotected;
    gitlab_unprotected = gitlab_unprotected || l.platform->host_wide_hooks;
    std::cout << "  unprotected: " << shown << " (" << l.platform->name
              << "); protect it: " << install_command(git_dir, *l.platform) << '\n';
  }
  std::cout << "relgate: " << repos.size() << " bare repositories under " << root << ", " << unprotected
            << " without relgate\n";
  if (gitlab_unprotected) {
    std::cout << "relgate: GitLab: one hook for every repository Gitaly serves: relgate install --platform gitlab "
                 "--custom-hooks-dir DIR (DIR: [hooks] custom_hooks_dir in Gitaly's config.toml); then doctor "
                 "--server ROOT --custom-hooks-dir DIR\n";
  }
  return unprotected == 0 ? 0 : 1;
}

} // namespace relgate::cli
