// Fuzz target: the CI note format (refs/notes/ci), and combining its checks.
#include "ci/ci.hpp"
#include "ci/notes_provider.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace relgate::ci;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  int bad = 0;
  auto checks = parse_note(text, &bad);
  auto again = parse_note(render_note(checks));
  if (again.size() != checks.size()) __builtin_trap(); // a rendered note reads back whole
  (void)overlay_checks(checks, again);
  Requirements req;
  (void)combine("notes", checks, req);
  req.required = {"build", "test"};
  req.skipped_is_green = true;
  (void)combine("notes", checks, req);
  return 0;
}
