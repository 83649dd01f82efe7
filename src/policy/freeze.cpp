#include "policy/freeze.hpp"

#include "util/text.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>

namespace relgate::policy {

std::vector<FreezeReason> freeze_reasons(const ReleaseState& state, const RefMap& refs, const Policy& policy) {
  std::vector<FreezeReason> out;
  for (const auto& [line, ls] : state.lines()) {
    if (ls.released() || ls.rcs.empty()) continue;
    const TagEntry& first = ls.rcs.begin()->second;
    std::string release = policy.final_tag.render({line.major, line.minor, 0, {}});
    out.push_back({line, release, first.name + " is out and " + release + " is not", first.ref, first.target});
  }
  const std::string prefix = policy.freeze.ref.literal_prefix();
  for (auto it = refs.lower_bound(prefix); it != refs.end() && starts_with(it->first, prefix); ++it) {
    auto v = policy.freeze.ref.match(it->first);
    if (!v || v->patch != 0) continue;
    const LineState* ls = state.line(v->line());
    if (ls && ls->released()) continue;
    bool already = std::any_of(out.begin(), out.end(), [&](const FreezeReason& r) { return r.line == v->line(); });
    if (already) continue;
    std::string release = policy.final_tag.render(*v);
    out.push_back({v->line(), release, it->first + " declares the freeze for " + release, it->first, it->second});
  }
  return out;
}

std::string describe(const std::vector<FreezeReason>& reasons) {
  return join(reasons, "; ", [](const FreezeReason& r) -> const std::string& { return r.because; });
}

std::string trailer_value(std::string_view message, std::string_view key) {
  auto text = trim(message);
  auto para_start = text.rfind("\n\n");
  if (para_start == std::string_view::npos) return {}; // a subject alone has no trailers
  auto para = text.substr(para_start + 2);
  for (auto line : split(para, '\n')) {
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    auto k = trim(line.substr(0, colon));
    if (k.size() != key.size()) continue;
    bool same = std::equal(k.begin(), k.end(), key.begin(), [](char a, char b) {
      return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
    if (same) return std::string(trim(line.substr(colon + 1)));
  }
  return {};
}

FreezeClass classify_for_freeze(const Policy& policy, const repo::Commit& commit, const ChangesOnly& changes_only,
                                bool may_grant_exception) {
  const std::string subject = commit.subject();
  for (const auto& re : policy.freeze.allow) {
    if (RE2::PartialMatch(subject, *re)) return {true, FreezeClass::Kind::subject, "subject matches freeze.allow"};
  }
  if (policy.freeze.keywords_re && RE2::PartialMatch(subject, *policy.freeze.keywords_re)) {
    return {true, FreezeClass::Kind::keyword, "subject has a keyword of freeze.allow_keywords"};
  }
  auto reason = trailer_value(commit.message, policy.freeze.exception_trailer);
  if (!reason.empty() && may_grant_exception) {
    return {true, FreezeClass::Kind::exception, policy.freeze.exception_trailer + ": " + reason};
  }
  if (!policy.freeze.docs_paths.empty()) {
    bool docs_only = changes_only([&](const std::string& p) {
      return std::any_of(policy.freeze.docs_paths.begin(), policy.freeze.docs_paths.end(),
                         [&](const std::string& g) { return glob_match(g, p); });
    });
    if (docs_only) return {true, FreezeClass::Kind::docs_only, "changes only docs paths"};
  }
  if (!reason.empty()) {
    return {false, FreezeClass::Kind::exception_denied,
            "has a " + policy.freeze.exception_trailer + " trailer, but only a maintainer's push may grant it"};
  }
  return {false, FreezeClass::Kind::not_allowed, "not a fix, security fix or docs change"};
}

} // namespace relgate::policy
