#include "repo/repository.hpp"

#include "util/text.hpp"

namespace relgate::repo {

std::string Commit::subject() const { return std::string(first_line(message)); }

std::string short_id(const ObjectId& id) { return id.substr(0, 9); }

} // namespace relgate::repo
