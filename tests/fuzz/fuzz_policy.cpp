// Fuzz target: the TOML policy loader with its validation (located errors,
// name templates, patterns, paths), over the built-in policy.
#include "policy/policy_loader.hpp"
#include "util/error.hpp"

#include <re2/re2.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  using namespace relgate::policy;
  try {
    Policy p = parse_policy(text, "fuzz.toml", builtin_policy());
    // A loaded policy is usable: its templates render and match, its
    // patterns run.
    Version v{1, 2, 3, 4};
    (void)p.rc_tag.match(p.rc_tag.render(v));
    (void)p.final_tag.match(p.final_tag.render(v));
    (void)p.release_branch.match(p.release_branch.render(v));
    for (const auto& re : p.freeze.allow) (void)RE2::PartialMatch("fix: x", *re);
    if (p.version_like) (void)RE2::PartialMatch("v1.2.3", *p.version_like);
    (void)render_path(p.docs.versioned_path, v);
  } catch (const relgate::Error&) {
  }
  return 0;
}
