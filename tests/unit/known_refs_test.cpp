// The refs as known in one repository, and when tags were made
// (policy/known_refs.hpp, Repository::tag_time), on an in-memory repository.

#include "fixture.hpp"
#include "policy/known_refs.hpp"

#include <catch2/catch.hpp>

using namespace relgate;
using namespace relgate::test;
using policy::LocalBranches;

TEST_CASE("tag times: every tag that names a commit", "[known-refs]") {
  repo::MemoryRepository repo;
  auto c = repo.add_commit({}, "feat: first\n", 1000);
  auto annotated = repo.add_tag_object(c, "v0.1.0", 5000);
  auto blob = repo.add_blob();
  policy::RefMap refs{{"refs/heads/main", c},
                      {"refs/tags/v0.1.0", annotated},
                      {"refs/tags/v0.1.0-rc1", c},
                      {"refs/tags/not-a-commit", blob}};
  CHECK(policy::tag_times(repo, refs) ==
        std::map<std::string, std::int64_t>{{"refs/tags/v0.1.0", 5000}, {"refs/tags/v0.1.0-rc1", 1000}});
}

namespace {
struct Clone {
  History h;
  ObjectId local, remote, tag, freeze, notes;
  Clone() {
    local = h.repo.add_commit({}, "local\n");
    remote = h.repo.add_commit({}, "remote\n");
    tag = h.repo.add_commit({}, "tagged\n");
    freeze = h.repo.add_commit({}, "freeze\n");
    notes = h.repo.add_notes({});
    h.repo.set_ref("refs/heads/main", local);
    h.repo.set_ref("refs/heads/topic", local);
    h.repo.set_ref("refs/remotes/origin/main", remote);
    h.repo.set_ref("refs/remotes/origin/HEAD", remote);
    h.repo.set_ref("refs/remotes/origin/release/v0.1", remote);
    h.repo.set_ref("refs/remotes/fork/main", tag);
    h.repo.set_ref("refs/remotes/origin:x/main", tag); // git has no such refs; the name is refused anyway
    h.repo.set_ref("refs/tags/v0.1.0", tag);
    h.repo.set_ref("refs/freeze/v0.2.0", freeze);
    h.repo.set_ref("refs/notes/ci", notes);
    h.repo.set_ref("refs/notes/ci-other", notes);
    h.repo.set_ref("refs/pull/1/head", local);
  }
  policy::RefMap refs(const std::string& remote_name, LocalBranches local_branches) const {
    return policy::known_refs(h.repo, h.policy, remote_name, local_branches);
  }
};
} // namespace

TEST_CASE("known refs: a clone's branches replaced by the remote's", "[known-refs]") {
  Clone c;
  CHECK(c.refs("origin", LocalBranches::include) == policy::RefMap{{"refs/freeze/v0.2.0", c.freeze},
                                                                   {"refs/heads/main", c.remote},
                                                                   {"refs/heads/release/v0.1", c.remote},
                                                                   {"refs/heads/topic", c.local},
                                                                   {"refs/notes/ci", c.notes},
                                                                   {"refs/tags/v0.1.0", c.tag}});
  // pre-push judges the remote: no local branches.
  CHECK(c.refs("origin", LocalBranches::exclude) == policy::RefMap{{"refs/freeze/v0.2.0", c.freeze},
                                                                   {"refs/heads/main", c.remote},
                                                                   {"refs/heads/release/v0.1", c.remote},
                                                                   {"refs/notes/ci", c.notes},
                                                                   {"refs/tags/v0.1.0", c.tag}});
  CHECK(c.refs("fork", LocalBranches::exclude).at("refs/heads/main") == c.tag);
}

TEST_CASE("known refs: the server's own; a URL or a path is no remote's name", "[known-refs]") {
  Clone c;
  const policy::RefMap own{{"refs/freeze/v0.2.0", c.freeze}, {"refs/heads/main", c.local},
                           {"refs/heads/topic", c.local},    {"refs/notes/ci", c.notes},
                           {"refs/tags/v0.1.0", c.tag}};
  CHECK(c.refs("", LocalBranches::include) == own);
  CHECK(c.refs("git@example.com:org/repo.git", LocalBranches::include) == own);
  CHECK(c.refs("../server.git", LocalBranches::include) == own);
  CHECK(c.refs("origin:x", LocalBranches::include) == own);
  CHECK(c.refs("nowhere", LocalBranches::include) == own);
  CHECK(c.refs("", LocalBranches::exclude).count("refs/heads/main") == 0);
}
