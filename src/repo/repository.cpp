#include "repo/repository.hpp"

#include "util/text.hpp"

#include <algorithm>

namespace relgate::repo {

std::optional<std::string_view> branch_name(std::string_view ref) { return strip_prefix(ref, k_heads); }
std::optional<std::string_view> tag_name(std::string_view ref) { return strip_prefix(ref, k_tags); }
std::string branch_ref(std::string_view name) { return std::string(k_heads).append(name); }
std::string tag_ref(std::string_view name) { return std::string(k_tags).append(name); }

std::string Commit::subject() const { return std::string(first_line(message)); }

std::vector<ObjectId> Repository::new_commits(const ObjectId& tip, const std::vector<ObjectId>& hide) const {
  std::vector<ObjectId> out;
  auto walk = walk_new(tip, hide);
  while (auto id = walk->next()) out.push_back(std::move(*id));
  std::reverse(out.begin(), out.end());
  return out;
}

std::optional<std::int64_t> Repository::ref_created(const std::string&) const { return std::nullopt; }

std::optional<FirstParents> Repository::first_parents(const ObjectId&, const ObjectId&, std::size_t) const {
  return std::nullopt;
}

bool Repository::is_clean_merge(const ObjectId&) const { return false; }

std::optional<ObjectId> Repository::merge_in_memory(const ObjectId&, const ObjectId&, MergeShape, const std::string&) {
  throw Error("internal: this repository cannot merge in memory");
}

bool Repository::changes_only(const ObjectId& commit, const std::function<bool(const std::string&)>& keep) const {
  auto paths = changed_paths(commit);
  if (paths.empty()) return false;
  for (const auto& p : paths) {
    if (!keep(p)) return false;
  }
  return true;
}

std::string short_id(const ObjectId& id) { return id.substr(0, 9); }

} // namespace relgate::repo
