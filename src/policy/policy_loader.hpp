#pragma once
// Reads a Policy from TOML. Every error is an Error whose message names the
// place: `relgate.toml:12:5: unknown key "alow", did you mean "allow"?`.

#include "policy/policy.hpp"

#include <string>
#include <string_view>

namespace relgate::policy {

// Parses `text` (named `source` in messages), layered over `base`: keys the
// text leaves out keep base's values. Throws Error on any problem.
Policy parse_policy(std::string_view text, const std::string& source, const Policy& base);

// The built-in default (config/relgate.toml compiled in), parsed once.
const Policy& builtin_policy();

// Reads and parses a policy file over the built-in default.
Policy load_policy_file(const std::string& path);

} // namespace relgate::policy
