// Fuzz target: tag and branch names. The input is a ref name; the engine
// judges its creation as a tag and as a branch (T1, B1, the pull-request
// branches of backports, the name templates, look-alike detection, escaping)
// on a small in-memory history, and the first line is also compiled as a
// name template and as a pull-request branch template.
#include "ci/notes_provider.hpp"
#include "policy/engine.hpp"
#include "policy/policy_loader.hpp"
#include "policy/report.hpp"
#include "policy/state.hpp"
#include "repo/memory_repository.hpp"
#include "util/error.hpp"
#include "util/text.hpp"
#include "util/unicode.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace relgate;
  std::string name(reinterpret_cast<const char*>(data), size);
  const policy::Policy& pol = policy::builtin_policy();
  (void)policy::parse_release_tag(pol, name);
  (void)unicode::find_unseen(name);
  if (!unicode::find_unseen(name)) (void)unicode::fold(name);
  (void)printable(name);

  std::string error;
  if (auto t = policy::NameTemplate::compile(std::string(first_line(name)), {"major", "minor"}, &error)) {
    (void)t->match(t->render({1, 2, 0, std::nullopt}));
    (void)t->match(name);
    (void)t->display();
  }
  // The first line as a backport.pr_branches template, matched against the
  // whole input and its own rendering.
  if (auto t = policy::PrBranchTemplate::compile(first_line(name), &error)) {
    if (auto r = t->render({1, 2}, pol.release_branch, 3, "x")) (void)t->match(*r, pol.release_branch);
    (void)t->match(name, pol.release_branch);
    (void)t->display(pol.release_branch);
  }

  static repo::MemoryRepository* repo = [] {
    auto* r = new repo::MemoryRepository;
    return r;
  }();
  static const repo::ObjectId root = repo->add_commit({}, "feat: one\n");
  static const repo::ObjectId next = repo->add_commit({root}, "fix: two\n");
  policy::Request req;
  req.before = {{"refs/heads/main", next}, {"refs/tags/v0.1.0-rc1", root}};
  req.updates = {{"refs/tags/" + name, std::string(40, '0'), next}, {"refs/heads/" + name, std::string(40, '0'), next}};
  ci::NotesProvider provider(*repo, pol.ci.notes_ref, pol.ci.requirements);
  try {
    auto verdict = policy::judge(*repo, pol, provider, req);
    (void)policy::format_verdict(verdict);
  } catch (const Error&) {
  }
  return 0;
}
