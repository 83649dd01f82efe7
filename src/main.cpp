// relgate's entry point: the one place that turns an error into
// `relgate: error: ...` and exit code 2.

#include "cli/app.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/trace.hpp"

#include <cstdlib>
#include <exception>
#include <new>

int main(int argc, char** argv) {
  const char* gl = std::getenv("GL_ID");
  const std::string prefix = (gl && *gl) ? "GL-HOOK-ERR: " : "";
  relgate::trace::start();
  try {
    relgate::log::init();
    int rc = relgate::cli::run(argc, argv);
    relgate::trace::total();
    return rc;
  } catch (const relgate::Error& e) {
    relgate::log::get().error("{}relgate: error: {}", prefix, e.what());
  } catch (const std::bad_alloc&) {
    relgate::log::get().error("{}relgate: error: out of memory", prefix);
  } catch (const std::exception& e) {
    relgate::log::get().error("{}relgate: error: internal error: {}", prefix, e.what());
  } catch (...) {
    relgate::log::get().error("{}relgate: error: internal error", prefix);
  }
  return relgate::k_exit_error;
}
