#include "cli/install.hpp"

#include "git/libgit2_repository.hpp"
#include "util/embedded.hpp"
#include "util/error.hpp"

#include <sys/stat.h>
#include <unistd.h>

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

} // namespace

int run_install(const InstallOptions& opts) {
  auto repo = git::Libgit2Repository::open(opts.repo_dir);
  std::string hook = opts.hook;
  if (hook.empty()) hook = repo->is_bare() ? "pre-receive" : "pre-push";
  if (hook != "pre-push" && hook != "pre-receive" && hook != "update") {
    throw Error("unknown hook \"" + hook + "\" (use pre-push, pre-receive or update)");
  }
  if (hook == "pre-push" && repo->is_bare()) {
    throw Error("a bare repository takes the server hooks (pre-receive or update), not pre-push");
  }
  const std::string dir = repo->hooks_dir();
  const std::string path = dir + hook;
  const std::string chained = path + ".relgate-chained";
  const std::string script = hook_script(hook);
  const std::string prefix = opts.dry_run ? "would " : "";

  auto existing = read_file(path);
  if (existing && *existing == script) {
    std::cout << "relgate: " << hook << " hook already installed in " << dir << '\n';
    return 0;
  }
  bool ours = existing && existing->find(k_marker) != std::string::npos;
  if (existing && !ours) {
    if (exists(chained)) {
      throw Error(path + " is not relgate's, and " + chained +
                  " exists already; move one of them away and install again");
    }
    std::cout << "relgate: " << prefix << "keep the existing " << hook << " hook running after relgate, as " << chained
              << '\n';
    if (!opts.dry_run && std::rename(path.c_str(), chained.c_str()) != 0) {
      throw Error("cannot move " + path + " to " + chained + ": " + std::strerror(errno));
    }
  }
  std::cout << "relgate: " << prefix << (ours ? "update" : "install") << " the " << hook << " hook in " << dir << '\n';
  if (!opts.dry_run) {
    make_dirs(dir);
    write_executable(path, script);
  }
  return 0;
}

} // namespace relgate::cli
