#include "policy/names.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <charconv>

namespace relgate::policy {

std::string Line::str() const { return std::to_string(major) + "." + std::to_string(minor); }

TagKind kind_of(const Version& v) {
  if (v.rc) return TagKind::rc;
  return v.patch == 0 ? TagKind::final : TagKind::patch;
}

const char* to_string(TagKind kind) {
  switch (kind) {
  case TagKind::rc: return "rc";
  case TagKind::final: return "final";
  case TagKind::patch: return "patch";
  }
  return "?";
}

namespace {
// A number is decimal without leading zeros, at most nine digits: every
// number fits, and a longer one is not a version. Release candidates count
// from 1.
constexpr std::size_t k_max_digits = 9;
} // namespace

std::optional<std::vector<TemplatePart>> split_template(std::string_view text, const std::vector<std::string>& allowed,
                                                        std::string_view kind, bool adjacent_ok, std::string* error) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  std::vector<TemplatePart> parts;
  std::vector<std::string> seen;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '{') {
      auto next = text.find('{', i);
      std::string literal(text.substr(i, next == std::string_view::npos ? std::string_view::npos : next - i));
      if (literal.find('}') != std::string::npos) {
        *error = "unmatched \"}\" in " + std::string(kind) + quoted;
        return std::nullopt;
      }
      parts.push_back({false, literal});
      i = next == std::string_view::npos ? text.size() : next;
      continue;
    }
    auto close = text.find('}', i);
    if (close == std::string_view::npos) {
      *error = "unclosed \"{\" in " + std::string(kind) + quoted;
      return std::nullopt;
    }
    std::string name(text.substr(i + 1, close - i - 1));
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      std::vector<std::string> braced;
      for (const auto& a : allowed) braced.push_back("{" + a + "}");
      *error = "unknown placeholder {" + name + "} in " + quoted + " (it takes " + join(braced, ", ") + ")";
      return std::nullopt;
    }
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      *error = "placeholder {" + name + "} appears twice in " + quoted;
      return std::nullopt;
    }
    if (!adjacent_ok && !parts.empty() && parts.back().placeholder) {
      *error = "placeholders {" + parts.back().text + "} and {" + name + "} need text between them in " + quoted;
      return std::nullopt;
    }
    seen.push_back(name);
    parts.push_back({true, name});
    i = close + 1;
  }
  return parts;
}

std::optional<NameTemplate> NameTemplate::compile(std::string_view text, const std::vector<std::string>& required,
                                                  std::string* error) {
  NameTemplate t;
  t.m_text = std::string(text);
  // Every required placeholder, and no other.
  auto parts = split_template(text, required, "name template ", true, error);
  if (!parts) return std::nullopt;
  t.m_parts = std::move(*parts);
  for (const auto& r : required) {
    auto is_r = [&](const Part& p) { return p.placeholder && p.text == r; };
    if (std::none_of(t.m_parts.begin(), t.m_parts.end(), is_r)) {
      *error = "name template \"" + std::string(text) + "\" lacks the placeholder {" + r + "}";
      return std::nullopt;
    }
  }
  t.m_compiled = true;
  return t;
}

// Matches the parts from `part` on against name[pos..], the whole rest of
// it. A placeholder tries its longest number first, then shorter ones, so
// adjacent placeholders and literals that start with a digit still parse;
// `values` holds one number per placeholder seen so far.
bool NameTemplate::match_from(std::string_view name, std::size_t part, std::size_t pos,
                              std::vector<std::uint64_t>& values) const {
  if (part == m_parts.size()) return pos == name.size();
  const Part& p = m_parts[part];
  if (!p.placeholder) {
    if (name.substr(pos, p.text.size()) != p.text) return false;
    return match_from(name, part + 1, pos + p.text.size(), values);
  }
  if (pos >= name.size() || !is_digit(name[pos])) return false;
  if (name[pos] == '0') {
    if (p.text == "rc") return false;
    values.push_back(0);
    if (match_from(name, part + 1, pos + 1, values)) return true;
    values.pop_back();
    return false;
  }
  std::size_t run = 0;
  while (run < k_max_digits && pos + run < name.size() && is_digit(name[pos + run])) ++run;
  for (std::size_t len = run; len >= 1; --len) {
    std::uint64_t value = 0;
    std::from_chars(name.data() + pos, name.data() + pos + len, value);
    values.push_back(value);
    if (match_from(name, part + 1, pos + len, values)) return true;
    values.pop_back();
  }
  return false;
}

Version NameTemplate::version_of(const std::vector<std::uint64_t>& values) const {
  Version v;
  std::size_t g = 0;
  for (const auto& part : m_parts) {
    if (!part.placeholder) continue;
    std::uint64_t value = values[g++];
    if (part.text == "major") v.major = value;
    else if (part.text == "minor") v.minor = value;
    else if (part.text == "patch") v.patch = value;
    else if (part.text == "rc") v.rc = value;
  }
  return v;
}

std::optional<Version> NameTemplate::match(std::string_view name) const {
  if (!m_compiled) return std::nullopt;
  std::vector<std::uint64_t> values;
  if (!match_from(name, 0, 0, values)) return std::nullopt;
  return version_of(values);
}

namespace {
// A folded name and a template, each as a run of skeleton bytes.
struct NameAtom {
  char c = 0;           // a byte of a letter's skeleton; 0 for a foreign letter
  bool foreign = false; // a letter outside ASCII: stands for any one template character
  int digit = -1;       // the digit it reads as, else -1
};
struct TemplateAtom {
  char c = 0;          // a byte of a template character's skeleton
  std::size_t span = 0; // on a character's first byte: its skeleton's length
  bool number = false;  // a placeholder
};

class Imitation {
public:
  Imitation(std::vector<NameAtom> name, std::vector<TemplateAtom> pattern)
      : m_name(std::move(name)), m_pattern(std::move(pattern)),
        m_memo((m_name.size() + 1) * (m_pattern.size() + 1) * 2, 0) {}

  // Whether name[i..] reads as pattern[j..]; `inside`: the number at j has
  // taken a digit already.
  bool reads(std::size_t i, std::size_t j, bool inside) {
    char& memo = m_memo[(i * (m_pattern.size() + 1) + j) * 2 + (inside ? 1 : 0)];
    if (memo) return memo == 2;
    bool ok = false;
    if (j == m_pattern.size()) {
      ok = i == m_name.size();
    } else if (m_pattern[j].number) {
      ok = (inside && reads(i, j + 1, false)) || (i < m_name.size() && m_name[i].digit >= 0 && reads(i + 1, j, true));
    } else if (i < m_name.size()) {
      const NameAtom& a = m_name[i];
      const TemplateAtom& t = m_pattern[j];
      ok = (!a.foreign && a.c == t.c && reads(i + 1, j + 1, false)) ||
           (a.foreign && t.span > 0 && reads(i + 1, j + t.span, false));
    }
    memo = ok ? 2 : 1;
    return ok;
  }

  // After reads(0, 0, false): the numbers read, in the pattern's order.
  std::vector<std::uint64_t> numbers() {
    std::vector<std::uint64_t> out;
    std::size_t i = 0, j = 0;
    bool inside = false;
    while (j < m_pattern.size()) {
      if (m_pattern[j].number) {
        if (inside && reads(i, j + 1, false)) {
          ++j;
          inside = false;
          continue;
        }
        if (!inside) out.push_back(0);
        out.back() =
            std::min<std::uint64_t>(out.back() * 10 + static_cast<std::uint64_t>(m_name[i].digit), k_max_number);
        ++i;
        inside = true;
      } else {
        j += m_name[i].foreign ? m_pattern[j].span : 1;
        ++i;
      }
    }
    return out;
  }

private:
  std::vector<NameAtom> m_name;
  std::vector<TemplateAtom> m_pattern;
  std::vector<char> m_memo; // 0 unknown, 1 no, 2 yes
};
} // namespace

std::optional<Version> NameTemplate::imitated_by(const std::vector<unicode::Letter>& letters) const {
  if (!m_compiled || letters.size() > k_max_imitation_letters) return std::nullopt;
  std::vector<NameAtom> name;
  for (const auto& l : letters) {
    if (l.kind == unicode::Letter::Kind::foreign) {
      name.push_back({0, true, unicode::digit_of_skeleton(l.skeleton)});
      continue;
    }
    for (char c : l.skeleton) name.push_back({c, false, unicode::digit_of_skeleton(std::string_view(&c, 1))});
  }
  std::vector<TemplateAtom> pattern;
  for (const auto& part : m_parts) {
    if (part.placeholder) {
      pattern.push_back({0, 0, true});
      continue;
    }
    for (const auto& l : unicode::fold(part.text)) {
      for (std::size_t k = 0; k < l.skeleton.size(); ++k) {
        pattern.push_back({l.skeleton[k], k == 0 ? l.skeleton.size() : 0, false});
      }
    }
  }
  Imitation imitation(std::move(name), std::move(pattern));
  if (!imitation.reads(0, 0, false)) return std::nullopt;
  const auto values = imitation.numbers();
  return version_of(values);
}

std::string NameTemplate::render(const Version& v) const {
  std::string out;
  for (const auto& part : m_parts) {
    if (!part.placeholder) out += part.text;
    else if (part.text == "major") out += std::to_string(v.major);
    else if (part.text == "minor") out += std::to_string(v.minor);
    else if (part.text == "patch") out += std::to_string(v.patch);
    else if (part.text == "rc") out += std::to_string(v.rc.value_or(0));
  }
  return out;
}

std::string NameTemplate::display() const {
  std::string out;
  for (const auto& part : m_parts) {
    if (!part.placeholder) out += part.text;
    else if (part.text == "major") out += "X";
    else if (part.text == "minor") out += "Y";
    else if (part.text == "patch") out += "Z";
    else if (part.text == "rc") out += "N";
  }
  return out;
}

std::string NameTemplate::literal_prefix() const {
  return (!m_parts.empty() && !m_parts.front().placeholder) ? m_parts.front().text : std::string();
}

} // namespace relgate::policy
