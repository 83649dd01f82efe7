#include "policy/follow_ups.hpp"

#include "util/text.hpp"

#include <map>

namespace relgate::policy {

const char* to_string(FollowUpKind kind) {
  switch (kind) {
  case FollowUpKind::versioned_docs: return "versioned-docs";
  case FollowUpKind::release_notes: return "release-notes";
  case FollowUpKind::upstream_warning: return "upstream-warning";
  }
  return "?";
}

namespace {

std::string bare(const Version& v) {
  return std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.patch);
}

bool has_placeholder(const std::string& tmpl) { return tmpl.find('{') != std::string::npos; }

bool contains_warning(std::string_view text) {
  static constexpr std::string_view k_word = "warning";
  for (std::size_t i = 0; i + k_word.size() <= text.size(); ++i) {
    bool match = true;
    for (std::size_t k = 0; k < k_word.size() && match; ++k) {
      char c = text[i + k];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      match = c == k_word[k];
    }
    if (match) return true;
  }
  return false;
}

// Every release (final or patch) of the state, for telling where one
// release's part of the notes ends.
std::vector<Version> all_releases(const ReleaseState& state) {
  std::vector<Version> out;
  for (const auto& [line, ls] : state.lines()) {
    for (const auto& [patch, tag] : ls.releases) out.push_back(tag.version);
  }
  return out;
}

// The lines of `notes` from the first that names `v` up to the next that
// names another release (at most 400 lines); empty when `v` is not named.
std::string section_of(std::string_view notes, const Version& v, const std::vector<Version>& others) {
  auto lines = split(notes, '\n');
  std::size_t start = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (names_release(lines[i], v)) {
      start = i;
      break;
    }
  }
  std::string out;
  for (std::size_t i = start; i < lines.size() && i < start + 400; ++i) {
    if (i > start) {
      bool other = false;
      for (const auto& o : others) other = other || (o != v && names_release(lines[i], o));
      if (other) break;
    }
    out += std::string(lines[i]) + "\n";
  }
  return out;
}

class Checker {
public:
  Checker(const repo::Repository& repo, const ReleaseState& state, const Policy& policy, const repo::ObjectId& main)
      : m_repo(repo), m_policy(policy), m_main(main), m_releases(all_releases(state)) {}

  void versioned_docs(const TagEntry& tag, std::vector<FollowUp>& out) {
    const std::string& tmpl = m_policy.docs.versioned_path;
    if (tmpl.empty() || tag.version.patch == 0) return;
    const std::string dir = render_path(tmpl, tag.version);
    Version previous = tag.version;
    previous.patch -= 1;
    bool named = false, names_previous = false;
    bool exists = m_repo.files_under(m_main, dir, [&](const std::string&, const std::string& content) {
      named = names_release(content, tag.version);
      names_previous = names_previous || names_release(content, previous);
      return !named;
    });
    if (!exists || named) return;
    out.push_back({FollowUpKind::versioned_docs, tag.name, tag.ref,
                   dir + " on " + m_policy.main_branch + " does not name " + tag.name + " yet" +
                       (names_previous ? " (it still names " + bare(previous) + ")" : ""),
                   "update the versioned docs of " + tag.version.line().str() + " to " + tag.name + " on " +
                       m_policy.main_branch + " (RELEASES.md, patch releases step 5)"});
  }

  void release_notes(const TagEntry& tag, std::vector<FollowUp>& out) {
    const std::string& tmpl = m_policy.docs.release_notes;
    if (tmpl.empty()) return;
    const std::string path = render_path(tmpl, tag.version);
    const auto& notes = file(path);
    if (!notes) {
      if (has_placeholder(tmpl)) {
        out.push_back({FollowUpKind::release_notes, tag.name, tag.ref,
                       "no release notes page " + path + " on " + m_policy.main_branch + " for " + tag.name,
                       "add the release notes of " + tag.name + " at " + path});
      }
      return;
    }
    if (names_release(*notes, tag.version)) return;
    out.push_back({FollowUpKind::release_notes, tag.name, tag.ref,
                   path + " on " + m_policy.main_branch + " does not mention " + tag.name,
                   "add the release notes of " + tag.name + " to " + path});
  }

  void upstream_warning(const TagEntry& tag, std::vector<FollowUp>& out) {
    const auto& up = m_policy.upstream;
    if (up.module.empty() || up.file.empty() || m_policy.docs.release_notes.empty()) return;
    auto go_mod = m_repo.read_file(tag.target, render_path(up.file, tag.version));
    if (!go_mod) return;
    auto version = required_version(*go_mod, up.module);
    if (!version || !is_pseudo_version(*version)) return;
    const std::string path = render_path(m_policy.docs.release_notes, tag.version);
    const auto& notes = file(path);
    if (notes && contains_warning(section_of(*notes, tag.version, m_releases))) return;
    out.push_back({FollowUpKind::upstream_warning, tag.name, tag.ref,
                   tag.name + " is built on an unreleased " + up.module + " (" + *version + " in " + up.file +
                       ") and its release notes in " + path + " carry no WARNING",
                   "say in the release notes of " + tag.name + " that it depends on an unreleased " + up.module +
                       " commit (RELEASES.md: a clear WARNING)"});
  }

private:
  const std::optional<std::string>& file(const std::string& path) {
    auto it = m_files.find(path);
    if (it == m_files.end()) it = m_files.emplace(path, m_repo.read_file(m_main, path)).first;
    return it->second;
  }

  const repo::Repository& m_repo;
  const Policy& m_policy;
  repo::ObjectId m_main;
  std::vector<Version> m_releases;
  std::map<std::string, std::optional<std::string>> m_files;
};

} // namespace

bool names_release(std::string_view text, const Version& v) {
  const std::string needle = bare(v);
  for (auto pos = text.find(needle); pos != std::string_view::npos; pos = text.find(needle, pos + 1)) {
    if (pos > 0 && (is_digit(text[pos - 1]) || text[pos - 1] == '.')) continue;
    auto end = pos + needle.size();
    if (end < text.size() && is_digit(text[end])) continue;
    if (text.substr(end, 3) == "-rc") continue;
    return true;
  }
  return false;
}

std::optional<std::string> required_version(std::string_view go_mod, const std::string& module) {
  bool in_require = false;
  for (auto raw : split(go_mod, '\n')) {
    auto comment = raw.find("//");
    std::string_view line = trim(comment == std::string_view::npos ? raw : raw.substr(0, comment));
    if (line.empty()) continue;
    if (in_require) {
      if (line == ")") {
        in_require = false;
        continue;
      }
    } else if (line.substr(0, 8) == "require " || line.substr(0, 8) == "require\t") {
      line = trim(line.substr(8));
      if (line == "(") {
        in_require = true;
        continue;
      }
    } else {
      continue;
    }
    auto space = line.find_first_of(" \t");
    if (space == std::string_view::npos) continue;
    if (line.substr(0, space) != module) continue;
    auto rest = trim(line.substr(space));
    auto end = rest.find_first_of(" \t");
    return std::string(rest.substr(0, end));
  }
  return std::nullopt;
}

bool is_pseudo_version(std::string_view s) {
  constexpr std::string_view k_incompatible = "+incompatible";
  if (s.size() > k_incompatible.size() && s.substr(s.size() - k_incompatible.size()) == k_incompatible) {
    s.remove_suffix(k_incompatible.size());
  }
  if (s.size() < 2 || s[0] != 'v' || !is_digit(s[1])) return false;
  auto dash = s.rfind('-');
  if (dash == std::string_view::npos || s.size() - dash - 1 != 12) return false;
  for (char c : s.substr(dash + 1)) {
    if (!is_hex_digit(c)) return false;
  }
  auto rest = s.substr(0, dash);
  if (rest.size() < 16) return false;
  auto stamp = rest.substr(rest.size() - 14);
  for (char c : stamp) {
    if (!is_digit(c)) return false;
  }
  char before = rest[rest.size() - 15];
  return before == '-' || before == '.';
}

std::vector<FollowUp> follow_ups(const repo::Repository& repo, const ReleaseState& state, const Policy& policy,
                                 const std::optional<repo::ObjectId>& main_tip, FollowUpScope scope) {
  std::vector<FollowUp> out;
  if (!main_tip) return out;
  Checker check(repo, state, policy, *main_tip);
  if (scope == FollowUpScope::latest_supported) {
    // Every release of a supported line: an earlier patch's missing release
    // notes stay missing when a later patch ships. Versioned docs name the
    // latest patch only.
    for (const auto& line : state.supported_lines()) {
      const LineState* ls = state.line(line);
      const TagEntry* latest = ls ? ls->latest_release() : nullptr;
      if (!latest) continue;
      check.versioned_docs(*latest, out);
      for (const auto& [patch, tag] : ls->releases) {
        check.release_notes(tag, out);
        check.upstream_warning(tag, out);
      }
    }
    return out;
  }
  for (const auto& [line, ls] : state.lines()) {
    for (const auto& [patch, tag] : ls.releases) {
      check.release_notes(tag, out);
      check.upstream_warning(tag, out);
    }
    if (const TagEntry* latest = ls.latest_release()) check.versioned_docs(*latest, out);
  }
  return out;
}

} // namespace relgate::policy
