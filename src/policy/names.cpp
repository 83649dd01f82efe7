#include "policy/names.hpp"

#include "util/text.hpp"

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
const std::vector<std::string> k_placeholders = {"major", "minor", "patch", "rc"};
// A number is decimal without leading zeros, at most nine digits: every
// number fits, and a longer one is not a version. Release candidates count
// from 1.
constexpr std::size_t k_max_digits = 9;
} // namespace

std::optional<NameTemplate> NameTemplate::compile(std::string_view text, const std::vector<std::string>& required,
                                                  std::string* error) {
  NameTemplate t;
  t.m_text = std::string(text);
  std::vector<std::string> seen;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '{') {
      auto close = text.find('}', i);
      if (close == std::string_view::npos) {
        *error = "unclosed \"{\" in name template \"" + std::string(text) + "\"";
        return std::nullopt;
      }
      std::string name(text.substr(i + 1, close - i - 1));
      bool known = false;
      for (const auto& p : k_placeholders) known = known || p == name;
      bool wanted = false;
      for (const auto& p : required) wanted = wanted || p == name;
      if (!known || !wanted) {
        std::string list;
        for (const auto& p : required) list += (list.empty() ? "{" : ", {") + p + "}";
        *error = "unknown placeholder {" + name + "} in \"" + std::string(text) + "\" (it takes " + list + ")";
        return std::nullopt;
      }
      for (const auto& s : seen) {
        if (s == name) {
          *error = "placeholder {" + name + "} appears twice in \"" + std::string(text) + "\"";
          return std::nullopt;
        }
      }
      seen.push_back(name);
      t.m_parts.push_back({true, name});
      i = close + 1;
    } else {
      auto next = text.find('{', i);
      std::string literal(text.substr(i, next == std::string_view::npos ? std::string_view::npos : next - i));
      if (literal.find('}') != std::string::npos) {
        *error = "unmatched \"}\" in name template \"" + std::string(text) + "\"";
        return std::nullopt;
      }
      t.m_parts.push_back({false, literal});
      i = next == std::string_view::npos ? text.size() : next;
    }
  }
  for (const auto& r : required) {
    bool found = false;
    for (const auto& s : seen) found = found || s == r;
    if (!found) {
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

std::optional<Version> NameTemplate::match(std::string_view name) const {
  if (!m_compiled) return std::nullopt;
  std::vector<std::uint64_t> values;
  if (!match_from(name, 0, 0, values)) return std::nullopt;
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
