#pragma once
// Ref names as a person reads them: characters that cannot be seen, and
// names folded for comparison with ASCII names (look-alikes of release
// names, T1/B1). Unicode's own data does the work, through ICU (UTS #39
// confusables, normalization, character properties), loaded with dlopen
// the first time a name is not ASCII: an ASCII name never loads it (ICU's
// skeletons of the ASCII characters are compiled in, written at build time
// by cmake/ascii_skeletons.cpp from the same ICU).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relgate::unicode {

// True when every byte of `s` is ASCII.
bool is_ascii(std::string_view s);

// The length of the UTF-8 sequence at s[i]; 0 when the bytes there are not
// UTF-8 (strict: no overlong forms, surrogates, or code points past
// U+10FFFF). Needs no ICU.
std::size_t utf8_length(std::string_view s, std::size_t i);

// The first character of `s` that a reader cannot see, or that is not text:
// bytes that are not UTF-8, and code points that are default-ignorable
// (U+200B, U+2060, U+FEFF, U+00AD, variation selectors, ...), white space,
// controls, format characters, separators, private use, unassigned, or
// U+2800 BRAILLE PATTERN BLANK. ASCII text has none that git allows in a
// ref name. Throws Error when `s` is not ASCII and ICU cannot be loaded.
struct Unseen {
  std::size_t offset = 0; // bytes into `s`
  std::string what;       // "U+200B ZERO WIDTH SPACE", "byte 0xFF, which is not UTF-8"
};
std::optional<Unseen> find_unseen(std::string_view s);

// One character of a folded name.
struct Letter {
  enum class Kind {
    ascii,   // an ASCII character (after folding)
    digit,   // a decimal digit of any script, by its value
    foreign, // any other character
  } kind = Kind::ascii;
  char plain = 0;       // ascii: the character; digit: '0'..'9'; foreign: 0
  std::string skeleton; // its UTS #39 skeleton (ICU's), in UTF-8: "0" -> "O", "1" -> "l", "ν" -> "v"
};

// `s` (valid UTF-8 without unseen characters) as a reader takes it: NFKC
// (full-width and mathematical letters and digits become ASCII), combining
// marks removed (e, not é), decimal digits of every script by their value
// (Arabic-Indic ١ is 1), then one Letter per character. Throws Error when
// `s` is not ASCII and ICU cannot be loaded.
std::vector<Letter> fold(std::string_view s);

// The ASCII digit whose skeleton is `skeleton` ("O" is 0, "l" is 1), or -1.
int digit_of_skeleton(std::string_view skeleton);

// A folded name as plain text, for patterns written for ASCII: ASCII and
// digits as they are, a foreign character as its skeleton when that is
// ASCII, else '?'.
std::string plain_text(const std::vector<Letter>& letters);

} // namespace relgate::unicode
