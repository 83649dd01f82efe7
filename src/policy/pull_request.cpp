#include "policy/pull_request.hpp"

#include "util/text.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <set>

namespace relgate::policy {

std::string reference(const PullRequest& pr) {
  if (!pr.number) return "";
  return (pr.platform == Platform::gitlab ? "!" : "#") + std::to_string(*pr.number);
}

std::string squash_subject(const PullRequest& pr, const std::string& title) {
  std::string t(trim(title));
  // GitHub's squash commit title: the pull request's title and its number.
  if (pr.platform == Platform::github && pr.number) t += " (#" + std::to_string(*pr.number) + ")";
  return t;
}

std::string squash_message(const std::string& subject, const std::vector<std::string>& picks, const std::string& body) {
  std::string m = subject + "\n";
  if (!picks.empty()) {
    m += "\n";
    for (const auto& p : picks) m += p + "\n";
  }
  if (!trim(body).empty()) m += "\n" + std::string(trim(body)) + "\n";
  return m;
}

std::string merge_message(const PullRequest& pr) {
  std::string m;
  if (pr.platform == Platform::gitlab) {
    m = "Merge branch into '" + pr.base + "'\n\n" + std::string(trim(pr.title)) + "\n";
    if (!trim(pr.body).empty()) m += "\n" + std::string(trim(pr.body)) + "\n";
    if (pr.number) m += "\nSee merge request " + reference(pr) + "\n";
    return m;
  }
  m = "Merge pull request " + (pr.number ? reference(pr) + " " : std::string()) + "into " + pr.base + "\n\n" +
      std::string(trim(pr.title)) + "\n";
  if (!trim(pr.body).empty()) m += "\n" + std::string(trim(pr.body)) + "\n";
  return m;
}

std::vector<std::string> cherry_pick_lines(const Policy& policy, const std::string& message) {
  std::vector<std::string> out;
  if (!policy.backport.cherry_pick) return out;
  for (auto line : split(message, '\n')) {
    std::string l(trim(line));
    std::string sha;
    if (RE2::PartialMatch(l, static_cast<const re2::RE2&>(*policy.backport.cherry_pick), &sha)) out.push_back(l);
  }
  return out;
}

std::string rule_title(RuleId rule) {
  const auto& info = rule_info(rule);
  return std::string(info.code) + " " + std::string(info.name);
}

namespace {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

// What to do, from the pull request, about a violation of `rule`.
std::vector<std::string> fixes_for(const Policy& policy, const PullRequest& pr, const Violation& v,
                                   const std::string& release, bool commit_subject) {
  const std::string bp_example = "backport: fix: <the fix's title> (#<main PR>)";
  switch (v.rule) {
  case RuleId::F1: {
    std::vector<std::string> out;
    if (commit_subject) {
      out.push_back("GitHub titles the squash commit of a one-commit pull request with that commit's subject, "
                    "which the person merging may keep: reword the commit too (git commit --amend, then git push "
                    "--force-with-lease), or add a second commit");
    }
    out.push_back("if it fixes a bug, retitle the pull request \"fix: <what it fixes>\" (or \"<area>: fix ...\"); "
                  "if it changes only docs, \"docs: ...\"");
    if (!release.empty()) out.push_back("otherwise wait until " + release + " is released, then run this check again");
    if (policy.pr.exception_in_description) {
      out.push_back("or a maintainer grants an exception: a last line \"" + policy.freeze.exception_trailer +
                    ": <reason>\" in the description");
    } else {
      out.push_back("or a maintainer merges it past this check (the ruleset's bypass): " +
                    policy.freeze.exception_trailer + " trailers in a description do not count (pr.exception_in_description)");
    }
    return out;
  }
  case RuleId::B4:
    return {"name the pull request on " + policy.main_branch + " that this backports in the title or description: " +
                quoted(bp_example),
            "or cherry-pick the fix with git cherry-pick -x <commit on " + policy.main_branch +
                ">, which records where it came from, and push that"};
  case RuleId::B5:
    return {"backports are fixes, security fixes or docs: if this is one, retitle the pull request \"fix: ...\" "
            "(or \"backport: fix: ...\")"};
  case RuleId::B6:
    return {"this line gets no more changes: target the release branch of a supported line or " + policy.main_branch +
            " (relgate status lists the lines)"};
  case RuleId::B1:
    return {"retarget the pull request to " + policy.main_branch + " or to a release branch spelled " +
            policy.release_branch.display()};
  default: break;
  }
  std::vector<std::string> out;
  for (const auto& h : v.hints) out.push_back(std::string(trim(h)));
  (void)pr;
  return out;
}

std::string escape_data(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return out;
}

std::string escape_property(const std::string& s) {
  std::string out;
  for (char c : escape_data(s)) {
    if (c == ':') out += "%3A";
    else if (c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

// Text inside a Markdown code span: no backticks, one line.
std::string code(const std::string& s) {
  std::string out;
  for (char c : s) out += (c == '`' ? '\'' : (c == '\n' || c == '\r') ? ' ' : c);
  return "`" + out + "`";
}

std::string xml(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&apos;"; break;
    default:
      // XML 1.0 has no other control characters than tab and newlines.
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') out += ' ';
      else out += c;
    }
  }
  return out;
}

const char* severity_word(Severity s) { return s == Severity::error ? "error" : "warning"; }

} // namespace

std::vector<PrFinding> pr_findings(const Policy& policy, const PullRequest& pr, const std::vector<PrCandidate>& judged,
                                   const std::string& release) {
  std::vector<PrFinding> out;
  std::set<std::pair<RuleId, std::string>> seen;
  for (std::size_t i = 0; i < judged.size(); ++i) {
    for (const auto& v : judged[i].verdict.violations) {
      if (v.severity == Severity::off) continue;
      std::string why = v.why;
      if (!v.commits.empty()) {
        std::string subjects;
        std::size_t n = 0;
        for (const auto& c : v.commits) {
          if (n++ == 5) {
            subjects += ", ...";
            break;
          }
          subjects += (subjects.empty() ? "" : ", ") + printable(c.subject);
        }
        why += ": " + subjects;
      }
      if (!seen.emplace(v.rule, why).second) continue;
      out.push_back({v.rule, v.severity, why, fixes_for(policy, pr, v, release, i > 0)});
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const PrFinding& a, const PrFinding& b) { return a.severity == Severity::error && b.severity != Severity::error; });
  return out;
}

bool refused(const std::vector<PrFinding>& findings) {
  return std::any_of(findings.begin(), findings.end(), [](const PrFinding& f) { return f.severity == Severity::error; });
}

std::string github_annotations(const std::vector<PrFinding>& findings) {
  std::string out;
  for (const auto& f : findings) {
    std::string message = f.why;
    for (const auto& x : f.fix) message += "\nfix: " + x;
    out += "::" + std::string(severity_word(f.severity)) + " title=" + escape_property("relgate " + rule_title(f.rule)) +
           "::" + escape_data(message) + "\n";
  }
  return out;
}

std::string markdown_summary(const PullRequest& pr, const std::vector<PrCandidate>& judged,
                             const std::vector<PrFinding>& findings) {
  const std::string who = pr.merge_group ? "The merge queue's commit" : "Pull request" + (pr.number ? " " + reference(pr) : "");
  std::string out = "## relgate: " + who + (refused(findings) ? " is refused" : " is accepted") + "\n\n";
  out += "Judged against " + code(pr.base) + " as the update the merge would make:\n\n";
  for (const auto& c : judged) out += "- " + c.what + "\n";
  out += "\n";
  if (findings.empty()) {
    out += "The release policy allows this change.\n";
    return out;
  }
  for (const auto& f : findings) {
    out += "### " + rule_title(f.rule) + " (" + severity_word(f.severity) + ")\n\n";
    out += "**Why:** " + f.why + "\n\n";
    if (!f.fix.empty()) {
      out += "**Fix:**\n\n";
      for (const auto& x : f.fix) out += "- " + x + "\n";
      out += "\n";
    }
  }
  return out;
}

std::string junit_report(const PullRequest& pr, const std::vector<PrFinding>& findings) {
  std::size_t failures = 0;
  for (const auto& f : findings) failures += f.severity == Severity::error ? 1 : 0;
  const std::string tests = std::to_string(findings.empty() ? 1 : findings.size());
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"relgate\" tests=\"" + tests + "\" failures=\"" + std::to_string(failures) + "\">\n";
  out += "  <testsuite name=\"relgate pr " + xml(reference(pr)) + "\" tests=\"" + tests + "\" failures=\"" +
         std::to_string(failures) + "\">\n";
  if (findings.empty()) {
    out += "    <testcase classname=\"relgate\" name=\"release policy\"/>\n";
  }
  for (const auto& f : findings) {
    std::string text = f.why;
    for (const auto& x : f.fix) text += "\nfix: " + x;
    out += "    <testcase classname=\"relgate\" name=\"" + xml(rule_title(f.rule)) + "\">\n";
    if (f.severity == Severity::error) {
      out += "      <failure message=\"" + xml(f.why) + "\" type=\"" + xml(rule_title(f.rule)) + "\">" + xml(text) +
             "</failure>\n";
    } else {
      out += "      <system-out>" + xml("warning: " + text) + "</system-out>\n";
    }
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

} // namespace relgate::policy
