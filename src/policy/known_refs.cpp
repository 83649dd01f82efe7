#include "policy/known_refs.hpp"

#include "util/text.hpp"

namespace relgate::policy {

RefMap known_refs(const repo::Repository& repo, const Policy& policy, const std::string& remote, LocalBranches local) {
  RefMap refs;
  if (local == LocalBranches::include) {
    for (const auto& r : repo.refs(repo::k_heads)) refs[r.name] = r.target;
  }
  for (const auto& prefix : {std::string(repo::k_tags), policy.freeze_ref_dir()}) {
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
      if (branch != "HEAD") refs[repo::branch_ref(branch)] = r.target;
    }
  }
  return refs;
}

std::map<std::string, std::int64_t> tag_times(const repo::Repository& repo, const RefMap& refs, TagDates dates) {
  std::map<std::string, std::int64_t> out;
  const std::string prefix(repo::k_tags);
  for (auto it = refs.lower_bound(prefix); it != refs.end() && starts_with(it->first, prefix); ++it) {
    auto made = repo.tag_time(it->second);
    if (!made) continue;
    // A final tag sits on an older rc's commit by design: its commit's date
    // is not the release's.
    auto pushed = dates == TagDates::pushed ? repo.ref_created(it->first) : std::nullopt;
    out[it->first] = pushed.value_or(*made);
  }
  return out;
}

} // namespace relgate::policy
