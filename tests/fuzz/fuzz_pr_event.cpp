// Fuzz target: GitHub's event payloads as relgate pr reads them
// (pull_request, pull_request_target, merge_group), and the messages and
// reports made from what they carry.
#include "cli/pr_command.hpp"
#include "policy/policy_loader.hpp"
#include "policy/pull_request.hpp"
#include "util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace relgate;
  std::string payload(reinterpret_cast<const char*>(data), size);
  for (const char* event : {"pull_request_target", "merge_group"}) {
    try {
      auto pr = cli::from_github_event(event, payload);
      const auto& pol = policy::builtin_policy();
      auto subject = policy::squash_subject(pr, pr.title);
      (void)policy::squash_message(subject, policy::cherry_pick_lines(pol, pr.body), pr.body);
      (void)policy::merge_message(pr);
      std::vector<policy::PrFinding> f = {{policy::RuleId::F1, policy::Severity::error, pr.title, {pr.body}}};
      (void)policy::github_annotations(f);
      (void)policy::markdown_summary(pr, {{subject, {}}}, f);
      (void)policy::junit_report(pr, f);
    } catch (const Error&) {
    }
  }
  return 0;
}
