#pragma once
// The main-branch freeze of the RC phase (RELEASES.md step 1): when main is
// frozen, and which commits may still land on it.

#include "policy/policy.hpp"
#include "policy/state.hpp"
#include "repo/repository.hpp"

#include <functional>
#include <string>
#include <vector>

namespace relgate::policy {

// One reason main is frozen.
struct FreezeReason {
  Line line;
  std::string release;  // the final tag that ends it: v0.5.0
  std::string because;  // "v0.5.0-rc1 is out and v0.5.0 is not" / "refs/freeze/v0.5.0 declares it"
  std::string ref;      // the rc tag or freeze ref behind it (full name)
  repo::ObjectId target;
};

// Every reason main is frozen under these refs; empty: not frozen. A line is
// in its RC phase while it has an rc and no final tag; a declared freeze
// counts while its version has no final tag.
std::vector<FreezeReason> freeze_reasons(const ReleaseState& state, const RefMap& refs, const Policy& policy);
// "v0.5.0-rc1 is out and v0.5.0 is not; refs/freeze/v0.6.0 declares v0.6.0"
std::string describe(const std::vector<FreezeReason>& reasons);

struct FreezeClass {
  // What decided: callers act on the kind, never on the wording of `why`.
  enum class Kind {
    subject,          // matches freeze.allow
    keyword,          // has a word of freeze.allow_keywords
    fix_word,         // a typed subject whose description starts with a word of freeze.fix_words
    exception,        // has the exception trailer, in a push that may grant it
    docs_only,        // changes only freeze.docs_paths
    exception_denied, // has the exception trailer, in a push that may not grant it
    not_allowed,      // none of these
  };
  bool allowed = false; // true for subject, keyword, fix_word, exception and docs_only
  Kind kind = Kind::not_allowed;
  std::string why; // "subject matches freeze.allow", "Freeze-Exception: reason", or why not: for people
};

// Answers "does the commit change only paths for which `keep` holds (and at
// least one)?", e.g. Repository::changes_only bound to the commit.
using ChangesOnly = std::function<bool(const std::function<bool(const std::string&)>& keep)>;

// Whether `commit` may land on a frozen main. Cheap signals first (subject,
// keywords, trailer); `changes_only` is asked only when they do not decide.
FreezeClass classify_for_freeze(const Policy& policy, const repo::Commit& commit, const ChangesOnly& changes_only,
                                bool may_grant_exception);

// The word of freeze.fix_words that a typed subject's description starts
// with ("extproc: fix ..." -> "fix"), unless the type is one of
// freeze.feature_types; empty when there is none. A type is a word of
// letters, digits, '_' and '-' starting with a letter, with an optional
// (scope) and '!', then ": ".
std::string fix_word(const FreezePolicy& freeze, std::string_view subject);

// What a frozen main accepts under `policy`, in words built from it, so that
// a project that changes freeze.allow reads its own rule. The built-in
// policy's, with a maintainer: commits whose subject starts with fix:, docs:,
// security:, revert: or Revert "; commits that change only docs/**,
// site/**, **/*.md; commits with a "Freeze-Exception: <reason>" trailer
// pushed by a maintainer (alice).
// A freeze.allow pattern that is a literal start (with optional parts, or
// a group of words) is shown as the starts it takes; any other pattern as
// itself ("commits whose subject matches ^JIRA-[0-9]+ fix").
std::string describe_allowed(const Policy& policy);

// The value of trailer `key` (case-insensitive) in the message's last
// paragraph; empty when absent.
std::string trailer_value(std::string_view message, std::string_view key);

} // namespace relgate::policy
