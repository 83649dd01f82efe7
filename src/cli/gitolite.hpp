#pragma once
// gitolite as install and doctor meet it on a server: which repositories it
// hosts, where its hooks and site-local code live, and what its rc enables.
// Read from gitolite 3.6 (sitaramc/gitolite; Debian's gitolite3): every
// repository's hooks/update is a link to GL_ADMIN_BASE/hooks/common/update,
// which gitolite writes and re-links on each `gitolite setup`
// (lib/Gitolite/Conf/Store.pm, hook_1); site-local code lives under the rc's
// LOCAL_CODE: hooks/common/* are linked into every repository,
// hooks/repo-specific/* by `option hook.<hook> = <name>` through
// multi-hook-driver (triggers/repo-specific-hooks), VREF/* run by the update
// hook (lib/Gitolite/Hooks/Update.pm).

#include <optional>
#include <string>
#include <string_view>

namespace relgate::cli::gitolite {

struct Site {
  std::string admin_base;  // GL_ADMIN_BASE, e.g. /var/lib/gitolite3/.gitolite
  std::string home;        // the hosting account's home: .gitolite.rc is there
  std::string rc_file;     // home + "/.gitolite.rc"
  // LOCAL_CODE as the rc sets it, $ENV{HOME} and $rc{GL_ADMIN_BASE}
  // expanded; nullopt when the rc does not set it (or not in a form read here).
  std::optional<std::string> local_code;
  bool repo_specific_hooks = false;  // 'repo-specific-hooks' in ENABLE
  std::optional<std::string> config_keys; // GIT_CONFIG_KEYS as written; nullopt: no such line
  bool push_options_key = false;     // those patterns let gitolite.conf set receive.advertisePushOptions
  bool readable = true;              // the rc could be read
};

// The gitolite site hosting the repository at git_dir (with a trailing
// slash), or nullopt when its hooks/update is not gitolite's link.
std::optional<Site> detect(const std::string& git_dir);

// Whether the file at path is gitolite's multi-hook-driver (through links).
bool is_multi_hook_driver(const std::string& path);

// The repository's name in gitolite.conf: its path below "repositories/"
// without ".git" (else its directory's name).
std::string repo_name(const std::string& git_dir);

// What LOCAL_CODE is, or should be, for relgate's files: the rc's, else the
// rc's own suggestion "$ENV{HOME}/local".
std::string local_code_or_default(const Site& site);

// relgate as a VREF (run by gitolite's update hook): its file under
// LOCAL_CODE/VREF/ when it is relgate's (`marker` in it), and where
// gitolite.conf names it, read from what gitolite compiled: the
// repository's own rules (its gl-conf) or the rules of groups and patterns
// (conf/gitolite.conf-compiled.pm, which may or may not cover it).
struct Vref {
  enum class NamedBy { nothing, own_rules, group_rules };
  std::string path;
  NamedBy named_by = NamedBy::nothing;
};
std::optional<Vref> relgate_vref(const std::string& git_dir, const Site& site, std::string_view marker);

} // namespace relgate::cli::gitolite
