#include "policy/report.hpp"

#include "util/text.hpp"

#include <set>
#include <utility>

namespace relgate::policy {

namespace {
// Subjects and names come from pushers: never let them carry terminal
// control sequences into someone's terminal.
// Lines stay readable: at most k_max_text bytes of a pusher's text (a
// subject or ref name of megabytes is cut, at a character boundary, with
// "..."). relgate's own texts (why, hints) are never cut.
constexpr std::size_t k_max_text = 300;

std::string clean(std::string_view s, bool limit = false) {
  bool cut = limit && s.size() > k_max_text;
  if (cut) {
    std::size_t end = k_max_text;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end; // not inside a UTF-8 character
    s = s.substr(0, end);
  }
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) out += '?';
    else out += static_cast<char>(c);
  }
  if (cut) out += "...";
  return out;
}

// `said`: the advice (prose hints) already printed, by rule: a push of five
// misspelled tags gets the same advice once, and each tag its own commands.
void format_one(const Violation& v, std::vector<ReportLine>& out, std::set<std::pair<RuleId, std::string>>& said) {
  const auto& info = rule_info(v.rule);
  std::string head = v.overridden ? "relgate: overridden: " : v.severity == Severity::warn ? "relgate: warning: " : "relgate: ";
  head += std::string(info.code) + " " + std::string(info.name) + ": " + clean(v.ref, true) + ": " + clean(v.why);
  out.push_back({v.severity, head});
  for (const auto& c : v.commits) {
    out.push_back({v.severity, "  commit " + repo::short_id(c.id) + " " + clean(c.subject, true)});
  }
  for (std::size_t i = 0; i < v.hints.size(); ++i) {
    const auto& h = v.hints[i];
    bool command = h.rfind("  ", 0) == 0;
    bool introduces = i + 1 < v.hints.size() && v.hints[i + 1].rfind("  ", 0) == 0;
    // Advice already given for this rule is not repeated; a line that
    // introduces commands always stays with them.
    if (!command && !introduces && !said.insert({v.rule, h}).second) continue;
    out.push_back({v.severity, "  hint: " + clean(h)});
  }
}
} // namespace

std::vector<ReportLine> format_verdict(const Verdict& verdict, bool audit_logged) {
  std::vector<ReportLine> out;
  std::set<std::pair<RuleId, std::string>> said;
  for (const auto& v : verdict.violations) {
    if (v.severity == Severity::error) format_one(v, out, said);
  }
  for (const auto& v : verdict.violations) {
    if (v.severity == Severity::warn) format_one(v, out, said);
  }
  for (const auto& n : verdict.notes) out.push_back({Severity::warn, "relgate: note: " + clean(n)});
  if (verdict.override_by) {
    out.push_back({Severity::warn, "relgate: overridden by " + clean(*verdict.override_by) + " (A2 override); " +
                                       (audit_logged ? "the override and its reason are in the audit log"
                                                     : "the server decides whether it stands, and logs it there")});
  }
  return out;
}

} // namespace relgate::policy
