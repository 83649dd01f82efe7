#pragma once
// Files compiled into the binary (cmake/embed.cmake): the built-in policy and
// the hook scripts.

#include <string_view>

namespace relgate::embedded {
extern const std::string_view default_policy;
extern const std::string_view hook_pre_push;
extern const std::string_view hook_pre_receive;
extern const std::string_view hook_update;
// gitolite: a repository-specific pre-receive hook, and a VREF (install.cpp).
extern const std::string_view hook_gitolite_repo_specific;
extern const std::string_view hook_gitolite_vref;
} // namespace relgate::embedded

namespace relgate {
extern const char* const k_version;
// What relgate was built with: the Debian packages of libgit2 and re2
// ("libgit2-dev 1.5.1+ds-1+deb12u2, libre2-dev 20220601+dfsg-1+b1"), and
// whether they are linked in ("statically") or loaded ("dynamically").
extern const char* const k_built_with;
extern const char* const k_linking;
}
