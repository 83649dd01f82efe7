// What the in-memory repository answers where the Repository interface
// leaves it a choice to make (repo/repository.hpp).

#include "repo/memory_repository.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

using namespace relgate;

TEST_CASE("tag times: tagger time of an annotated tag, else the commit's time", "[repository]") {
  repo::MemoryRepository repo;
  auto c = repo.add_commit({}, "feat: first\n", 1000);
  auto annotated = repo.add_tag_object(c, "v0.1.0", 5000);
  auto untagged = repo.add_tag_object(c, "v0.1.0-rc2"); // a tag object without a tagger
  auto nested = repo.add_tag_object(annotated, "v0.1.0-again", 7000);
  auto blob = repo.add_blob();
  CHECK(repo.tag_time(c) == 1000);
  CHECK(repo.tag_time(annotated) == 5000);
  CHECK(repo.tag_time(untagged) == 1000);
  CHECK(repo.tag_time(nested) == 7000);
  CHECK(repo.tag_time(blob) == std::nullopt);
  CHECK(repo.tag_time(repo.add_tag_object(blob, "odd", 9000)) == std::nullopt);
  CHECK_THROWS_AS(repo.tag_time(std::string(40, 'f')), Error);
}

TEST_CASE("merge_in_memory: the commit a pull request's merge would make", "[repository][pr]") {
  repo::MemoryRepository repo;
  auto base0 = repo.add_commit({}, "feat: first\n", 1000, {"a.go"});
  auto base = repo.add_commit({base0}, "fix: on main\n", 2000, {"b.go"});
  auto pr1 = repo.add_commit({base0}, "docs: one\n", 1500, {"docs/x.md"});
  auto pr2 = repo.add_commit({pr1}, "docs: two\n", 1600, {"README.md", "docs/x.md"});
  repo.set_patch(pr1, "one");

  auto squash = repo.merge_in_memory(base, pr2, repo::MergeShape::squash, "docs: the PR (#7)\n");
  REQUIRE(squash);
  auto c = repo.commit(*squash);
  CHECK(c.parents == std::vector<repo::ObjectId>{base});
  CHECK(c.subject() == "docs: the PR (#7)");
  CHECK(c.time == 2000);
  CHECK(repo.changed_paths(*squash) == std::vector<std::string>{"README.md", "docs/x.md"}); // the PR's, not main's
  CHECK(repo.is_ancestor(base, *squash));
  CHECK_FALSE(repo.is_ancestor(pr2, *squash));
  CHECK(repo.new_commits(*squash, {base}) == std::vector<repo::ObjectId>{*squash});

  // A one-commit pull request's squash has that commit's patch id.
  auto one = repo.merge_in_memory(base, pr1, repo::MergeShape::squash, "docs: one (#8)\n");
  CHECK(repo.patch_id(*one) == repo.patch_id(pr1));
  CHECK(repo.patch_id(*squash) != repo.patch_id(pr1));

  auto merge = repo.merge_in_memory(base, pr2, repo::MergeShape::merge, "Merge pull request #7\n");
  REQUIRE(merge);
  CHECK(repo.commit(*merge).parents == std::vector<repo::ObjectId>{base, pr2});
  CHECK(repo.is_clean_merge(*merge));
  CHECK(repo.new_commits(*merge, {base}).size() == 3);

  repo.set_merge_conflict(pr2);
  CHECK_FALSE(repo.merge_in_memory(base, pr2, repo::MergeShape::squash, "x\n"));
  CHECK_THROWS_AS(repo.merge_in_memory(base, std::string(40, 'f'), repo::MergeShape::squash, "x\n"), Error);
}
