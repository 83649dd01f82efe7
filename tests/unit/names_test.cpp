#include "policy/names.hpp"

#include <catch2/catch.hpp>

using namespace relgate::policy;

TEST_CASE("name templates match, render and display", "[names]") {
  std::string err;
  auto rc = NameTemplate::compile("v{major}.{minor}.{patch}-rc{rc}", {"major", "minor", "patch", "rc"}, &err);
  REQUIRE(rc);
  auto v = rc->match("v0.12.0-rc3");
  REQUIRE(v);
  CHECK(*v == Version{0, 12, 0, 3});
  CHECK(rc->render(*v) == "v0.12.0-rc3");
  CHECK(rc->display() == "vX.Y.Z-rcN");
  for (std::string bad : {"v0.12.0-rc03", "v0.012.0-rc3", "v0.12.0-rc3 ", "xv0.12.0-rc3", "v0.12.0-RC3",
                          "v1234567890.0.0-rc1", "v0.1.0-rc1^{}"}) {
    INFO(bad);
    CHECK_FALSE(rc->match(bad));
  }
  auto branch = NameTemplate::compile("release/v{major}.{minor}", {"major", "minor"}, &err);
  REQUIRE(branch);
  CHECK(branch->literal_prefix() == "release/v");
  CHECK(branch->match("release/v1.0"));
  CHECK_FALSE(branch->match("release/v1.0.0"));
}

TEST_CASE("name templates parse numbers the way the rule book spells them", "[names]") {
  std::string err;
  auto rc = NameTemplate::compile("v{major}.{minor}.{patch}-rc{rc}", {"major", "minor", "patch", "rc"}, &err);
  REQUIRE(rc);
  CHECK(*rc->match("v0.0.0-rc1") == Version{0, 0, 0, 1});
  CHECK(*rc->match("v999999999.1.2-rc10") == Version{999999999, 1, 2, 10});
  for (std::string bad : {"v0.1.0-rc0", "v0.1.0-rc", "v.1.0-rc1", "v0.1.0-rc1x", "v00.1.0-rc1", "v0.1.0-rc-1",
                          "v0.1.0-rc1234567890", "", "v", "v0.1.0-rc１"}) {
    INFO(bad);
    CHECK_FALSE(rc->match(bad));
  }
  // Adjacent placeholders and literals that start with a digit: the longest
  // number that still lets the rest match, as a regular expression would.
  auto packed = NameTemplate::compile("r{major}{minor}", {"major", "minor"}, &err);
  REQUIRE(packed);
  CHECK(packed->match("r12")->major == 1);
  CHECK(packed->match("r12")->minor == 2);
  CHECK(packed->match("r105")->major == 10);
  CHECK(packed->match("r105")->minor == 5);
  CHECK(packed->match("r100")->major == 10); // "1" then "00" cannot be
  CHECK(packed->match("r100")->minor == 0);
  CHECK_FALSE(packed->match("r1"));
  auto digit_literal = NameTemplate::compile("v{major}1.{minor}", {"major", "minor"}, &err);
  REQUIRE(digit_literal);
  CHECK(digit_literal->match("v21.3")->major == 2);
  CHECK(digit_literal->match("v211.3")->major == 21);
  CHECK_FALSE(digit_literal->match("v2.3"));
  CHECK_FALSE(NameTemplate().match("v0.1.0"));
}

TEST_CASE("name templates refuse what they cannot mean", "[names]") {
  std::string err;
  CHECK_FALSE(NameTemplate::compile("v{major}.{minor}", {"major", "minor", "patch"}, &err));
  CHECK(err == "name template \"v{major}.{minor}\" lacks the placeholder {patch}");
  CHECK_FALSE(NameTemplate::compile("v{major}.{minr}", {"major", "minor"}, &err));
  CHECK(err == "unknown placeholder {minr} in \"v{major}.{minr}\" (it takes {major}, {minor})");
  CHECK_FALSE(NameTemplate::compile("v{major}.{major}.{minor}", {"major", "minor"}, &err));
  CHECK_FALSE(NameTemplate::compile("v{major.{minor}", {"major", "minor"}, &err));
  CHECK_FALSE(NameTemplate::compile("v{major}}.{minor}", {"major", "minor"}, &err));
}

TEST_CASE("lines order by major then minor", "[names]") {
  CHECK(Line{0, 9} < Line{0, 10});
  CHECK(Line{0, 10} < Line{1, 0});
  CHECK(Line{1, 2}.str() == "1.2");
  CHECK(kind_of(Version{1, 2, 0, 1}) == TagKind::rc);
  CHECK(kind_of(Version{1, 2, 0, {}}) == TagKind::final);
  CHECK(kind_of(Version{1, 2, 3, {}}) == TagKind::patch);
}
