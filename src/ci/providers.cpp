#include "ci/providers.hpp"

#include "ci/command_provider.hpp"
#include "ci/github_provider.hpp"
#include "ci/gitlab_provider.hpp"
#include "ci/notes_provider.hpp"
#include "util/error.hpp"

namespace relgate::ci {

std::unique_ptr<Provider> make_provider(const repo::Repository& repo, const Settings& s) {
  if (s.provider == "notes") return std::make_unique<NotesProvider>(repo, s.notes_ref, s.requirements);
  if (s.provider == "github") return std::make_unique<GithubProvider>(s.github, s.requirements, s.timeout_ms);
  if (s.provider == "gitlab") return std::make_unique<GitlabProvider>(s.gitlab, s.requirements, s.timeout_ms);
  if (s.provider == "command") return std::make_unique<CommandProvider>(s.command, s.timeout_ms);
  throw Error("unknown CI provider \"" + s.provider + "\" (use notes, github, gitlab or command)");
}

} // namespace relgate::ci
