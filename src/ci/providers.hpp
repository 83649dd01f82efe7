#pragma once
// The CI providers relgate knows, as one table: the loader takes the names
// it accepts for `ci.provider` and the settings each one needs from it, and
// make_provider builds the one the policy names. A new provider is a class
// implementing ci::Provider and a row here (plus its settings table in the
// loader and config_keys.cpp, which say how its keys are read and who may
// set them).

#include "ci/ci.hpp"

#include <memory>
#include <span>
#include <string_view>

namespace relgate::ci {

struct ProviderKind {
  std::string_view name;  // the value of ci.provider
  // What the settings must hold before this provider can answer, as the
  // loader says it when they do not ("" when nothing is needed).
  std::string_view needs;
  bool (*configured)(const Settings&);
  std::unique_ptr<Provider> (*make)(const repo::Repository&, const Settings&);
};

// Every provider, the default (notes) first.
std::span<const ProviderKind> provider_kinds();
// The row named `name`; nullptr when there is none.
const ProviderKind* find_provider_kind(std::string_view name);

// The provider that `settings.provider` names. The notes provider reads
// `repo`, which must outlive the provider. Throws relgate::Error for an
// unknown name (the policy loader already refuses one).
std::unique_ptr<Provider> make_provider(const repo::Repository& repo, const Settings& settings);

} // namespace relgate::ci
