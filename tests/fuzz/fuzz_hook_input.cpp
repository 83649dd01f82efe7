// Fuzz target: the hook input parsers (pre-receive, update arguments, pre-push).
#include "cli/hook_input.hpp"
#include "util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    (void)relgate::cli::parse_pre_receive(text);
  } catch (const relgate::Error&) {
  }
  try {
    (void)relgate::cli::parse_pre_push(text);
  } catch (const relgate::Error&) {
  }
  try {
    (void)relgate::cli::parse_ref_name(text, "fuzz ref");
  } catch (const relgate::Error&) {
  }
  try {
    (void)relgate::cli::parse_object_id(text, "fuzz id");
  } catch (const relgate::Error&) {
  }
  return 0;
}
