#pragma once
// A regular expression of the policy, compiled on first use. A hook run uses
// a few of the policy's patterns; compiling all of them at load cost about a
// tenth of a whole run. Patterns read from a policy file are still compiled
// when the file loads, so a bad one is reported with its line and column
// (policy_loader.cpp); the built-in policy's are compiled by the unit tests.

#include <re2/re2.h>

#include <memory>
#include <mutex>
#include <string>

namespace relgate::policy {

class Regex {
public:
  explicit Regex(std::string pattern, bool case_sensitive = true)
      : m_pattern(std::move(pattern)), m_case_sensitive(case_sensitive) {}
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  const re2::RE2& re() const {
    std::call_once(m_once, [this] {
      RE2::Options opts;
      opts.set_log_errors(false);
      opts.set_case_sensitive(m_case_sensitive);
      m_re = std::make_unique<re2::RE2>(m_pattern, opts);
    });
    return *m_re;
  }
  // Lets a Regex stand wherever RE2's functions take an RE2.
  operator const re2::RE2&() const { return re(); } // NOLINT(google-explicit-constructor)
  const re2::RE2* operator->() const { return &re(); }
  const std::string& pattern() const { return m_pattern; }

private:
  std::string m_pattern;
  bool m_case_sensitive;
  mutable std::once_flag m_once;
  mutable std::unique_ptr<re2::RE2> m_re;
};

} // namespace relgate::policy
