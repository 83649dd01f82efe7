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

namespace {

// The subject starts a freeze.allow pattern takes, when it is `^`, then a
// group of words or nothing, then literal text with optional parts (`(...)?`
// or `x?`, which are left out): ^(fix|docs)(\([^)]*\))?!?: gives "fix:" and
// "docs:". nullopt for any other pattern.
std::optional<std::vector<std::string>> literal_starts(std::string_view re) {
  if (!starts_with(re, "^")) return std::nullopt;
  re.remove_prefix(1);
  std::vector<std::string> words = {""};
  if (starts_with(re, "(")) {
    auto close = re.find(')');
    std::string_view group = re.substr(1, close == std::string_view::npos ? 0 : close - 1);
    if (starts_with(group, "?:")) group.remove_prefix(2);
    if (close == std::string_view::npos || group.empty() ||
        group.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-|") !=
            std::string_view::npos ||
        (close + 1 < re.size() && (re[close + 1] == '?' || re[close + 1] == '*' || re[close + 1] == '+'))) {
      return std::nullopt;
    }
    words.clear();
    for (auto w : split(group, '|')) words.emplace_back(w);
    re.remove_prefix(close + 1);
  }
  std::string rest;
  for (std::size_t i = 0; i < re.size(); ++i) {
    const char c = re[i];
    if (c == '(') { // only an optional group, (...)?, which is left out
      std::size_t depth = 0, j = i;
      for (; j < re.size(); ++j) {
        if (re[j] == '\\') {
          ++j;
        } else if (re[j] == '[') { // a class may hold ')': [^)]
          std::size_t from = j + 1;
          if (from < re.size() && re[from] == '^') ++from;
          if (from < re.size() && re[from] == ']') ++from; // a leading ] is a member
          j = re.find(']', from);
          if (j == std::string_view::npos) return std::nullopt;
        } else if (re[j] == '(') {
          ++depth;
        } else if (re[j] == ')' && --depth == 0) {
          break;
        }
      }
      if (j + 1 >= re.size() || re[j + 1] != '?') return std::nullopt;
      i = j + 1;
      continue;
    }
    std::string_view one(&re[i], 1);
    if (c == '\\') {
      if (i + 1 == re.size() || std::isalnum(static_cast<unsigned char>(re[i + 1]))) return std::nullopt; // \d, \b, ...
      one = re.substr(++i, 1);
    } else if (std::string_view(".[]{}*+?|$").find(c) != std::string_view::npos) {
      return std::nullopt;
    }
    if (i + 1 < re.size() && re[i + 1] == '?') { // x? is optional
      ++i;
      continue;
    }
    rest += one;
  }
  for (auto& w : words) {
    w = std::string(trim(w + rest));
    if (w.empty()) return std::nullopt;
  }
  return words;
}

// The last item after " or ": "a, b or c".
std::string list_or(const std::vector<std::string>& items) {
  if (items.size() < 2) return join(items, "");
  return join(std::vector<std::string>(items.begin(), items.end() - 1), ", ") + " or " + items.back();
}

} // namespace

std::string describe_allowed(const Policy& policy) {
  const FreezePolicy& f = policy.freeze;
  std::vector<std::string> starts, patterns, kinds;
  for (const auto& re : f.allow) {
    if (auto words = literal_starts(re->pattern())) starts.insert(starts.end(), words->begin(), words->end());
    else patterns.push_back(re->pattern());
  }
  if (!starts.empty()) kinds.push_back("commits whose subject starts with " + list_or(starts));
  if (!patterns.empty()) kinds.push_back("commits whose subject matches " + list_or(patterns));
  if (!f.fix_words.empty()) {
    kinds.push_back("commits typed by area whose description starts with " + list_or(f.fix_words) + " (\"<area>: " +
                    f.fix_words.front() + " ...\")");
  }
  if (!f.allow_keywords.empty()) kinds.push_back("commits whose subject has the word " + list_or(f.allow_keywords));
  if (!f.docs_paths.empty()) kinds.push_back("commits that change only " + join(f.docs_paths, ", "));
  std::string trailer = "commits with a \"" + f.exception_trailer + ": <reason>\" trailer";
  if (!policy.access.maintainers.empty()) {
    trailer += " pushed by a maintainer (" + join(policy.access.maintainers, ", ") + ")";
  }
  kinds.push_back(trailer);
  return join(kinds, "; ");
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

namespace {
bool same_word(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}
bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
} // namespace

// Envoy AI Gateway typed its pull-request titles by area and had no `fix`
// type for most of its history, so its fixes read "extproc: fix ...",
// "controller: bugfix ...", "translator: fixes ...".
std::string fix_word(const FreezePolicy& freeze, std::string_view subject) {
  if (freeze.fix_words.empty()) return {};
  std::size_t i = 0;
  if (subject.empty() || !is_alpha(subject[0])) return {};
  while (i < subject.size() && (is_alnum(subject[i]) || subject[i] == '_' || subject[i] == '-')) ++i;
  const std::string_view type = subject.substr(0, i);
  if (i < subject.size() && subject[i] == '(') {
    auto close = subject.find(')', i);
    if (close == std::string_view::npos) return {};
    i = close + 1;
  }
  if (i < subject.size() && subject[i] == '!') ++i;
  if (i + 1 >= subject.size() || subject[i] != ':' || subject[i + 1] != ' ') return {};
  for (const auto& t : freeze.feature_types) {
    if (same_word(t, type)) return {};
  }
  i += 2;
  while (i < subject.size() && subject[i] == ' ') ++i;
  std::size_t end = i;
  while (end < subject.size() && is_alpha(subject[end])) ++end;
  if (end < subject.size() && (is_alnum(subject[end]) || subject[end] == '_')) return {}; // "fix2", "fix_it"
  const std::string_view word = subject.substr(i, end - i);
  for (const auto& w : freeze.fix_words) {
    if (same_word(w, word)) return w;
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
  if (auto w = fix_word(policy.freeze, subject); !w.empty()) {
    return {true, FreezeClass::Kind::fix_word, "subject's description starts with \"" + w + "\" (freeze.fix_words)"};
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
