// Fuzz target: commit messages (the freeze classifier: subject patterns,
// keywords, Freeze-Exception trailers; backport provenance: cherry-pick lines
// and pull-request references) and the files read for follow-ups (go.mod
// requirements, release names in release notes).
#include "policy/follow_ups.hpp"
#include "policy/freeze.hpp"
#include "policy/policy_loader.hpp"

#include <re2/re2.h>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace relgate;
  std::string message(reinterpret_cast<const char*>(data), size);
  static const policy::Policy keywords = [] {
    return policy::parse_policy("[freeze]\nallow_keywords = [\"hotfix\", \"bugfix\"]\n", "fuzz.toml",
                                policy::builtin_policy());
  }();
  repo::Commit c{"0123456789012345678901234567890123456789", {}, message, 0};
  auto paths = [](const std::function<bool(const std::string&)>& keep) { return keep("docs/a.md") && keep("src/b.go"); };
  for (const policy::Policy* p : {&policy::builtin_policy(), &keywords}) {
    (void)policy::classify_for_freeze(*p, c, paths, true);
    (void)policy::classify_for_freeze(*p, c, paths, false);
    (void)policy::trailer_value(message, p->freeze.exception_trailer);
    re2::StringPiece input(message);
    std::string value;
    for (int i = 0; i < 1000 && RE2::FindAndConsume(&input, *p->backport.cherry_pick, &value); ++i) {
    }
    input = re2::StringPiece(message);
    for (int i = 0; i < 1000 && RE2::FindAndConsume(&input, *p->backport.pr_ref, &value); ++i) {
    }
    (void)RE2::PartialMatch(message, *p->backport.main_pr, &value);
  }
  (void)policy::required_version(message, "github.com/envoyproxy/gateway");
  (void)policy::is_pseudo_version(message);
  (void)policy::names_release(message, {0, 5, 2, std::nullopt});
  return 0;
}
