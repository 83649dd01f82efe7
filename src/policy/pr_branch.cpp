#include "policy/pr_branch.hpp"

#include "policy/policy.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <charconv>

namespace relgate::policy {

namespace {

// As NameTemplate's: nine digits at most, no leading zeros.
constexpr std::size_t k_max_digits = 9;

struct Values {
  std::uint64_t major = 0, minor = 0;
  std::optional<std::uint64_t> pr;
};

template <typename Part>
bool match_from(const std::vector<Part>& parts, std::string_view name, std::size_t part, std::size_t pos, Values& v) {
  if (part == parts.size()) return pos == name.size();
  const Part& p = parts[part];
  if (!p.placeholder) {
    if (name.substr(pos, p.text.size()) != p.text) return false;
    return match_from(parts, name, part + 1, pos + p.text.size(), v);
  }
  if (p.text == "topic") {
    // At least one character; as the last part, exactly the rest.
    if (part + 1 == parts.size()) return pos < name.size();
    for (std::size_t end = pos + 1; end < name.size(); ++end) {
      if (match_from(parts, name, part + 1, end, v)) return true;
    }
    return false;
  }
  if (pos >= name.size() || !is_digit(name[pos])) return false;
  std::size_t run = 1;
  if (name[pos] != '0') {
    while (run < k_max_digits && pos + run < name.size() && is_digit(name[pos + run])) ++run;
  }
  for (std::size_t len = run; len >= 1; --len) {
    std::uint64_t value = 0;
    std::from_chars(name.data() + pos, name.data() + pos + len, value);
    if (p.text == "major") v.major = value;
    else if (p.text == "minor") v.minor = value;
    else v.pr = value;
    if (match_from(parts, name, part + 1, pos + len, v)) return true;
  }
  return false;
}

} // namespace

std::optional<PrBranchTemplate> PrBranchTemplate::compile(std::string_view text, std::string* error) {
  PrBranchTemplate t;
  t.m_text = std::string(text);
  // {pr}{topic} or {major}{pr} could split a name several ways.
  auto parts = split_template(text, {"release", "major", "minor", "pr", "topic"}, "", false, error);
  if (!parts) return std::nullopt;
  t.m_parts = std::move(*parts);
  auto has = [&](std::string_view name) {
    return std::any_of(t.m_parts.begin(), t.m_parts.end(), [&](const Part& p) { return p.placeholder && p.text == name; });
  };
  const bool numbers = has("major") || has("minor");
  if (has("release") ? numbers : !(has("major") && has("minor"))) {
    *error = "\"" + t.m_text + "\" must name the line once: {release}, or {major} and {minor}";
    return std::nullopt;
  }
  return t;
}

std::vector<PrBranchTemplate::Part> PrBranchTemplate::expanded(const NameTemplate& release) const {
  std::vector<Part> out;
  for (const auto& p : m_parts) {
    if (!p.placeholder || p.text != "release") {
      out.push_back(p);
      continue;
    }
    // branches.release has {major} and {minor} once each (policy_loader).
    std::string_view r = release.text();
    std::size_t i = 0;
    while (i < r.size()) {
      auto open = r.find('{', i);
      if (open != i) {
        out.push_back({false, std::string(r.substr(i, open == std::string_view::npos ? std::string_view::npos : open - i))});
        if (open == std::string_view::npos) break;
      }
      auto close = r.find('}', open);
      if (close == std::string_view::npos) break;
      out.push_back({true, std::string(r.substr(open + 1, close - open - 1))});
      i = close + 1;
    }
  }
  // Adjacent literals (a template's text around {release}) become one.
  std::vector<Part> merged;
  for (auto& p : out) {
    if (!p.placeholder && !merged.empty() && !merged.back().placeholder) merged.back().text += p.text;
    else if (p.placeholder || !p.text.empty()) merged.push_back(std::move(p));
  }
  return merged;
}

std::optional<Line> PrBranchTemplate::match(std::string_view name, const NameTemplate& release) const {
  if (m_parts.empty()) return std::nullopt;
  const auto parts = expanded(release);
  Values v;
  if (!match_from(parts, name, 0, 0, v)) return std::nullopt;
  return Line{v.major, v.minor};
}

std::optional<std::string> PrBranchTemplate::render(Line l, const NameTemplate& release,
                                                    std::optional<std::uint64_t> pr, std::string_view topic) const {
  std::string out;
  for (const auto& p : m_parts) {
    if (!p.placeholder) out += p.text;
    else if (p.text == "release") out += release.render({l.major, l.minor, 0, {}});
    else if (p.text == "major") out += std::to_string(l.major);
    else if (p.text == "minor") out += std::to_string(l.minor);
    else if (p.text == "pr") {
      if (!pr) return std::nullopt;
      out += std::to_string(*pr);
    } else if (p.text == "topic") {
      if (topic.empty()) return std::nullopt;
      out += topic;
    }
  }
  return out;
}

std::string PrBranchTemplate::display(const NameTemplate& release) const {
  std::string out;
  for (const auto& p : m_parts) {
    if (!p.placeholder) out += p.text;
    else if (p.text == "release") out += release.display();
    else if (p.text == "major") out += "X";
    else if (p.text == "minor") out += "Y";
    else if (p.text == "pr") out += "<N>";
    else if (p.text == "topic") out += "<topic>";
  }
  return out;
}

std::optional<Line> pr_branch_line(const Policy& policy, std::string_view name) {
  for (const auto& t : policy.backport.pr_branches) {
    if (auto l = t.match(name, policy.release_branch)) return l;
  }
  return std::nullopt;
}

} // namespace relgate::policy
