#include "ci/command_provider.hpp"

#include "util/process.hpp"

namespace relgate::ci {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t k_max_output = 65536;

std::string first_line_of(const std::string& out) {
  std::string line = out.substr(0, out.find('\n'));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  for (char& c : line) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  if (line.size() > 200) line = line.substr(0, 200) + "...";
  return line;
}

} // namespace

CommandOutcome run_command(const std::vector<std::string>& argv, Clock::time_point deadline) {
  CommandOutcome out;
  if (argv.empty() || argv[0].empty()) {
    out.error = "ci.command.argv is empty";
    return out;
  }
  // Its own process group (so the deadline kills what it started too),
  // stdin and stderr on /dev/null, stdout to us.
  process::Options options;
  options.null_stdin = true;
  options.capture_stdout = true;
  options.null_stderr = true;
  options.max_output = k_max_output;
  options.deadline = deadline;
  options.own_process_group = true;
  process::Result r = process::run(argv, options);
  out.first_line = first_line_of(r.out);
  out.code = r.code;
  out.error = r.error;
  switch (r.kind) {
  case process::Result::Kind::exited: out.kind = CommandOutcome::Kind::exited; break;
  case process::Result::Kind::signalled: out.kind = CommandOutcome::Kind::signalled; break;
  case process::Result::Kind::timed_out: out.kind = CommandOutcome::Kind::timed_out; break;
  case process::Result::Kind::not_started: out.kind = CommandOutcome::Kind::not_started; break;
  }
  return out;
}

CiResult command_result(const std::string& name, const CommandOutcome& o, int timeout_ms) {
  const std::string said = o.first_line.empty() ? std::string() : ": \"" + o.first_line + "\"";
  CiResult r;
  r.provider = "command";
  switch (o.kind) {
  case CommandOutcome::Kind::exited:
    if (o.code == 0) {
      r.status = Status::green;
      r.checks = {{name, CheckState::success, ""}};
      return r;
    }
    if (o.code == 1) {
      r.status = Status::red;
      r.checks = {{name, CheckState::failure, ""}};
      r.reason = name + " exited 1" + said;
      return r;
    }
    return not_green("command", name + " exited " + std::to_string(o.code) + said);
  case CommandOutcome::Kind::signalled:
    return not_green("command", name + " was killed by signal " + std::to_string(o.code) + said);
  case CommandOutcome::Kind::timed_out:
    return not_green("command", name + " did not finish within " + std::to_string(timeout_ms) + " ms" + said);
  case CommandOutcome::Kind::not_started:
    break;
  }
  return not_green("command", "cannot run " + name + ": " + o.error);
}

CommandProvider::CommandProvider(CommandSettings settings, int timeout_ms)
    : m_settings(std::move(settings)), m_timeout_ms(timeout_ms) {}

CiResult CommandProvider::status(const repo::ObjectId& commit, const RefLookup&) const {
  try {
    auto deadline = Clock::now() + std::chrono::milliseconds(m_timeout_ms);
    auto argv = m_settings.argv;
    std::string name = argv.empty() ? std::string("command") : argv[0].substr(argv[0].rfind('/') + 1);
    argv.push_back(commit);
    return command_result(name, run_command(argv, deadline), m_timeout_ms);
  } catch (const std::exception& e) {
    return not_green("command", e.what());
  }
}

} // namespace relgate::ci
