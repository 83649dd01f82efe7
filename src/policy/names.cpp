#include "policy/names.hpp"

#include <re2/re2.h>

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
// At most nine digits: every number fits, and a longer one is not a version.
constexpr const char* k_number = "(0|[1-9][0-9]{0,8})";
// Release candidates count from 1.
constexpr const char* k_rc_number = "([1-9][0-9]{0,8})";
} // namespace

std::optional<NameTemplate> NameTemplate::compile(std::string_view text, const std::vector<std::string>& required,
                                                  std::string* error) {
  NameTemplate t;
  t.m_text = std::string(text);
  std::string pattern;
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
      pattern += name == "rc" ? k_rc_number : k_number;
      i = close + 1;
    } else {
      auto next = text.find('{', i);
      std::string literal(text.substr(i, next == std::string_view::npos ? std::string_view::npos : next - i));
      if (literal.find('}') != std::string::npos) {
        *error = "unmatched \"}\" in name template \"" + std::string(text) + "\"";
        return std::nullopt;
      }
      t.m_parts.push_back({false, literal});
      pattern += RE2::QuoteMeta(literal);
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
  RE2::Options opts;
  opts.set_log_errors(false);
  t.m_re = std::make_shared<RE2>(pattern, opts);
  if (!t.m_re->ok()) {
    *error = "name template \"" + std::string(text) + "\": " + t.m_re->error();
    return std::nullopt;
  }
  return t;
}

std::optional<Version> NameTemplate::match(std::string_view name) const {
  if (!m_re) return std::nullopt;
  const int n = m_re->NumberOfCapturingGroups();
  std::vector<re2::StringPiece> groups(static_cast<std::size_t>(n) + 1);
  if (!m_re->Match(re2::StringPiece(name.data(), name.size()), 0, name.size(), RE2::ANCHOR_BOTH, groups.data(),
                   n + 1)) {
    return std::nullopt;
  }
  Version v;
  int g = 1;
  for (const auto& part : m_parts) {
    if (!part.placeholder) continue;
    const auto& sp = groups[static_cast<std::size_t>(g++)];
    std::uint64_t value = 0;
    std::from_chars(sp.data(), sp.data() + sp.size(), value);
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
