#pragma once
// Reads a Policy from TOML. Every error is an Error whose message names the
// place: `relgate.toml:12:5: unknown key "alow", did you mean "allow"?`.

#include "policy/policy.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relgate::policy {

// Parses `text` (named `source` in messages), layered over `base`: keys the
// text leaves out keep base's values. Throws Error on any problem.
Policy parse_policy(std::string_view text, const std::string& source, const Policy& base);

// The built-in default (config/relgate.toml compiled in), parsed once.
const Policy& builtin_policy();

// Reads and parses a policy file over the built-in default.
Policy load_policy_file(const std::string& path);
// The text of a file; Error "PATH: cannot read the policy file".
std::string read_policy_file(const std::string& path);

// Where the policy in force comes from (README "Where the policy comes
// from"; config_keys.hpp says who decides which key).
struct PolicySources {
  struct File {
    std::string name; // for messages: a path, or refs/meta/relgate:relgate.toml
    std::string text;
  };
  std::vector<File> host;            // host files in order (system, git directory, --config)
  std::optional<File> versioned;     // refs/meta/relgate:relgate.toml, when the ref exists
  std::vector<std::string> host_places; // where host files go, for messages
};

struct LoadedPolicy {
  Policy policy;
  std::vector<std::string> warnings; // one line each: what the versioned policy set that was ignored
};

// Layers the policy in force: the built-in default; each host file, every
// key (a later file wins per key); the versioned policy's repository keys
// unless policy.versioned = false (host keys, A1/A2/P1 below error and a
// patch-id window above limits.patch_id_window are ignored, with a
// warning); then the keys the host files pin (policy.pin) from the host
// files (else the built-in default). Throws a located Error when a source
// does not load.
LoadedPolicy layer_policy(const PolicySources& sources);

// P1: a policy pushed to refs/meta/relgate. Throws a located Error when it
// does not load or sets what only the host decides (host keys; A1, A2 or P1
// below error; backport.patch_id_window above in_force's bound), naming
// in_force.host.places.
void check_pushed_policy(std::string_view text, const std::string& source, const Policy& in_force);

// Every key the loader knows, "table.key" ("ci.github" for a sub-table).
std::vector<std::string> policy_keys();

} // namespace relgate::policy
