#include "util/unicode.hpp"

#include "util/error.hpp"

// ICU's C API only (its C++ API would want its libraries at link time).
#define U_SHOW_CPLUSPLUS_API 0
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uspoof.h>
#include <unicode/utf16.h>

#include <dlfcn.h>

#include <cstdio>
#include <mutex>

namespace relgate::unicode {

namespace {

// ICU's skeleton of every ASCII character, in UTF-8 (cmake/ascii_skeletons.cpp
// writes it at build time from the ICU relgate loads at run time). Arrays,
// not pointers: a table of pointers is relocated, so touched, at every
// start.
const char k_ascii_skeletons[128][16] = {
#include "ascii_skeletons.inc"
};

// ICU renames its C functions by version (u_charType is u_charType_72): the
// names to look up are the macros' expansions.
#define RELGATE_ICU_QUOTE(x) #x
#define RELGATE_ICU_NAME(x) RELGATE_ICU_QUOTE(x)

// The ICU functions relgate uses, from libicuuc and libicui18n.
struct Icu {
  decltype(&u_charType) char_type = nullptr;
  decltype(&u_hasBinaryProperty) has_binary_property = nullptr;
  decltype(&u_charDigitValue) digit_value = nullptr;
  decltype(&u_charName) char_name = nullptr;
  decltype(&u_errorName) error_name = nullptr;
  decltype(&unorm2_getNFKCInstance) nfkc_instance = nullptr;
  decltype(&unorm2_getNFDInstance) nfd_instance = nullptr;
  decltype(&unorm2_normalize) normalize = nullptr;
  decltype(&uspoof_open) spoof_open = nullptr;
  decltype(&uspoof_getSkeleton) skeleton = nullptr;
  const UNormalizer2* nfkc = nullptr;
  const UNormalizer2* nfd = nullptr;
  USpoofChecker* checker = nullptr; // lives as long as the process
};

template <typename F>
void bind(void* lib, F& fn, const char* name, std::string& missing) {
  void* sym = dlsym(lib, name);
  if (!sym) missing = name;
  fn = reinterpret_cast<F>(sym);
}

// Loads ICU on first use; throws Error when it cannot (fail closed: a name
// that cannot be checked is not accepted).
const Icu& icu() {
  static std::once_flag once;
  static Icu api;
  static std::string fault;
  std::call_once(once, [] {
    const std::string uc = "libicuuc.so." U_ICU_VERSION_SHORT, i18n = "libicui18n.so." U_ICU_VERSION_SHORT;
    void* uc_lib = dlopen(uc.c_str(), RTLD_NOW | RTLD_LOCAL);
    void* i18n_lib = uc_lib ? dlopen(i18n.c_str(), RTLD_NOW | RTLD_LOCAL) : nullptr;
    if (!uc_lib || !i18n_lib) {
      const char* why = dlerror();
      fault = "cannot load " + (uc_lib ? i18n : uc) + " (install libicu" U_ICU_VERSION_SHORT "): " +
              std::string(why ? why : "not found");
      return;
    }
    std::string missing;
    bind(uc_lib, api.char_type, RELGATE_ICU_NAME(u_charType), missing);
    bind(uc_lib, api.has_binary_property, RELGATE_ICU_NAME(u_hasBinaryProperty), missing);
    bind(uc_lib, api.digit_value, RELGATE_ICU_NAME(u_charDigitValue), missing);
    bind(uc_lib, api.char_name, RELGATE_ICU_NAME(u_charName), missing);
    bind(uc_lib, api.error_name, RELGATE_ICU_NAME(u_errorName), missing);
    bind(uc_lib, api.nfkc_instance, RELGATE_ICU_NAME(unorm2_getNFKCInstance), missing);
    bind(uc_lib, api.nfd_instance, RELGATE_ICU_NAME(unorm2_getNFDInstance), missing);
    bind(uc_lib, api.normalize, RELGATE_ICU_NAME(unorm2_normalize), missing);
    bind(i18n_lib, api.spoof_open, RELGATE_ICU_NAME(uspoof_open), missing);
    bind(i18n_lib, api.skeleton, RELGATE_ICU_NAME(uspoof_getSkeleton), missing);
    if (!missing.empty()) {
      fault = "ICU " U_ICU_VERSION_SHORT " lacks " + missing;
      return;
    }
    UErrorCode status = U_ZERO_ERROR;
    api.nfkc = api.nfkc_instance(&status);
    api.nfd = api.nfd_instance(&status);
    api.checker = api.spoof_open(&status);
    if (U_FAILURE(status)) fault = std::string("ICU could not start: ") + api.error_name(status);
  });
  if (!fault.empty()) throw Error("checking a name that is not ASCII needs ICU: " + fault);
  return api;
}

void check(const Icu& api, UErrorCode status, const char* what) {
  if (U_FAILURE(status)) throw Error(std::string("ICU ") + what + ": " + api.error_name(status));
}

// The code point at s[i] (strict UTF-8: no overlong forms, surrogates or
// values past U+10FFFF); its length in `len`, 0 when the bytes are not UTF-8.
char32_t decode(std::string_view s, std::size_t i, std::size_t& len) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  len = 0;
  if (c < 0x80) {
    len = 1;
    return c;
  }
  std::size_t n;
  char32_t cp, min;
  if (c >= 0xc2 && c <= 0xdf) n = 2, cp = c & 0x1f, min = 0x80;
  else if (c >= 0xe0 && c <= 0xef) n = 3, cp = c & 0x0f, min = 0x800;
  else if (c >= 0xf0 && c <= 0xf4) n = 4, cp = c & 0x07, min = 0x10000;
  else return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  len = n;
  return cp;
}

std::u16string to_utf16(std::string_view s) {
  std::u16string out;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len;
    char32_t cp = decode(s, i, len);
    if (len == 0) throw Error("not UTF-8"); // callers checked with find_unseen
    i += len;
    if (cp < 0x10000) {
      out += static_cast<char16_t>(cp);
    } else {
      out += static_cast<char16_t>(0xd800 + ((cp - 0x10000) >> 10));
      out += static_cast<char16_t>(0xdc00 + ((cp - 0x10000) & 0x3ff));
    }
  }
  return out;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

std::string to_utf8(const std::u16string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    UChar32 c;
    U16_NEXT(s.data(), i, s.size(), c);
    append_utf8(out, static_cast<char32_t>(c));
  }
  return out;
}

// Runs an ICU call that writes UTF-16 into a buffer, growing the buffer
// once when ICU says how much it needs.
template <typename Call>
std::u16string into_buffer(const Icu& api, std::size_t guess, const char* what, const Call& call) {
  std::u16string out(guess, u'\0');
  UErrorCode status = U_ZERO_ERROR;
  int32_t n = call(out.data(), static_cast<int32_t>(out.size()), &status);
  if (status == U_BUFFER_OVERFLOW_ERROR && n > 0) {
    out.assign(static_cast<std::size_t>(n), u'\0');
    status = U_ZERO_ERROR;
    n = call(out.data(), static_cast<int32_t>(out.size()), &status);
  }
  check(api, status, what);
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::u16string normalize(const Icu& api, const UNormalizer2* form, const std::u16string& s) {
  return into_buffer(api, s.size() * 2 + 16, "normalization failed", [&](char16_t* buf, int32_t cap, UErrorCode* st) {
    return api.normalize(form, s.data(), static_cast<int32_t>(s.size()), buf, cap, st);
  });
}

std::string skeleton_of(const Icu& api, char32_t cp) {
  std::string utf8;
  append_utf8(utf8, cp);
  const std::u16string one = to_utf16(utf8);
  return to_utf8(into_buffer(api, 16, "skeleton failed", [&](char16_t* buf, int32_t cap, UErrorCode* st) {
    return api.skeleton(api.checker, 0, one.data(), static_cast<int32_t>(one.size()), buf, cap, st);
  }));
}

std::string describe(const Icu& api, char32_t cp) {
  char code[16];
  std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(cp));
  char name[128];
  UErrorCode status = U_ZERO_ERROR;
  int32_t n = api.char_name(static_cast<UChar32>(cp), U_EXTENDED_CHAR_NAME, name, sizeof name, &status);
  if (U_FAILURE(status) || n <= 0) return code;
  return std::string(code) + " " + std::string(name, static_cast<std::size_t>(n));
}

Letter ascii_letter(char c) {
  Letter l;
  l.kind = (c >= '0' && c <= '9') ? Letter::Kind::digit : Letter::Kind::ascii;
  l.plain = c;
  l.skeleton = k_ascii_skeletons[static_cast<unsigned char>(c)];
  return l;
}

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

} // namespace

std::size_t utf8_length(std::string_view s, std::size_t i) {
  std::size_t len;
  decode(s, i, len);
  return len;
}

bool is_ascii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

std::optional<Unseen> find_unseen(std::string_view s) {
  auto control = [](std::size_t offset, unsigned char c) {
    char text[48];
    std::snprintf(text, sizeof text, "U+%04X, a control character", c);
    return Unseen{offset, text};
  };
  if (is_ascii(s)) {
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (is_control(static_cast<unsigned char>(s[i]))) return control(i, static_cast<unsigned char>(s[i]));
    }
    return std::nullopt;
  }
  const Icu& api = icu();
  constexpr std::uint32_t k_unseen_categories = U_GC_CC_MASK | U_GC_CF_MASK | U_GC_CS_MASK | U_GC_CO_MASK |
                                                U_GC_CN_MASK | U_GC_ZS_MASK | U_GC_ZL_MASK | U_GC_ZP_MASK;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len;
    const char32_t cp = decode(s, i, len);
    if (len == 0) {
      char text[48];
      std::snprintf(text, sizeof text, "byte 0x%02X, which is not UTF-8", static_cast<unsigned char>(s[i]));
      return Unseen{i, text};
    }
    if (cp < 0x80) {
      if (is_control(static_cast<unsigned char>(cp))) return control(i, static_cast<unsigned char>(cp));
    } else {
      const auto c = static_cast<UChar32>(cp);
      if (api.has_binary_property(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) ||
          api.has_binary_property(c, UCHAR_WHITE_SPACE) || (U_MASK(api.char_type(c)) & k_unseen_categories) != 0 ||
          cp == 0x2800) {
        return Unseen{i, describe(api, cp)};
      }
    }
    i += len;
  }
  return std::nullopt;
}

std::vector<Letter> fold(std::string_view s) {
  std::vector<Letter> out;
  if (is_ascii(s)) {
    for (char c : s) out.push_back(ascii_letter(c));
    return out;
  }
  const Icu& api = icu();
  const std::u16string text = normalize(api, api.nfd, normalize(api, api.nfkc, to_utf16(s)));
  for (std::size_t i = 0; i < text.size();) {
    UChar32 c;
    U16_NEXT(text.data(), i, text.size(), c);
    if ((U_MASK(api.char_type(c)) & U_GC_M_MASK) != 0) continue; // é is e
    if (c < 0x80) {
      out.push_back(ascii_letter(static_cast<char>(c)));
      continue;
    }
    if (int32_t d = api.digit_value(c); d >= 0 && d <= 9) {
      out.push_back(ascii_letter(static_cast<char>('0' + d)));
      continue;
    }
    Letter l;
    l.kind = Letter::Kind::foreign;
    l.skeleton = skeleton_of(api, static_cast<char32_t>(c));
    out.push_back(std::move(l));
  }
  return out;
}

int digit_of_skeleton(std::string_view skeleton) {
  for (int d = 0; d <= 9; ++d) {
    if (skeleton == k_ascii_skeletons['0' + d]) return d;
  }
  return -1;
}

std::string plain_text(const std::vector<Letter>& letters) {
  std::string out;
  for (const auto& l : letters) {
    if (l.kind != Letter::Kind::foreign) out += l.plain;
    else if (!l.skeleton.empty() && is_ascii(l.skeleton)) out += l.skeleton;
    else out += '?';
  }
  return out;
}

} // namespace relgate::unicode
