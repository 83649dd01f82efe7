// The engine's per-push state (policy/engine_internal.hpp), on an in-memory
// repository: what the rule files rely on.

#include "fixture.hpp"
#include "policy/engine_internal.hpp"

#include <catch2/catch.hpp>

using namespace relgate;
using namespace relgate::test;
using policy::RuleId;
using policy::Severity;

namespace {
// A Judgement of `updates` on the history as it is; `h` must outlive it.
struct Judged {
  policy::Request request;
  ci::NotesProvider provider;
  policy::detail::Judgement j;

  Judged(History& h, std::vector<RefUpdate> updates)
      : request{make_request(h, std::move(updates))}, provider(h.repo, h.policy.ci.notes_ref, h.policy.ci.requirements),
        j(h.repo, h.policy, provider, request) {}

  static policy::Request make_request(const History& h, std::vector<RefUpdate> updates) {
    policy::Request req;
    req.before = h.refs;
    req.updates = std::move(updates);
    req.remote = h.remote;
    return req;
  }
};
} // namespace

TEST_CASE("Judgement::add lists the commits it is given, and records nothing for a rule that is off", "[engine]") {
  History h;
  auto a = h.main_commit("fix: a");
  auto b = h.main_commit("feat: b");
  auto u = History::create_branch("topic", b);
  h.policy.severity[static_cast<std::size_t>(RuleId::B5)] = Severity::off;
  Judged judged(h, {u});
  auto& j = judged.j;
  j.add(RuleId::B7, u, "listed", {}, std::vector<policy::CommitRef>{{a, "fix: a"}, {b, "feat: b"}});
  j.add(RuleId::B5, u, "off", {}, std::vector<policy::CommitRef>{{b, "feat: b"}});
  REQUIRE(j.verdict.violations.size() == 1);
  const auto& v = j.verdict.violations.front();
  CHECK(v.why == "listed");
  CHECK(v.severity == Severity::warn);
  REQUIRE(v.commits.size() == 2);
  CHECK(v.commits[0].id == a);
  CHECK(v.commits[1].id == b);
}

TEST_CASE("Judgement::new_commits answers each set of hidden commits for a ref on its own", "[engine]") {
  History h;
  auto a = h.main_commit("fix: a");
  auto b = h.main_commit("fix: b");
  auto c = h.main_commit("fix: c");
  RefUpdate u{"refs/heads/main", a, c};
  Judged judged(h, {u});
  auto& j = judged.j;
  using Ids = std::vector<ObjectId>;
  CHECK(j.new_commits(u, {a}) == Ids{b, c});
  CHECK(j.new_commits(u, {b}) == Ids{c});
  CHECK(j.new_commits(u, {}) == Ids{a, b, c});
  CHECK(j.new_commits(u, {a}) == Ids{b, c}); // asked again: the same answer
  CHECK(j.new_commits(u, {c, a}) == Ids{}); // the set counts, not its order
  CHECK(j.new_commits(u, {a, c}) == Ids{});
}
