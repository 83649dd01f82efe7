#pragma once
// The provider that `ci.provider` names, built from the policy's settings.

#include "ci/ci.hpp"

#include <memory>

namespace relgate::ci {

// notes, github, gitlab or command. The notes provider reads `repo`, which
// must outlive the provider. Throws relgate::Error for an unknown name (the
// policy loader already refuses one).
std::unique_ptr<Provider> make_provider(const repo::Repository& repo, const Settings& settings);

} // namespace relgate::ci
