#include "cli/hook_input.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

using namespace relgate;
using namespace relgate::cli;

namespace {
const std::string a(40, 'a'), b(40, 'b'), z(40, '0');
}

TEST_CASE("pre-receive input: one update per line", "[input]") {
  auto u = parse_pre_receive(z + " " + a + " refs/tags/v0.1.0\n" + a + " " + b + " refs/heads/main\n");
  REQUIRE(u.size() == 2);
  CHECK(u[0].is_create());
  CHECK(u[0].ref == "refs/tags/v0.1.0");
  CHECK(u[1].old_id == a);
  CHECK(u[1].new_id == b);
  CHECK(parse_pre_receive("").empty());
  // SHA-256 repositories: 64 digits, and 64 zeros.
  auto u256 = parse_pre_receive(std::string(64, '0') + " " + std::string(64, 'c') + " refs/heads/main\n");
  CHECK(u256[0].is_create());
}

TEST_CASE("pre-receive input: anything else is an error naming the line", "[input]") {
  CHECK_THROWS_WITH(parse_pre_receive("hello\n"),
                    "pre-receive input line 1: expected \"<old-id> <new-id> <ref>\", got \"hello\"");
  CHECK_THROWS_WITH(parse_pre_receive(z + " " + a + " refs/heads/x\n" + "xyz " + a + " refs/heads/main\n"),
                    "pre-receive input line 2: \"xyz\" is not an object id (40 or 64 hex digits)");
  CHECK_THROWS_WITH(parse_pre_receive(z + " " + a + " main\n"),
                    "pre-receive input line 1: \"main\" is not a full ref name (refs/...)");
  CHECK_THROWS_WITH(parse_pre_receive(z + " " + std::string(40, 'A') + " refs/heads/x\n"),
                    Catch::Contains("is not an object id"));
  CHECK_THROWS_WITH(parse_pre_receive(std::string(5000, 'x')), Catch::Contains("longer than 4096 bytes"));
  CHECK_THROWS_WITH(parse_pre_receive(std::string("\x01\x02 \xff") + "\n"), Catch::Contains("\\x01\\x02 \\xff"));
}

TEST_CASE("pre-push input: local ref, local id, remote ref, remote id", "[input]") {
  auto p = parse_pre_push("(delete) " + z + " refs/heads/old " + a + "\nrefs/tags/v1 " + b + " refs/tags/v1 " + z + "\n");
  REQUIRE(p.size() == 2);
  CHECK(p[0].local_ref == "(delete)");
  CHECK(p[0].remote_id == a);
  CHECK(p[1].local_id == b);
  CHECK_THROWS_WITH(parse_pre_push("refs/heads/x " + a + "\n"), Catch::Contains("pre-push input line 1: expected"));
}
