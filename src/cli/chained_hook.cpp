#include "cli/chained_hook.hpp"

#include "util/error.hpp"
#include "util/process.hpp"

namespace relgate::cli {

int run_chained_hook(const std::string& path, const std::vector<std::string>& args,
                     const std::optional<std::string>& input) {
  // Through sh, as the hook script ran it before (and as git runs hooks): a
  // hook without a #! line runs as a shell script. The path and arguments
  // are sh's positional parameters, never part of its command text.
  std::vector<std::string> argv{"/bin/sh", "-c", "exec \"$0\" \"$@\"", path};
  argv.insert(argv.end(), args.begin(), args.end());
  process::Options options;
  options.input = input;
  process::Result r = process::run(argv, options);
  switch (r.kind) {
  case process::Result::Kind::exited: return r.code;
  case process::Result::Kind::signalled: return 128 + r.code;
  case process::Result::Kind::timed_out: // no deadline: cannot happen
  case process::Result::Kind::not_started: break;
  }
  throw Error("cannot run the chained hook " + path + ": " + r.error);
}

std::string chained_refusal(const std::string& path, int status) {
  const auto slash = path.rfind('/');
  return "the chained hook " + (slash == std::string::npos ? path : path.substr(slash + 1)) + " exited " +
         std::to_string(status);
}

} // namespace relgate::cli
