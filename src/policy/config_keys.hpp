#pragma once
// Who decides each key of relgate.toml (README "Security model").
//
// Repository policy is what the project decides: names, rules and their
// severities, the freeze classifier, backports, follow-ups, which CI checks
// are required, maintainers. It may come from the versioned policy
// (refs/meta/relgate), which anyone with push access can propose.
//
// Host configuration is what only the administrator of the machine that
// runs relgate decides: anything that runs a program, reaches a network
// address, names an environment variable, writes a file or names a ref
// relgate trusts as evidence or state, plus the bounds of cost knobs. It
// comes only from host files (/etc/relgate/relgate.toml, the git
// directory's relgate.toml, --config); a pushed policy never sets it.

#include <string>
#include <string_view>
#include <vector>

namespace relgate::policy {

enum class KeyKind { repository, host };

struct KeyClass {
  KeyKind kind = KeyKind::repository;
  std::string_view why; // host keys: what the key does that a pushed policy may not decide
};

// The class of a key of relgate.toml, named "table.key" ("ci.command" for a
// whole sub-table, "rules.tag-name"). Every key the loader knows is listed
// explicitly; an unknown key throws Error (tests/unit keep the two lists in
// step).
KeyClass classify_key(std::string_view key);

// True when `key` ("table.key" or "table.sub.key") is `entry` or lies
// inside the table `entry` names ("rules" covers "rules.tag-name").
bool key_within(std::string_view key, std::string_view entry);

} // namespace relgate::policy
