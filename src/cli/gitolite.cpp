#include "cli/gitolite.hpp"

#include "policy/regex.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <fstream>
#include <sstream>
#include <vector>

namespace relgate::cli::gitolite {

namespace {

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::optional<std::string> link_target(const std::string& path) {
  char buf[PATH_MAX];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
  if (n <= 0) return std::nullopt;
  return std::string(buf, static_cast<std::size_t>(n));
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
}

// The rc is Perl (`KEY => 'value',` inside `%RC = (...)`); the lines read
// here are the forms gitolite's own default rc writes. A commented line
// (`# LOCAL_CODE => ...`) does not count.
std::optional<std::string> rc_value(const std::string& rc, const std::string& key) {
  std::istringstream lines(rc);
  std::optional<std::string> value;
  for (std::string line; std::getline(lines, line);) {
    auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line.compare(start, key.size(), key) != 0) continue;
    auto arrow = line.find("=>", start + key.size());
    if (arrow == std::string::npos || line.find_first_not_of(" \t", start + key.size()) != arrow) continue;
    auto open = line.find_first_not_of(" \t", arrow + 2);
    if (open == std::string::npos || (line[open] != '\'' && line[open] != '"')) continue;
    auto close = line.find(line[open], open + 1);
    if (close == std::string::npos) continue;
    value = line.substr(open + 1, close - open - 1); // Perl: the last one wins
  }
  return value;
}

bool rc_enables(const std::string& rc, const std::string& feature) {
  std::istringstream lines(rc);
  for (std::string line; std::getline(lines, line);) {
    auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos) continue;
    if (line.compare(start, feature.size() + 2, "'" + feature + "'") == 0 ||
        line.compare(start, feature.size() + 2, "\"" + feature + "\"") == 0) {
      return true;
    }
  }
  return false;
}

// gitolite matches a `config` key against each space-separated pattern of
// GIT_CONFIG_KEYS as /^pattern$/i (lib/Gitolite/Conf.pm).
bool allows_key(const std::string& patterns, const std::string& key) {
  std::istringstream words(patterns);
  for (std::string word; words >> word;) {
    policy::Regex re(word, false);
    if (re->ok() && RE2::FullMatch(key, re)) return true;
  }
  return false;
}

} // namespace

std::optional<Site> detect(const std::string& git_dir) {
  // hooks/update, or where an earlier `relgate install --hook update` moved it.
  const std::string tail = "/hooks/common/update";
  std::optional<std::string> target;
  for (const char* name : {"hooks/update", "hooks/update.relgate-chained"}) {
    auto link = link_target(git_dir + name);
    auto text = read_text(git_dir + name);
    if (link && ends_with(*link, tail) && text && text->find("Gitolite::Hooks::Update") != std::string::npos) {
      target = link;
      break;
    }
  }
  if (!target) return std::nullopt;
  Site site;
  site.admin_base = target->substr(0, target->size() - tail.size());
  if (ends_with(site.admin_base, "/.gitolite")) {
    site.home = site.admin_base.substr(0, site.admin_base.size() - 10);
  } else {
    struct stat st {};
    const struct passwd* pw = ::stat(git_dir.c_str(), &st) == 0 ? ::getpwuid(st.st_uid) : nullptr;
    site.home = pw ? pw->pw_dir : site.admin_base + "/..";
  }
  site.rc_file = site.home + "/.gitolite.rc";
  auto rc = read_text(site.rc_file);
  site.readable = rc.has_value();
  if (!rc) return site;
  if (auto local = rc_value(*rc, "LOCAL_CODE")) {
    replace_all(*local, "$ENV{HOME}", site.home);
    replace_all(*local, "$rc{GL_ADMIN_BASE}", site.admin_base);
    if (local->find('$') == std::string::npos && !local->empty()) site.local_code = *local;
  }
  site.repo_specific_hooks = rc_enables(*rc, "repo-specific-hooks");
  site.config_keys = rc_value(*rc, "GIT_CONFIG_KEYS");
  site.push_options_key = site.config_keys && allows_key(*site.config_keys, "receive.advertisePushOptions");
  return site;
}

bool is_multi_hook_driver(const std::string& path) {
  auto target = link_target(path);
  if (target && ends_with(*target, "/multi-hook-driver")) return true;
  auto text = read_text(path);
  return text && text->find("for h in $0.*; do") != std::string::npos;
}

std::string repo_name(const std::string& git_dir) {
  std::string dir = git_dir;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (ends_with(dir, ".git")) dir.resize(dir.size() - 4);
  auto base = dir.rfind("/repositories/");
  if (base != std::string::npos) return dir.substr(base + 14);
  auto slash = dir.rfind('/');
  return slash == std::string::npos ? dir : dir.substr(slash + 1);
}

std::string local_code_or_default(const Site& site) { return site.local_code.value_or(site.home + "/local"); }

std::optional<Vref> relgate_vref(const std::string& git_dir, const Site& site, std::string_view marker) {
  if (!site.local_code) return std::nullopt;
  Vref v{*site.local_code + "/VREF/relgate"};
  auto text = read_text(v.path);
  if (!text || text->find(marker) == std::string::npos) return std::nullopt;
  auto own = read_text(git_dir + "gl-conf");
  auto compiled = read_text(site.admin_base + "/conf/gitolite.conf-compiled.pm");
  if (own && own->find("VREF/relgate") != std::string::npos) v.named_by = Vref::NamedBy::own_rules;
  else if (compiled && compiled->find("VREF/relgate") != std::string::npos) v.named_by = Vref::NamedBy::group_rules;
  return v;
}

} // namespace relgate::cli::gitolite
