#include "policy/config_keys.hpp"

#include "util/error.hpp"

#include <array>
#include <utility>

namespace relgate::policy {

namespace {

using H = std::pair<std::string_view, std::string_view>;

// Host configuration, with what each key does.
constexpr std::array k_host_keys = {
    H{"policy.versioned", "decides whether a pushed policy counts"},
    H{"policy.pin", "decides which keys a pushed policy may change"},
    H{"limits.patch_id_window", "bounds what a push may cost the host"},
    H{"limits.tree_entries", "bounds what a push may cost the host"},
    H{"limits.push_tree_entries", "bounds what a push may cost the host"},
    H{"ci.provider", "chooses what relgate runs or contacts for CI results"},
    H{"ci.notes_ref", "names the ref relgate trusts as CI evidence"},
    H{"ci.timeout_ms", "decides how long the host waits for CI results"},
    H{"ci.github", "reaches a network address and names an environment variable"},
    H{"ci.gitlab", "reaches a network address and names an environment variable"},
    H{"ci.command", "runs a program"},
    H{"freeze.ref", "names the refs relgate trusts as freeze declarations"},
    H{"access.identity_env", "names the environment variables that say who pushes"},
    H{"access.ci_writers", "names who may write the CI evidence relgate trusts"},
    H{"audit.log", "writes a file"},
    H{"client.fail_open_on_error", "decides whether this machine's hook lets a push go on unchecked"},
};

// Repository policy: whole tables, and single keys of mixed tables. (The
// unit test lists every key of the schema with its class, so a new key is a
// decision, whichever table it joins.)
constexpr std::array<std::string_view, 17> k_repository_keys = {
    "branches",           "tags",           "rules",          "pr",
    "docs",               "upstream",       "backport",
    "freeze.allow",       "freeze.allow_keywords",
    "freeze.fix_words",   "freeze.feature_types",
    "freeze.docs_paths",  "freeze.exception_trailer",
    "access.maintainers", "ci.required",    "ci.required_for",
    "ci.skipped_is_green",
};

} // namespace

bool key_within(std::string_view key, std::string_view entry) {
  return key == entry || (key.size() > entry.size() && key.substr(0, entry.size()) == entry && key[entry.size()] == '.');
}

KeyClass classify_key(std::string_view key) {
  for (const auto& [name, why] : k_host_keys) {
    if (key_within(key, name)) return {KeyKind::host, why};
  }
  for (auto name : k_repository_keys) {
    if (key_within(key, name)) return {KeyKind::repository, {}};
  }
  throw Error("internal: relgate.toml key \"" + std::string(key) + "\" is not classified (policy/config_keys.cpp)");
}

} // namespace relgate::policy
