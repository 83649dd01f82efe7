#pragma once
// The policy: which names mean what, and how severe each rule is. Loaded from
// TOML by policy_loader.hpp; the built-in default is config/relgate.toml.

#include "ci/ci.hpp"
#include "policy/names.hpp"
#include "policy/pr_branch.hpp"
#include "policy/regex.hpp"

#include <array>
#include <map>
#include <optional>
#include <vector>
#include <memory>
#include <set>
#include <string>
#include <string_view>

namespace relgate::policy {

enum class Severity { off, warn, error };
const char* to_string(Severity s);

// Every rule of RULEBOOK.md that relgate implements. A new rule gets an
// entry here, a row at the same place in k_rules (policy.cpp, checked by a
// static_assert), and a check in the engine.
enum class RuleId { T1, T2, T3, T4, T5, T6, T7, T8, T9, B1, B2, B3, B4, B5, B6, B7, F1, F2, A1, A2, A3, P1, count_ };

struct RuleInfo {
  RuleId id;
  std::string_view code;  // "T4"
  std::string_view name;  // "rc-sequence": the key in [rules]
  Severity default_severity;
};

const RuleInfo& rule_info(RuleId id);
const std::array<RuleInfo, static_cast<std::size_t>(RuleId::count_)>& all_rules();

// ci::Settings (provider, notes_ref, requirements, timeout_ms, and the
// provider tables) plus which tag kinds need green CI.
struct CiPolicy : ci::Settings {
  std::set<TagKind> required_for = {TagKind::patch};
};

struct FreezePolicy {
  std::vector<std::shared_ptr<const Regex>> allow; // subjects allowed on a frozen main
  std::vector<std::string> allow_keywords;      // words that also allow a subject
  std::shared_ptr<const Regex> keywords_re;        // allow_keywords compiled; null when empty
  // A typed subject ("extproc: fix ...") whose description starts with one
  // of these words (any case) is a fix, unless its type is a feature type.
  std::vector<std::string> fix_words = {"fix", "fixes", "fixed", "bugfix", "hotfix"};
  std::vector<std::string> feature_types = {"feat"};
  std::vector<std::string> docs_paths;          // globs: a commit touching only these is docs
  // Bounds of docs_paths (the loader refuses more): each glob is matched
  // against every path a commit changes, so its size multiplies that work.
  static constexpr std::size_t k_max_glob_bytes = 256;
  static constexpr std::size_t k_max_globs = 256;
  std::string exception_trailer = "Freeze-Exception";
  NameTemplate ref;                             // refs/freeze/v{major}.{minor}.{patch}
};

struct BackportPolicy {
  std::shared_ptr<const Regex> cherry_pick;    // captures the source sha of a cherry-pick line
  std::shared_ptr<const Regex> pr_ref;         // captures a pull-request number in a backport's message
  std::shared_ptr<const Regex> main_pr;        // captures the PR number a main commit's subject ends with
  // The largest number main_pr's capture is taken as (18 digits); a longer
  // or non-numeric capture names no pull request.
  static constexpr std::uint64_t k_max_pr_number = 999'999'999'999'999'999;
  std::shared_ptr<const Regex> subject_prefix; // stripped from a backport's subject before classifying (B5)
  bool patch_id = true;
  int patch_id_window = 5000;               // main commits searched for an equal patch id
  std::shared_ptr<const Regex> target_like;    // branch names that name a line as a backport target
  std::vector<PrBranchTemplate> pr_branches;   // pull-request branches of backports (pr_branch.hpp)
};

struct ClientPolicy {
  // On the client (pre-push), an internal error lets the push go on with a
  // warning instead of stopping it. The server always fails closed.
  bool fail_open_on_error = false;
};

struct AuditPolicy {
  // Where the server hooks append one JSON line per decision: relative to
  // the git directory, or absolute; empty: no log.
  std::string log = "relgate-audit.log";
};

// Follow-ups after a release (RULEBOOK.md, reported by status and audit,
// never blocking). Paths take {major}, {minor} and {patch}; "" turns a
// check off.
struct DocsPolicy {
  std::string versioned_path = "site/versioned_docs/version-{major}.{minor}";
  std::string release_notes = "site/src/pages/release-notes.md";
};

struct UpstreamPolicy {
  std::string file = "go.mod"; // at the release's commit
  std::string module;          // e.g. github.com/envoyproxy/gateway; "": no check
};

// `tmpl` with {major}, {minor} and {patch} replaced by v's numbers.
std::string render_path(const std::string& tmpl, const Version& v);

struct AccessPolicy {
  std::vector<std::string> maintainers; // empty: everyone may do what maintainers may
  // Where the server reads the pusher's name (host configuration). Never
  // USER or LOGNAME by default: on a server they name the service account.
  std::vector<std::string> identity_env = {"GL_USERNAME", "GITHUB_USER_LOGIN", "GITEA_PUSHER_NAME", "GL_USER",
                                           "REMOTE_USER"};
  // A3: the identities that may write CI results (host configuration);
  // empty: CI results on the notes ref are unverified.
  std::vector<std::string> ci_writers;
  bool is_maintainer(const std::optional<std::string>& who) const;
};

// relgate pr: how pull requests land and what their descriptions may grant.
struct PrPolicy {
  enum class MergeMethod { squash, merge, rebase };
  MergeMethod merge_method = MergeMethod::squash;
  // Whether a Freeze-Exception trailer in a pull request's description
  // counts (anyone who opens a pull request writes its description).
  bool exception_in_description = false;
};

// Host configuration about the policy itself (policy_loader.hpp's
// layer_policy; config_keys.hpp).
struct HostPolicy {
  bool versioned = true;          // policy.versioned: read refs/meta/relgate
  std::vector<std::string> pins;  // policy.pin: repository keys only host files decide
  int max_patch_id_window = 100000; // limits.patch_id_window: the bound of backport.patch_id_window
  // limits.tree_entries: the tree entries one walk may read;
  // limits.push_tree_entries: all the walks that judge one push.
  std::size_t tree_entries = repo::k_max_tree_entries;
  std::size_t push_tree_entries = repo::k_max_push_tree_entries;
  std::vector<std::string> places;  // where host files go, for messages (not a key)
};

struct Policy {
  std::string source = "built-in policy"; // where it was read from, for messages
  std::string main_branch = "main";       // short name, under refs/heads/
  NameTemplate release_branch;            // release/v{major}.{minor}
  std::shared_ptr<const Regex> release_branch_like; // near misses of release_branch
  NameTemplate final_tag;                 // v{major}.{minor}.{patch}: final and patch tags
  NameTemplate rc_tag;                    // v{major}.{minor}.{patch}-rc{rc}
  std::shared_ptr<const Regex> version_like; // tags that look like a version (T1)
  bool other_tags_allowed = true;         // tags.other
  std::array<Severity, static_cast<std::size_t>(RuleId::count_)> severity{};
  CiPolicy ci;
  FreezePolicy freeze;
  BackportPolicy backport;
  AccessPolicy access;
  AuditPolicy audit;
  ClientPolicy client;
  DocsPolicy docs;
  UpstreamPolicy upstream;
  PrPolicy pr;
  HostPolicy host;

  Severity severity_of(RuleId id) const { return severity[static_cast<std::size_t>(id)]; }
  std::string main_ref() const { return repo::branch_ref(main_branch); }
  // The versioned policy: this ref's commit holds relgate.toml.
  static constexpr const char* k_policy_ref = "refs/meta/relgate";
  static constexpr const char* k_policy_file = "relgate.toml";
  // The directory of freeze declarations: "refs/freeze/".
  std::string freeze_ref_dir() const {
    auto prefix = freeze.ref.literal_prefix();
    return prefix.substr(0, prefix.rfind('/') + 1);
  }
};

} // namespace relgate::policy
