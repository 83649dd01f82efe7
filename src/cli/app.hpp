#pragma once
// The command line: parses argv into one of relgate's subcommands and runs
// it. Returns the exit code; throws relgate::Error for main() to print.

namespace relgate::cli {

int run(int argc, char** argv);

} // namespace relgate::cli
