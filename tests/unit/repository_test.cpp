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
