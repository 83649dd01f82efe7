#include "ci/providers.hpp"

#include "ci/command_provider.hpp"
#include "ci/github_provider.hpp"
#include "ci/gitlab_provider.hpp"
#include "ci/notes_provider.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <array>

namespace relgate::ci {
namespace {

const std::array<ProviderKind, 4> k_kinds{{
    {"notes", "", [](const Settings&) { return true; },
     [](const repo::Repository& repo, const Settings& s) -> std::unique_ptr<Provider> {
       return std::make_unique<NotesProvider>(repo, s.notes_ref, s.requirements);
     }},
    {"github", "ci.github.repository = \"owner/name\"",
     [](const Settings& s) { return !s.github.repository.empty(); },
     [](const repo::Repository&, const Settings& s) -> std::unique_ptr<Provider> {
       return std::make_unique<GithubProvider>(s.github, s.requirements, s.timeout_ms);
     }},
    {"gitlab", "ci.gitlab.project (an id or \"group/name\")",
     [](const Settings& s) { return !s.gitlab.project.empty(); },
     [](const repo::Repository&, const Settings& s) -> std::unique_ptr<Provider> {
       return std::make_unique<GitlabProvider>(s.gitlab, s.requirements, s.timeout_ms);
     }},
    {"command", "ci.command.argv = [\"/path/to/check\"]",
     [](const Settings& s) { return !s.command.argv.empty(); },
     [](const repo::Repository&, const Settings& s) -> std::unique_ptr<Provider> {
       return std::make_unique<CommandProvider>(s.command, s.timeout_ms);
     }},
}};

} // namespace

std::span<const ProviderKind> provider_kinds() { return k_kinds; }

const ProviderKind* find_provider_kind(std::string_view name) {
  for (const auto& k : k_kinds)
    if (k.name == name) return &k;
  return nullptr;
}

std::unique_ptr<Provider> make_provider(const repo::Repository& repo, const Settings& s) {
  if (const auto* kind = find_provider_kind(s.provider)) return kind->make(repo, s);
  std::vector<std::string> names;
  for (const auto& k : k_kinds) names.emplace_back(k.name);
  throw Error("unknown CI provider \"" + s.provider + "\" (use " + join(names, ", ") + ")");
}

} // namespace relgate::ci
