// Ref names as a person reads them (util/unicode.hpp) and the release names
// they imitate (NameTemplate::imitated_by).

#include "policy/names.hpp"
#include "util/unicode.hpp"

#include <catch2/catch.hpp>

using namespace relgate;
using unicode::Letter;

namespace {
std::string unseen(std::string_view s) {
  auto u = unicode::find_unseen(s);
  return u ? std::to_string(u->offset) + ": " + u->what : "none";
}

std::string kinds(const std::vector<Letter>& letters) {
  std::string out;
  for (const auto& l : letters) {
    out += l.kind == Letter::Kind::ascii ? 'a' : l.kind == Letter::Kind::digit ? 'd' : 'f';
  }
  return out;
}

std::optional<std::string> imitated(const std::string& text, const std::string& name, std::vector<std::string> placeholders) {
  std::string error;
  auto t = policy::NameTemplate::compile(text, placeholders, &error);
  REQUIRE(t);
  auto v = t->imitated_by(unicode::fold(name));
  if (!v) return std::nullopt;
  return t->render(*v);
}
} // namespace

TEST_CASE("characters that cannot be seen, and bytes that are not UTF-8", "[unicode]") {
  CHECK(unseen("v0.1.0") == "none");
  CHECK(unseen("caf\xc3\xa9") == "none");
  CHECK(unseen("v0.1.0\x01") == "6: U+0001, a control character");
  CHECK(unseen("\xe2\x80\x8bv0.1.0") == "0: U+200B ZERO WIDTH SPACE");
  CHECK(unseen("v\xe2\x81\xa0" "0.1.0") == "1: U+2060 WORD JOINER");
  CHECK(unseen("\xef\xbb\xbfv0.1.0") == "0: U+FEFF ZERO WIDTH NO-BREAK SPACE");
  CHECK(unseen("a\xc2\xa0" "b") == "1: U+00A0 NO-BREAK SPACE");                    // white space
  CHECK(unseen("a\xc2\xad" "b") == "1: U+00AD SOFT HYPHEN");                       // default-ignorable
  CHECK(unseen("a\xe2\xa0\x80" "b") == "1: U+2800 BRAILLE PATTERN BLANK");
  CHECK(unseen("a\xef\xb8\x8f") == "1: U+FE0F VARIATION SELECTOR-16");
  CHECK(unseen("a\xee\x80\x80") == "1: U+E000 <private use area-E000>");
  CHECK(unseen("a\xcd\xb8") == "1: U+0378 <unassigned-0378>");
  CHECK(unseen("a\xe2\x80\xae" "b") == "1: U+202E RIGHT-TO-LEFT OVERRIDE");
  CHECK(unseen("v\xff") == "1: byte 0xFF, which is not UTF-8");
  CHECK(unseen("\xc0\xaf") == "0: byte 0xC0, which is not UTF-8");          // overlong '/'
  CHECK(unseen("a\xed\xa0\x80") == "1: byte 0xED, which is not UTF-8");     // a surrogate
  CHECK(unseen("a\xf4\x90\x80\x80") == "1: byte 0xF4, which is not UTF-8"); // past U+10FFFF
  CHECK(unseen("a\xe2\x80") == "1: byte 0xE2, which is not UTF-8");         // cut short
}

TEST_CASE("folding: NFKC, marks removed, digits of every script by value, skeletons", "[unicode]") {
  auto f = unicode::fold("\xf0\x9d\x90\xaf" "0"); // MATHEMATICAL BOLD SMALL V, 0
  CHECK(kinds(f) == "ad");
  CHECK(f[0].plain == 'v');
  CHECK(f[1].skeleton == "O");
  CHECK(kinds(unicode::fold("v\xd9\xa1\xef\xbc\x92")) == "add"); // Arabic-Indic 1, full-width 2
  CHECK(unicode::plain_text(unicode::fold("v\xd9\xa1\xef\xbc\x92")) == "v12");
  CHECK(unicode::plain_text(unicode::fold("caf\xc3\xa9")) == "cafe");
  auto hook = unicode::fold("\xca\x8b"); // LATIN SMALL LETTER V WITH HOOK: ICU's skeleton is u
  REQUIRE(kinds(hook) == "f");
  CHECK(hook[0].skeleton == "u");
  CHECK(unicode::fold("m")[0].skeleton == "rn"); // ASCII from the table written at build time
  CHECK(unicode::fold("1")[0].skeleton == "l");
  CHECK(unicode::digit_of_skeleton("O") == 0);
  CHECK(unicode::digit_of_skeleton("l") == 1);
  CHECK(unicode::digit_of_skeleton("7") == 7);
  CHECK(unicode::digit_of_skeleton("x") == -1);
}

TEST_CASE("the release names a name imitates", "[unicode][T1][B1]") {
  const std::vector<std::string> version = {"major", "minor", "patch"};
  const std::vector<std::string> branch = {"major", "minor"};
  CHECK(imitated("v{major}.{minor}.{patch}", "vO.1.0", version) == "v0.1.0");
  CHECK(imitated("v{major}.{minor}.{patch}", "vl2.I0.O", version) == "v12.10.0");
  CHECK(imitated("v{major}.{minor}.{patch}", "\xca\x8b" "0.1.0", version) == "v0.1.0");       // ʋ
  CHECK(imitated("v{major}.{minor}.{patch}", "v0\xd9\xab" "1\xd9\xab" "0", version) == "v0.1.0"); // ٫
  CHECK(imitated("v{major}.{minor}.{patch}", "v\xd0\x9e.1.0", version) == "v0.1.0");          // Cyrillic О
  CHECK(imitated("release/v{major}.{minor}", "r\xd0\xb5lease/v0.1", branch) == "release/v0.1");
  CHECK(imitated("release/v{major}.{minor}", "release\xe2\x88\x95v0.1", branch) == "release/v0.1"); // division slash
  // Not imitations: other shapes, and letters outside ASCII where digits go.
  CHECK(imitated("v{major}.{minor}.{patch}", "v1", version) == std::nullopt);
  CHECK(imitated("v{major}.{minor}.{patch}", "vx.1.0", version) == std::nullopt);
  CHECK(imitated("v{major}.{minor}.{patch}", "\xe6\x97\xa5\xe6\x9c\xac.\xe8\xaa\x9e.1", version) == std::nullopt);
  CHECK(imitated("v{major}.{minor}.{patch}", "v0.1.0.", version) == std::nullopt);
  std::string long_name = "v";
  for (int i = 0; i < 300; ++i) long_name += "0";
  CHECK(imitated("v{major}.{minor}.{patch}", long_name + ".1.0", version) == std::nullopt); // over 256 letters
}
