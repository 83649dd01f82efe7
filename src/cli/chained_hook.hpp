#pragma once
// The hook that was in place before relgate's: `relgate install` keeps it
// as <hook>.relgate-chained, and the installed hook script names it to
// `relgate pre-receive|update --chained PATH`. relgate runs it after it has
// accepted a push, with the push's arguments and input, so the audit log
// can record what became of the push.

#include <optional>
#include <string>
#include <vector>

namespace relgate::cli {

// Runs the hook at `path` with `args` and, when given, `input` on its stdin
// (else relgate's stdin); its stdout and stderr are relgate's. Returns its
// exit status (128 + the signal when killed); throws Error when it cannot
// be run.
int run_chained_hook(const std::string& path, const std::vector<std::string>& args,
                     const std::optional<std::string>& input);

// "pre-receive.relgate-chained exited 1": why the hook at `path` refused.
std::string chained_refusal(const std::string& path, int status);

} // namespace relgate::cli
