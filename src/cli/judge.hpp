#pragma once
// The commands that judge pushes: the three hooks and `check`. Each returns
// the process exit code; errors are thrown as relgate::Error.

#include <string>
#include <vector>

namespace relgate::cli {

struct GlobalOptions {
  std::string config;    // --config FILE
  std::string repo_dir;  // --repo DIR; empty: found the way git finds it
};

int run_pre_receive(const GlobalOptions& opts);
int run_update(const GlobalOptions& opts, const std::string& ref, const std::string& old_id, const std::string& new_id);
int run_pre_push(const GlobalOptions& opts, const std::string& remote, const std::string& url);
// args: REF OLD NEW [REF OLD NEW ...]
int run_check(const GlobalOptions& opts, const std::vector<std::string>& args);

} // namespace relgate::cli
