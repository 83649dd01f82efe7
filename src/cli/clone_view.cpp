#include "cli/clone_view.hpp"

#include "policy/known_refs.hpp"
#include "policy/state.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <ctime>

namespace relgate::cli {

std::string canonical_remote(const git::Libgit2Repository& repo) {
  if (repo.is_bare()) return {};
  auto configured = repo.config_values("relgate.remote");
  std::string name = configured.empty() || configured.back().empty() ? "origin" : configured.back();
  return repo.has_remote(name) ? name : std::string();
}

std::string mirror_dir(const std::string& remote) { return "refs/relgate/remotes/" + remote + "/"; }

std::vector<std::string> mirror_refspecs(const policy::Policy& pol, const std::string& remote) {
  const std::string dir = mirror_dir(remote);
  auto mirror = [&](const std::string& ref) { return "+" + ref + "*:" + dir + ref.substr(5) + "*"; };
  return {mirror(policy::Policy::k_policy_ref), mirror(std::string(repo::k_tags)), mirror(pol.freeze_ref_dir()),
          mirror(pol.ci.notes_ref)};
}

bool is_mirrored(const git::Libgit2Repository& repo, const std::string& remote) {
  if (remote.empty()) return false;
  const std::string tags = "+refs/tags/*:" + mirror_dir(remote) + "tags/*";
  auto values = repo.config_values("remote." + remote + ".fetch");
  return std::find(values.begin(), values.end(), tags) != values.end();
}

std::string view_remote(const git::Libgit2Repository& repo, const std::string& requested) {
  if (requested.empty()) return canonical_remote(repo);
  if (!repo.has_remote(requested)) {
    throw Error("there is no remote named " + printable(requested) + " here (git remote -v lists them)");
  }
  return requested;
}

policy::RefMap clone_refs(const git::Libgit2Repository& repo, const policy::Policy& pol, const std::string& remote,
                          bool include_local_branches) {
  auto local = include_local_branches ? policy::LocalBranches::include : policy::LocalBranches::exclude;
  auto refs = policy::known_refs(repo, pol, remote, local);
  if (!is_mirrored(repo, remote)) return refs;
  // Tags, freeze declarations and CI notes are the remote's, not this
  // clone's: drop the local ones and read the mirror.
  const std::vector<std::string> mirrored_refs = {std::string(repo::k_tags), pol.freeze_ref_dir(), pol.ci.notes_ref};
  for (auto it = refs.begin(); it != refs.end();) {
    bool theirs = std::any_of(mirrored_refs.begin(), mirrored_refs.end(), [&](const std::string& p) {
      return p.back() == '/' ? starts_with(it->first, p) : it->first == p;
    });
    it = theirs ? refs.erase(it) : std::next(it);
  }
  const std::string dir = mirror_dir(remote);
  for (const auto& r : repo.refs(dir)) {
    std::string name = "refs/" + r.name.substr(dir.size());
    bool wanted = std::any_of(mirrored_refs.begin(), mirrored_refs.end(), [&](const std::string& p) {
      return p.back() == '/' ? starts_with(name, p) : name == p;
    });
    if (wanted) refs[name] = r.target;
  }
  return refs;
}

std::vector<std::string> local_only_release_tags(const git::Libgit2Repository& repo, const policy::Policy& pol,
                                                 const std::string& remote) {
  std::vector<std::string> out;
  if (!is_mirrored(repo, remote)) return out;
  const std::string dir = mirror_dir(remote) + "tags/";
  for (const auto& r : repo.refs(repo::k_tags)) {
    std::string name = r.name.substr(repo::k_tags.size());
    if (!policy::parse_release_tag(pol, name)) continue;
    auto theirs = repo.refs(dir + name);
    bool known = std::any_of(theirs.begin(), theirs.end(), [&](const repo::Ref& t) { return t.name == dir + name; });
    if (!known) out.push_back(name);
  }
  return out;
}

std::optional<std::string> view_age(const git::Libgit2Repository& repo, const std::string& remote) {
  if (repo.is_bare() || remote.empty()) return std::nullopt;
  struct stat st {};
  if (::stat((repo.git_dir() + "FETCH_HEAD").c_str(), &st) != 0) {
    return "as of the clone (" + remote + " not fetched since: git fetch " + remote + ")";
  }
  auto age = static_cast<long long>(std::time(nullptr) - st.st_mtime);
  std::string ago = age < 120       ? "just now"
                    : age < 7200    ? std::to_string(age / 60) + " minutes ago"
                    : age < 172800  ? std::to_string(age / 3600) + " hours ago"
                                    : std::to_string(age / 86400) + " days ago";
  return "as of the last fetch from " + remote + ", " + ago;
}

} // namespace relgate::cli
