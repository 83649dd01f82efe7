#include "policy/state.hpp"

#include "util/text.hpp"

namespace relgate::policy {

const TagEntry* LineState::final_tag() const {
  auto it = releases.find(0);
  return it == releases.end() ? nullptr : &it->second;
}

const TagEntry* LineState::highest_rc() const { return rcs.empty() ? nullptr : &rcs.rbegin()->second; }

const TagEntry* LineState::latest_release() const {
  return releases.empty() ? nullptr : &releases.rbegin()->second;
}

std::optional<Version> parse_release_tag(const Policy& policy, std::string_view name) {
  if (auto v = policy.final_tag.match(name)) return v;
  if (auto v = policy.rc_tag.match(name)) return v;
  return std::nullopt;
}

ReleaseState::ReleaseState(const RefMap& refs, const Policy& policy) {
  const std::string tags(repo::k_tags);
  for (auto it = refs.lower_bound(tags); it != refs.end() && starts_with(it->first, tags); ++it) {
    std::string name = it->first.substr(tags.size());
    auto v = parse_release_tag(policy, name);
    if (!v) continue;
    TagEntry entry{it->first, name, it->second, *v};
    if (v->rc) {
      // rc tags of patch versions are not part of any sequence (T3).
      if (v->patch == 0) m_lines[v->line()].rcs[*v->rc] = entry;
    } else {
      m_lines[v->line()].releases[v->patch] = entry;
    }
  }
  const std::string heads(repo::k_heads);
  for (auto it = refs.lower_bound(heads); it != refs.end() && starts_with(it->first, heads); ++it) {
    if (auto v = policy.release_branch.match(it->first.substr(heads.size()))) {
      m_lines[v->line()].branch = it->second;
    }
  }
}

const LineState* ReleaseState::line(Line l) const {
  auto it = m_lines.find(l);
  return it == m_lines.end() ? nullptr : &it->second;
}

std::optional<Line> ReleaseState::highest_line() const {
  for (auto it = m_lines.rbegin(); it != m_lines.rend(); ++it) {
    if (it->second.has_tags()) return it->first;
  }
  return std::nullopt;
}

const TagEntry* ReleaseState::eol_by(Line l) const {
  int newer_released = 0;
  for (auto it = m_lines.upper_bound(l); it != m_lines.end(); ++it) {
    if (it->second.released() && ++newer_released == 2) return it->second.final_tag();
  }
  return nullptr;
}

std::vector<Line> ReleaseState::supported_lines() const {
  std::vector<Line> out;
  for (auto it = m_lines.rbegin(); it != m_lines.rend(); ++it) {
    if (it->second.released() && !eol_by(it->first)) out.push_back(it->first);
  }
  return out;
}

} // namespace relgate::policy
