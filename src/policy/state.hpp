#pragma once
// The release state of a set of refs: which lines exist, their rc, final and
// patch tags, their release branches. Built for the refs before the push and
// after it; rules compare the two.

#include "policy/policy.hpp"
#include "repo/repository.hpp"

#include <map>
#include <optional>
#include <string>

namespace relgate::policy {

// Full ref name -> object id.
using RefMap = std::map<std::string, repo::ObjectId>;

struct TagEntry {
  std::string ref;        // refs/tags/v0.1.0-rc1
  std::string name;       // v0.1.0-rc1
  repo::ObjectId target;  // what the ref points at (maybe a tag object)
  Version version;
};

struct LineState {
  std::map<std::uint64_t, TagEntry> rcs;      // rc number -> vX.Y.0-rcN
  std::map<std::uint64_t, TagEntry> releases; // patch -> vX.Y.Z (0 is the final)
  std::optional<repo::ObjectId> branch;       // release/vX.Y

  const TagEntry* final_tag() const;
  const TagEntry* highest_rc() const;
  const TagEntry* latest_release() const;
  bool released() const { return releases.count(0) > 0; }
  bool has_tags() const { return !rcs.empty() || !releases.empty(); }
};

class ReleaseState {
public:
  ReleaseState(const RefMap& refs, const Policy& policy);

  const std::map<Line, LineState>& lines() const { return m_lines; }
  const LineState* line(Line l) const;
  // The highest line that has any release tag.
  std::optional<Line> highest_line() const;
  // The release (vX.Y.0) that made `l` end of life, if two newer lines are
  // released: the second newer line's final tag.
  const TagEntry* eol_by(Line l) const;
  // Released lines that are not end of life, newest first.
  std::vector<Line> supported_lines() const;

private:
  std::map<Line, LineState> m_lines;
};

// A tag name parsed under the policy: nullopt when it is neither a final,
// patch nor rc tag.
std::optional<Version> parse_release_tag(const Policy& policy, std::string_view name);

} // namespace relgate::policy
