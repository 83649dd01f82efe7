#include "repo/repository.hpp"

#include "util/text.hpp"

namespace relgate::repo {

std::string Commit::subject() const { return std::string(first_line(message)); }

std::vector<ObjectId> Repository::new_commits(const ObjectId& tip, const std::vector<ObjectId>& hide) const {
  std::vector<ObjectId> out;
  auto walk = walk_new(tip, hide);
  while (auto id = walk->next()) out.push_back(*id);
  return {out.rbegin(), out.rend()};
}

std::string short_id(const ObjectId& id) { return id.substr(0, 9); }

} // namespace relgate::repo
