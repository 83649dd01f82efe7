#include "cli/install.hpp"
#include "cli/platforms.hpp"
#include "policy/policy_loader.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

using namespace relgate;
using namespace relgate::cli;

TEST_CASE("every install platform in the table is named, placed and known to the policy", "[install][platforms]") {
  REQUIRE(platform_kinds().size() >= 6);
  // The first row is install's default.
  CHECK(platform_kinds().front().name == InstallOptions{}.platform);
  const auto& identity_env = policy::builtin_policy().access.identity_env;
  std::set<std::string_view> names;
  for (const auto& kind : platform_kinds()) {
    const std::string name(kind.name);
    INFO(name);
    CHECK(!name.empty());
    CHECK(names.insert(kind.name).second);
    CHECK(find_platform_kind(kind.name) == &kind);
    // The help and the error list it.
    CHECK(platform_names().find(name) != std::string::npos);
    CHECK(unknown_platform("bogus").find(name) != std::string::npos);
    // Who pushes there is read by default.
    CHECK(std::find(identity_env.begin(), identity_env.end(), kind.identity) != identity_env.end());
    // Its hook goes into the repository, or install writes it elsewhere.
    CHECK((kind.target != nullptr) != kind.outside_repository);
    REQUIRE(kind.script != nullptr);
    for (const std::string hook : {"pre-push", "pre-receive", "update"}) {
      INFO(hook);
      const std::string_view script = kind.script(hook);
      CHECK(script.find(k_hook_marker) != std::string_view::npos);
      CHECK(script.find("@RELGATE_BIN@") != std::string_view::npos);
    }
    // doctor --server: a platform it recognises, or falls back to, says
    // what protects the repository.
    if (kind.hosts || kind.host_wide_hooks || &kind == &platform_kinds().front()) CHECK(kind.guard != nullptr);
    // Under gitolite relgate's hook is never the repository's own.
    if (kind.gitolite != GitoliteHook::none) CHECK(!kind.own_hooks);
  }
  CHECK(find_platform_kind("bogus") == nullptr);
  CHECK(platform_names() == "plain, gitolite, gitolite-common, gitlab, gitea or ghes");
  CHECK(unknown_platform("bogus") ==
        "unknown platform \"bogus\" (use plain, gitolite, gitolite-common, gitlab, gitea or ghes)");
}
