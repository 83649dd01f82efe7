#include "ci/notes_provider.hpp"

#include <algorithm>

#include "util/error.hpp"
#include "util/text.hpp"

namespace relgate::ci {

std::vector<Check> parse_note(std::string_view text, int* bad_lines) {
  std::vector<Check> checks;
  int bad = 0;
  for (auto raw : split(text, '\n')) {
    auto line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    // <state> <check-name> [<url>]; fields separated by spaces or tabs.
    std::vector<std::string_view> fields;
    std::size_t i = 0;
    while (i < line.size() && fields.size() < 3) {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      std::size_t start = i;
      while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
      if (i > start) fields.push_back(line.substr(start, i - start));
    }
    auto state = fields.empty() ? std::nullopt : parse_check_state(fields[0]);
    // A name or URL with control characters (a stray CR, NUL) is no check:
    // it would not read back the same once rendered (fuzz_ci_note).
    auto has_control = [](std::string_view f) {
      return std::any_of(f.begin(), f.end(), [](char ch) {
        auto u = static_cast<unsigned char>(ch);
        return u < 0x20 || u == 0x7f;
      });
    };
    bool control = false;
    for (auto f : fields) control = control || has_control(f);
    if (!state || fields.size() < 2 || control) {
      ++bad;
      continue;
    }
    Check c{std::string(fields[1]), *state, fields.size() > 2 ? std::string(fields[2]) : std::string()};
    bool replaced = false;
    for (auto& existing : checks) {
      if (existing.name == c.name) {
        existing = c;
        replaced = true;
      }
    }
    if (!replaced) checks.push_back(std::move(c));
  }
  if (bad_lines) *bad_lines = bad;
  return checks;
}

std::string render_note(const std::vector<Check>& checks) {
  std::string text;
  for (const auto& c : checks) {
    text += std::string(to_string(c.state)) + " " + c.name + (c.url.empty() ? "" : " " + c.url) + "\n";
  }
  return text;
}

std::vector<Check> overlay_checks(std::vector<Check> base, const std::vector<Check>& update) {
  for (const auto& u : update) {
    bool found = false;
    for (auto& b : base) {
      if (b.name == u.name) {
        b = u;
        found = true;
      }
    }
    if (!found) base.push_back(u);
  }
  return base;
}

NotesProvider::NotesProvider(const repo::Repository& repo, std::string notes_ref, Requirements req)
    : m_repo(repo), m_notes_ref(std::move(notes_ref)), m_req(std::move(req)) {}

CiResult NotesProvider::status(const repo::ObjectId& commit, const RefLookup& refs_after) const {
  auto notes_tip = refs_after(m_notes_ref);
  if (!notes_tip) {
    CiResult r = combine("notes", {}, m_req);
    r.reason = "no CI result: " + m_notes_ref + " does not exist";
    return r;
  }
  std::optional<std::string> text;
  try {
    text = m_repo.note(*notes_tip, commit);
  } catch (const Error& e) {
    CiResult r;
    r.provider = "notes";
    r.status = Status::unknown;
    r.kind = ResultKind::fault;
    r.reason = std::string("could not read ") + m_notes_ref + ": " + e.what();
    return r;
  }
  if (!text) {
    CiResult r = combine("notes", {}, m_req);
    r.reason = "no CI result: no note on " + m_notes_ref + " for this commit";
    return r;
  }
  int bad = 0;
  auto result = combine("notes", parse_note(*text, &bad), m_req);
  if (result.checks.empty() && bad > 0) {
    result.reason = "no CI result: the note on " + m_notes_ref + " has no line of the form `<state> <check> [<url>]`";
  }
  return result;
}

} // namespace relgate::ci
