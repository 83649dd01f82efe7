// relgate's entry point: the one place that turns an error into
// `relgate: error: ...` and exit code 2.

#include "cli/app.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/trace.hpp"

#include <exception>
#include <new>
#include <string>

namespace {
// The one place that prints `relgate: error: ...`: one line, saying on the
// hook sides what the error means for the push.
int report_error(const std::string& message) {
  const std::string prefix = relgate::cli::gitlab_error_prefix();
  const auto& state = relgate::cli::run_state();
  std::string meaning;
  switch (state.side) {
  case relgate::cli::Side::server:
    meaning = " (the push is refused because relgate could not judge it; not your fault: tell the repository's admins)";
    break;
  case relgate::cli::Side::client:
    if (state.fail_open) {
      relgate::log::warn(prefix + "relgate: warning: " + message +
                         " (the push goes on unchecked: [client] fail_open_on_error)");
      return relgate::k_exit_accepted;
    }
    meaning = " (the push is stopped because relgate could not check it; the server still judges it)";
    break;
  case relgate::cli::Side::other: break;
  }
  relgate::log::error(prefix + "relgate: error: " + message + meaning);
  return relgate::k_exit_error;
}
} // namespace

int main(int argc, char** argv) {
  relgate::trace::start();
  std::string message;
  try {
    relgate::log::init();
    int rc = relgate::cli::run(argc, argv);
    relgate::trace::total();
    return rc;
  } catch (const relgate::Error& e) {
    message = e.what();
  } catch (const std::bad_alloc&) {
    message = "out of memory";
  } catch (const std::exception& e) {
    message = std::string("internal error: ") + e.what();
  } catch (...) {
    message = "internal error";
  }
  return report_error(message);
}
