#include "policy/known_refs.hpp"

#include "util/text.hpp"

namespace relgate::policy {

RefMap known_refs(const repo::Repository& repo, const Policy& policy, const std::string& remote, LocalBranches local) {
  RefMap refs;
  if (local == LocalBranches::include) {
    for (const auto& r : repo.refs("refs/heads/")) refs[r.name] = r.target;
  }
  for (const auto& prefix : {std::string("refs/tags/"), policy.freeze_ref_dir()}) {
    for (const auto& r : repo.refs(prefix)) refs[r.name] = r.target;
  }
  for (const auto& r : repo.refs(policy.ci.notes_ref)) {
    if (r.name == policy.ci.notes_ref) refs[r.name] = r.target;
  }
  // Last: the remote's branches replace whatever else was read under that
  // name. A remote's name has neither '/' nor ':' (a URL or a path has).
  if (!remote.empty() && remote.find('/') == std::string::npos && remote.find(':') == std::string::npos) {
    const std::string tracking = "refs/remotes/" + remote + "/";
    for (const auto& r : repo.refs(tracking)) {
      std::string branch = r.name.substr(tracking.size());
      if (branch != "HEAD") refs["refs/heads/" + branch] = r.target;
    }
  }
  return refs;
}

std::map<std::string, std::int64_t> tag_times(const repo::Repository& repo, const RefMap& refs) {
  std::map<std::string, std::int64_t> out;
  const std::string prefix = "refs/tags/";
  for (auto it = refs.lower_bound(prefix); it != refs.end() && starts_with(it->first, prefix); ++it) {
    if (auto t = repo.tag_time(it->second)) out[it->first] = *t;
  }
  return out;
}

} // namespace relgate::policy
