#include "policy/policy_loader.hpp"

#include "ci/providers.hpp"

#include "policy/config_keys.hpp"
#include "util/embedded.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <re2/re2.h>

#include <stdexcept>

namespace relgate::policy {
struct TomlCheckFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};
[[noreturn]] void toml_check_failed(const char* what);
}
// toml++ checks its parser's own state with TOML_ASSERT_ASSUME, which in
// builds with NDEBUG becomes an assumption: one that does not hold (the
// fuzzer found `[\x04branches]`) is undefined behaviour under clang. relgate
// keeps those checks in every build and turns a failed one into an error.
#define TOML_ASSERT(expr) ((expr) ? static_cast<void>(0) : ::relgate::policy::toml_check_failed(#expr))
#pragma push_macro("NDEBUG")
#undef NDEBUG
#include <toml++/toml.h>
#pragma pop_macro("NDEBUG")

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>

namespace relgate::policy {

void toml_check_failed(const char* what) { throw TomlCheckFailed(what); }

namespace {

// Which keys a layer applies, and how a pushed (versioned) policy is held to
// what only the host decides.
struct Scope {
  std::function<bool(const std::string& key)> take = [](const std::string&) { return true; };
  bool versioned = false; // refs/meta/relgate: host keys and weakened guards are not its to set
  bool strict = false;    // versioned: refuse them at their place (P1), else ignore them
  std::vector<std::string>* ignored = nullptr; // lenient: what was ignored
  int max_patch_id_window = HostPolicy{}.max_patch_id_window;
};

using Handlers = std::vector<std::pair<std::string, std::function<void(const toml::node&)>>>;

class Loader {
public:
  Loader(std::string source, Policy& policy, bool validate, Scope scope = {})
      : m_source(std::move(source)), m_policy(policy), m_validate(validate), m_scope(std::move(scope)) {}

  // Every key of the schema, "table.key" ("ci.github" for a sub-table).
  std::vector<std::string> keys() {
    std::vector<std::string> out;
    for (const auto& [table, handlers] : schema()) {
      for (const auto& h : handlers) out.push_back(table + "." + h.first);
    }
    return out;
  }

  void load(const toml::table& root) {
    const auto schema = this->schema();
    std::vector<std::string> table_names;
    for (const auto& [name, handlers] : schema) table_names.push_back(name);

    for (auto&& [key, node] : root) {
      std::string k(key.str());
      auto it = std::find_if(schema.begin(), schema.end(), [&](const auto& t) { return t.first == k; });
      if (it == schema.end()) {
        fail_at(key.source(), "unknown table \"" + printable_key(k) + "\"" + suggestion(k, table_names));
      }
      const toml::table* table = node.as_table();
      if (!table) fail(node, "\"" + k + "\" must be a table: [" + k + "]");
      std::vector<std::string> keys;
      for (const auto& h : it->second) keys.push_back(h.first);
      for (auto&& [sub_key, value] : *table) {
        std::string sk(sub_key.str());
        auto h = std::find_if(it->second.begin(), it->second.end(), [&](const auto& x) { return x.first == sk; });
        if (h == it->second.end()) {
          fail_at(sub_key.source(), "unknown key \"" + printable_key(sk) + "\" in [" + k + "]" + suggestion(sk, keys));
        }
        const std::string full = k + "." + sk;
        if (m_scope.versioned) {
          auto cls = classify_key(full);
          if (cls.kind == KeyKind::host) {
            not_for_a_pushed_policy(value, full, full + " is host configuration (it " + std::string(cls.why) + ")");
            continue;
          }
        }
        if (m_scope.take(full)) h->second(value);
      }
    }
    check_consistency(root);
  }

private:
  // A pushed policy set what only the host decides: refused at its place
  // (P1), or ignored and said once where a policy already in force does it.
  void not_for_a_pushed_policy(const toml::node& n, const std::string& key, const std::string& why) const {
    if (m_scope.strict) {
      const std::string places = join(m_policy.host.places, " or ");
      fail(n, why + ", which a pushed policy may not set" +
                  (places.empty() ? std::string() : "; the administrator sets it in " + places));
    }
    if (m_scope.ignored) m_scope.ignored->push_back(key);
  }

  // The tables of relgate.toml, in order, each with its keys' handlers (one
  // table a line, which clang-format would pack into columns).
  std::vector<std::pair<std::string, Handlers>> schema() {
    // clang-format off
    return {
        {"branches", branches_handlers()},
        {"tags", tags_handlers()},
        {"freeze", freeze_handlers()},
        {"pr", pr_handlers()},
        {"backport", backport_handlers()},
        {"access", access_handlers()},
        {"policy", policy_handlers()},
        {"limits", limits_handlers()},
        {"client", client_handlers()},
        {"audit", audit_handlers()},
        {"docs", docs_handlers()},
        {"upstream", upstream_handlers()},
        {"rules", rule_handlers()},
        {"ci", ci_handlers()},
    };
    // clang-format on
  }

  Handlers branches_handlers() {
    return {
        {"main", [&](const toml::node& n) { m_policy.main_branch = branch_name(n, "branches.main"); }},
        {"release",
         [&](const toml::node& n) {
           m_policy.release_branch = name_template(n, "branches.release", {"major", "minor"});
         }},
        {"release_like",
         [&](const toml::node& n) { m_policy.release_branch_like = regex(n, "branches.release_like"); }},
    };
  }

  Handlers tags_handlers() {
    return {
        {"final",
         [&](const toml::node& n) {
           m_policy.final_tag = name_template(n, "tags.final", {"major", "minor", "patch"});
         }},
        {"rc",
         [&](const toml::node& n) {
           m_policy.rc_tag = name_template(n, "tags.rc", {"major", "minor", "patch", "rc"});
         }},
        {"version_like", [&](const toml::node& n) { m_policy.version_like = regex(n, "tags.version_like"); }},
        {"other",
         [&](const toml::node& n) {
           auto v = one_of(n, "tags.other", {"allow", "reject"});
           m_policy.other_tags_allowed = v == "allow";
         }},
    };
  }

  Handlers freeze_handlers() {
    return {
        {"allow",
         [&](const toml::node& n) {
           m_policy.freeze.allow.clear();
           const toml::array* a = n.as_array();
           if (!a) fail(n, "freeze.allow must be an array of regular expressions");
           for (const auto& item : *a) m_policy.freeze.allow.push_back(regex(item, "freeze.allow[]"));
         }},
        {"allow_keywords",
         [&](const toml::node& n) {
           auto words = string_array(n, "freeze.allow_keywords");
           for (const auto& w : words) {
             if (trim(w).empty()) fail(n, "freeze.allow_keywords: a keyword may not be empty");
           }
           const std::string alternatives =
               join(words, "|", [](const std::string& w) { return RE2::QuoteMeta(std::string(trim(w))); });
           m_policy.freeze.allow_keywords = words;
           m_policy.freeze.keywords_re.reset();
           if (!words.empty()) {
             m_policy.freeze.keywords_re =
                 std::make_shared<const Regex>("\\b(?:" + alternatives + ")\\b", /*case_sensitive=*/false);
             if (m_validate && !(*m_policy.freeze.keywords_re)->ok())
               fail(n, "freeze.allow_keywords: " + (*m_policy.freeze.keywords_re)->error());
           }
         }},
        {"fix_words",
         [&](const toml::node& n) {
           auto words = string_array(n, "freeze.fix_words");
           for (const auto& w : words) {
             bool letters = !w.empty() && std::all_of(w.begin(), w.end(), [](char c) {
               return std::isalpha(static_cast<unsigned char>(c)) != 0;
             });
             if (!letters) fail(n, "freeze.fix_words: \"" + w + "\" is not a word (letters only)");
           }
           m_policy.freeze.fix_words = words;
         }},
        {"feature_types",
         [&](const toml::node& n) { m_policy.freeze.feature_types = string_array(n, "freeze.feature_types"); }},
        {"docs_paths",
         [&](const toml::node& n) {
           auto globs = string_array(n, "freeze.docs_paths");
           if (globs.size() > FreezePolicy::k_max_globs)
             fail(n, "freeze.docs_paths has " + std::to_string(globs.size()) + " globs; at most " +
                         std::to_string(FreezePolicy::k_max_globs) + " are allowed");
           for (const auto& g : globs) {
             if (g.empty() || g.front() == '/')
               fail(n, "freeze.docs_paths: \"" + g + "\" must be a path glob relative to the top of the repository");
             if (g.size() > FreezePolicy::k_max_glob_bytes)
               fail(n, "freeze.docs_paths: a glob of " + std::to_string(g.size()) + " bytes; at most " +
                           std::to_string(FreezePolicy::k_max_glob_bytes) + " are allowed");
           }
           m_policy.freeze.docs_paths = globs;
         }},
        {"exception_trailer",
         [&](const toml::node& n) {
           auto t = string(n, "freeze.exception_trailer");
           if (t.empty() || t.find_first_of(" :\t\n") != std::string::npos)
             fail(n, "freeze.exception_trailer must be a trailer key such as \"Freeze-Exception\"");
           m_policy.freeze.exception_trailer = t;
         }},
        {"ref",
         [&](const toml::node& n) {
           auto t = name_template(n, "freeze.ref", {"major", "minor", "patch"});
           if (!starts_with(t.text(), "refs/") || t.literal_prefix().rfind('/') == std::string::npos)
             fail(n, "freeze.ref must be a ref name under refs/, such as \"refs/freeze/v{major}.{minor}.{patch}\"");
           m_policy.freeze.ref = t;
         }},
    };
  }

  Handlers pr_handlers() {
    return {
        {"merge_method",
         [&](const toml::node& n) {
           auto v = one_of(n, "pr.merge_method", {"squash", "merge", "rebase"});
           m_policy.pr.merge_method = v == "squash"  ? PrPolicy::MergeMethod::squash
                                      : v == "merge" ? PrPolicy::MergeMethod::merge
                                                     : PrPolicy::MergeMethod::rebase;
         }},
        {"exception_in_description",
         [&](const toml::node& n) {
           m_policy.pr.exception_in_description = boolean(n, "pr.exception_in_description");
         }},
    };
  }

  Handlers backport_handlers() {
    return {
        {"cherry_pick",
         [&](const toml::node& n) { m_policy.backport.cherry_pick = capturing_regex(n, "backport.cherry_pick"); }},
        {"pr_ref", [&](const toml::node& n) { m_policy.backport.pr_ref = capturing_regex(n, "backport.pr_ref"); }},
        {"main_pr", [&](const toml::node& n) { m_policy.backport.main_pr = capturing_regex(n, "backport.main_pr"); }},
        {"subject_prefix",
         [&](const toml::node& n) { m_policy.backport.subject_prefix = regex(n, "backport.subject_prefix"); }},
        {"patch_id", [&](const toml::node& n) { m_policy.backport.patch_id = boolean(n, "backport.patch_id"); }},
        {"patch_id_window",
         [&](const toml::node& n) {
           int v = whole_number(n, "backport.patch_id_window", 0, 1000000);
           // The project chooses the window; the host bounds its cost.
           int bound = m_scope.max_patch_id_window;
           if (m_scope.versioned && v > bound) {
             not_for_a_pushed_policy(n, "backport.patch_id_window above " + std::to_string(bound),
                                     "backport.patch_id_window is above this host's bound (limits.patch_id_window = " +
                                         std::to_string(bound) + ")");
             v = bound;
           }
           m_policy.backport.patch_id_window = v;
         }},
        {"target_like", [&](const toml::node& n) { m_policy.backport.target_like = regex(n, "backport.target_like"); }},
        {"pr_branches",
         [&](const toml::node& n) {
           const toml::array* a = n.as_array();
           if (!a)
             fail(n, "backport.pr_branches must be an array of branch name templates, such as "
                     "[\"backport/{release}/{topic}\"]");
           std::vector<PrBranchTemplate> templates;
           for (const auto& item : *a) templates.push_back(pr_branch_template(item));
           m_policy.backport.pr_branches = std::move(templates);
           m_pr_branches_at = n.source();
         }},
    };
  }

  Handlers access_handlers() {
    return {
        {"maintainers",
         [&](const toml::node& n) { m_policy.access.maintainers = string_array(n, "access.maintainers"); }},
        {"identity_env",
         [&](const toml::node& n) {
           auto vars = string_array(n, "access.identity_env");
           if (vars.empty()) fail(n, "access.identity_env must name at least one environment variable");
           for (const auto& v : vars) {
             // git sets GIT_* for the hook, and passes push options as
             // GIT_PUSH_OPTION_<n>: the pusher chooses those values.
             if (starts_with(v, "GIT_"))
               fail(n, "access.identity_env: " + v +
                           " is set by git or by the pusher (GIT_*), not by the server's authentication");
           }
           m_policy.access.identity_env = vars;
         }},
        {"ci_writers", [&](const toml::node& n) { m_policy.access.ci_writers = string_array(n, "access.ci_writers"); }},
    };
  }

  Handlers policy_handlers() {
    return {
        {"versioned", [&](const toml::node& n) { m_policy.host.versioned = boolean(n, "policy.versioned"); }},
        {"pin",
         [&](const toml::node& n) {
           auto pins = string_array(n, "policy.pin");
           auto all = keys();
           for (const auto& pin : pins) {
             bool known = false, repository = false;
             for (const auto& k : all) {
               if (key_within(k, pin) || key_within(pin, k)) {
                 known = true;
                 repository = repository || classify_key(k).kind == KeyKind::repository;
               }
             }
             if (!known) fail(n, "policy.pin: unknown key \"" + printable_key(pin) + "\"" + suggestion(pin, all));
             if (!repository)
               fail(n,
                    "policy.pin: " + pin + " is host configuration, which a pushed policy never sets: it needs no pin");
           }
           m_policy.host.pins = pins;
         }},
    };
  }

  Handlers limits_handlers() {
    return {
        {"patch_id_window",
         [&](const toml::node& n) {
           m_policy.host.max_patch_id_window = whole_number(n, "limits.patch_id_window", 0, 1000000);
         }},
        {"tree_entries",
         [&](const toml::node& n) {
           m_policy.host.tree_entries =
               static_cast<std::size_t>(whole_number(n, "limits.tree_entries", 1000, 1000000000, " of entries"));
         }},
        {"push_tree_entries",
         [&](const toml::node& n) {
           m_policy.host.push_tree_entries =
               static_cast<std::size_t>(whole_number(n, "limits.push_tree_entries", 1000, 1000000000, " of entries"));
         }},
    };
  }

  Handlers client_handlers() {
    return {
        {"fail_open_on_error",
         [&](const toml::node& n) { m_policy.client.fail_open_on_error = boolean(n, "client.fail_open_on_error"); }},
    };
  }

  Handlers audit_handlers() {
    return {
        {"log", [&](const toml::node& n) { m_policy.audit.log = string(n, "audit.log"); }},
    };
  }

  Handlers docs_handlers() {
    return {
        {"versioned_path",
         [&](const toml::node& n) { m_policy.docs.versioned_path = path_template(n, "docs.versioned_path"); }},
        {"release_notes",
         [&](const toml::node& n) { m_policy.docs.release_notes = path_template(n, "docs.release_notes"); }},
    };
  }

  Handlers upstream_handlers() {
    return {
        {"file", [&](const toml::node& n) { m_policy.upstream.file = path_template(n, "upstream.file"); }},
        {"module",
         [&](const toml::node& n) {
           auto m = string(n, "upstream.module");
           if (m.find_first_of(" \t\n\r") != std::string::npos)
             fail(n, "upstream.module must be a module path without spaces");
           m_policy.upstream.module = m;
         }},
    };
  }

  Handlers ci_handlers() {
    return {
        {"provider",
         [&](const toml::node& n) {
           std::vector<std::string> names;
           for (const auto& kind : ci::provider_kinds()) names.emplace_back(kind.name);
           m_policy.ci.provider = one_of(n, "ci.provider", names);
           m_ci_provider_at = n.source();
         }},
        {"github", [&](const toml::node& n) { sub_table(n, "ci.github", ci_github_handlers()); }},
        {"gitlab", [&](const toml::node& n) { sub_table(n, "ci.gitlab", ci_gitlab_handlers()); }},
        {"command", [&](const toml::node& n) { sub_table(n, "ci.command", ci_command_handlers()); }},
        {"notes_ref",
         [&](const toml::node& n) {
           auto ref = string(n, "ci.notes_ref");
           if (!starts_with(ref, "refs/notes/")) fail(n, "ci.notes_ref must be a ref under refs/notes/");
           m_policy.ci.notes_ref = ref;
         }},
        {"required", [&](const toml::node& n) { m_policy.ci.requirements.required = string_array(n, "ci.required"); }},
        {"required_for",
         [&](const toml::node& n) {
           std::set<TagKind> kinds;
           for (const auto& s : string_array(n, "ci.required_for")) {
             if (s == "rc") kinds.insert(TagKind::rc);
             else if (s == "final") kinds.insert(TagKind::final);
             else if (s == "patch") kinds.insert(TagKind::patch);
             else fail(n, "ci.required_for: unknown tag kind \"" + s + "\" (use \"rc\", \"final\", \"patch\")");
           }
           m_policy.ci.required_for = kinds;
         }},
        {"skipped_is_green",
         [&](const toml::node& n) { m_policy.ci.requirements.skipped_is_green = boolean(n, "ci.skipped_is_green"); }},
        {"timeout_ms",
         [&](const toml::node& n) {
           m_policy.ci.timeout_ms = whole_number(n, "ci.timeout_ms", 1, 600000, " of milliseconds");
         }},
    };
  }

  Handlers ci_github_handlers() {
    return {
        {"api_url", [&](const toml::node& v) { m_policy.ci.github.api_url = api_url(v, "ci.github.api_url"); }},
        {"repository",
         [&](const toml::node& v) {
           auto r = string(v, "ci.github.repository");
           auto slash = r.find('/');
           if (slash == std::string::npos || slash == 0 || slash + 1 == r.size() ||
               r.find('/', slash + 1) != std::string::npos ||
               r.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/") !=
                   std::string::npos)
             fail(v, "ci.github.repository must be \"owner/name\"");
           m_policy.ci.github.repository = r;
         }},
        {"token_env", [&](const toml::node& v) { m_policy.ci.github.token_env = env_name(v, "ci.github.token_env"); }},
    };
  }

  Handlers ci_gitlab_handlers() {
    return {
        {"api_url", [&](const toml::node& v) { m_policy.ci.gitlab.api_url = api_url(v, "ci.gitlab.api_url"); }},
        {"project",
         [&](const toml::node& v) {
           auto id = v.value<std::int64_t>();
           std::string p = v.is_integer() && id && *id > 0 ? std::to_string(*id) : string(v, "ci.gitlab.project");
           if (p.empty() || p.front() == '/' || p.back() == '/')
             fail(v, "ci.gitlab.project must be a project id or a path such as \"group/name\"");
           m_policy.ci.gitlab.project = p;
         }},
        {"token_env", [&](const toml::node& v) { m_policy.ci.gitlab.token_env = env_name(v, "ci.gitlab.token_env"); }},
    };
  }

  Handlers ci_command_handlers() {
    return {
        {"argv",
         [&](const toml::node& v) {
           auto argv = string_array(v, "ci.command.argv");
           if (argv.empty() || argv.front().empty())
             fail(v, "ci.command.argv must name a program: [\"/path/to/check\", \"arg\"]");
           m_policy.ci.command.argv = argv;
         }},
    };
  }

  std::vector<std::pair<std::string, std::function<void(const toml::node&)>>> rule_handlers() {
    std::vector<std::pair<std::string, std::function<void(const toml::node&)>>> out;
    for (const auto& info : all_rules()) {
      auto id = info.id;
      std::string key(info.name);
      out.emplace_back(key, [this, id, key](const toml::node& n) {
        auto v = one_of(n, "rules." + key, {"error", "warn", "off"});
        // Who may push the policy, override, and that a policy must load
        // guard the versioned policy itself: only the host may weaken them.
        if (m_scope.versioned && v != "error" &&
            (id == RuleId::A1 || id == RuleId::A2 || id == RuleId::A3 || id == RuleId::P1)) {
          not_for_a_pushed_policy(n, "rules." + key + " below \"error\"",
                                  "rules." + key + " guards the pushed policy itself: only host configuration may set it below \"error\"");
          return;
        }
        m_policy.severity[static_cast<std::size_t>(id)] =
            v == "error" ? Severity::error : v == "warn" ? Severity::warn : Severity::off;
      });
    }
    return out;
  }

  // The final and rc templates must not be able to spell the same tag, or a
  // tag would be two kinds at once.
  void check_consistency(const toml::table& root) {
    check_ci_provider(root);
    check_pr_branches(root);
    for (Version probe : {Version{1, 2, 0, 3}, Version{0, 10, 0, 1}, Version{3, 0, 0, 12}, Version{1, 2, 3, 4}}) {
      if (m_policy.final_tag.match(m_policy.rc_tag.render(probe)) ||
          m_policy.rc_tag.match(m_policy.final_tag.render(probe))) {
        fail_at(root.source(), "tags.final and tags.rc spell the same names; an rc tag needs text of its own");
      }
    }
  }

  // A backport pull request's branch is not the release branch it goes to,
  // nor main (either may be set in another file: checked once both are known).
  void check_pr_branches(const toml::table& root) const {
    for (const auto& t : m_policy.backport.pr_branches) {
      for (Line probe : {Line{0, 5}, Line{1, 12}}) {
        auto name = t.render(probe, m_policy.release_branch, 7, "x");
        if (!name || (!m_policy.release_branch.match(*name) && *name != m_policy.main_branch)) continue;
        fail_at(m_pr_branches_at ? *m_pr_branches_at : root.source(),
                "backport.pr_branches: \"" + printable_key(t.text()) + "\" spells " +
                    (*name == m_policy.main_branch ? "the main branch" : "release branches (" + *name + ")") +
                    "; a pull request's branch needs a name of its own");
      }
    }
  }

  // The provider named in [ci] needs its table's required keys (a file may
  // set them in any order, or over the built-in policy).
  void check_ci_provider(const toml::table& root) const {
    const auto& ci = m_policy.ci;
    auto where = m_ci_provider_at ? *m_ci_provider_at : root.source();
    const auto* kind = ci::find_provider_kind(ci.provider);
    if (kind && !kind->configured(ci))
      fail_at(where, "ci.provider = \"" + ci.provider + "\" needs " + std::string(kind->needs));
  }

  static std::string printable_key(const std::string& k) {
    auto p = printable(k);
    return p.substr(1, p.size() - 2);
  }

  static std::string suggestion(const std::string& word, const std::vector<std::string>& candidates) {
    auto best = closest_match(word, candidates);
    return best.empty() ? std::string() : ", did you mean \"" + best + "\"?";
  }

  [[noreturn]] void fail_at(const toml::source_region& where, const std::string& message) const {
    std::ostringstream os;
    os << m_source;
    if (where.begin.line > 0) os << ':' << where.begin.line << ':' << where.begin.column;
    os << ": " << message;
    throw Error(os.str());
  }

  [[noreturn]] void fail(const toml::node& n, const std::string& message) const { fail_at(n.source(), message); }

  std::string string(const toml::node& n, const std::string& key) const {
    auto v = n.value<std::string>();
    if (!n.is_string() || !v) fail(n, key + " must be a string");
    return *v;
  }

  int whole_number(const toml::node& n, const std::string& key, int min, int max, const char* unit = "") const {
    auto v = n.value<std::int64_t>();
    if (!n.is_integer() || !v || *v < min || *v > max)
      fail(n, key + " must be a whole number" + unit + " from " + std::to_string(min) + " to " + std::to_string(max));
    return static_cast<int>(*v);
  }

  bool boolean(const toml::node& n, const std::string& key) const {
    auto v = n.value<bool>();
    if (!n.is_boolean() || !v) fail(n, key + " must be true or false");
    return *v;
  }

  // A sub-table such as [ci.github]: each key through its handler.
  void sub_table(const toml::node& n, const std::string& name,
                 const std::vector<std::pair<std::string, std::function<void(const toml::node&)>>>& handlers) {
    const toml::table* table = n.as_table();
    if (!table) fail(n, "\"" + name + "\" must be a table: [" + name + "]");
    std::vector<std::string> keys;
    for (const auto& h : handlers) keys.push_back(h.first);
    for (auto&& [key, value] : *table) {
      std::string k(key.str());
      auto h = std::find_if(handlers.begin(), handlers.end(), [&](const auto& x) { return x.first == k; });
      if (h == handlers.end()) fail_at(key.source(), "unknown key \"" + printable_key(k) + "\" in [" + name + "]" + suggestion(k, keys));
      h->second(value);
    }
  }

  std::string api_url(const toml::node& n, const std::string& key) const {
    auto v = string(n, key);
    while (!v.empty() && v.back() == '/') v.pop_back();
    if (!(starts_with(v, "https://") || starts_with(v, "http://")) || v.find_first_of(" \t\n?#") != std::string::npos)
      fail(n, key + " must be an http:// or https:// URL such as \"https://api.github.com\"");
    return v;
  }

  std::string env_name(const toml::node& n, const std::string& key) const {
    auto v = string(n, key);
    if (v.empty() || v.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != std::string::npos)
      fail(n, key + " must name an environment variable, such as \"GITHUB_TOKEN\"");
    return v;
  }

  std::vector<std::string> string_array(const toml::node& n, const std::string& key) const {
    const toml::array* a = n.as_array();
    if (!a) fail(n, key + " must be an array of strings");
    std::vector<std::string> out;
    for (const auto& item : *a) out.push_back(string(item, key + "[]"));
    return out;
  }

  std::string one_of(const toml::node& n, const std::string& key, const std::vector<std::string>& allowed) const {
    auto v = string(n, key);
    for (const auto& a : allowed) {
      if (a == v) return v;
    }
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "\"" : ", \"") + a + "\"";
    auto near = closest_match(v, allowed);
    fail(n, key + ": unknown value \"" + printable_key(v) + "\"" +
                (near.empty() ? " (use one of " + list + ")" : ", did you mean \"" + near + "\"?"));
  }

  std::string branch_name(const toml::node& n, const std::string& key) const {
    auto v = string(n, key);
    if (v.empty() || starts_with(v, "refs/") || v.find_first_of(" ~^:?*[\\") != std::string::npos)
      fail(n, key + " must be a branch name such as \"main\" (without refs/heads/)");
    return v;
  }

  NameTemplate name_template(const toml::node& n, const std::string& key, const std::vector<std::string>& req) const {
    auto v = string(n, key);
    std::string error;
    auto t = NameTemplate::compile(v, req, &error);
    if (!t) fail(n, key + ": " + error);
    return *t;
  }

  // One template of backport.pr_branches: a branch name (without
  // refs/heads/) with placeholders (pr_branch.hpp).
  PrBranchTemplate pr_branch_template(const toml::node& n) const {
    auto v = string(n, "backport.pr_branches[]");
    std::string error;
    auto t = PrBranchTemplate::compile(v, &error);
    if (!t) fail(n, "backport.pr_branches[]: " + error);
    bool control =
        std::any_of(v.begin(), v.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
    if (control || starts_with(v, "refs/") || v.front() == '/' || v.back() == '/' || v.back() == '.' ||
        v.find_first_of(" ~^:?*[\\") != std::string::npos || v.find("..") != std::string::npos ||
        v.find("//") != std::string::npos)
      fail(n, "backport.pr_branches[]: \"" + printable_key(v) +
                  "\" is not a branch name (without refs/heads/), such as \"backport/{release}/{topic}\"");
    return *t;
  }

  // A path in the repository, with {major}, {minor} and {patch} at most; ""
  // turns its check off.
  std::string path_template(const toml::node& n, const std::string& key) const {
    auto v = string(n, key);
    for (std::size_t i = v.find('{'); i != std::string::npos; i = v.find('{', i + 1)) {
      auto close = v.find('}', i);
      std::string name = close == std::string::npos ? std::string() : v.substr(i + 1, close - i - 1);
      if (name != "major" && name != "minor" && name != "patch")
        fail(n, key + ": unknown placeholder in \"" + v + "\" (it takes {major}, {minor}, {patch})");
    }
    if (!v.empty() && (v.front() == '/' || v.back() == '/' || v.find("..") != std::string::npos))
      fail(n, key + " must be a path relative to the repository's top, like \"site/docs\"");
    return v;
  }

  // Compiled now when the text is a policy file (a bad pattern is reported
  // at its place), on first use when it is the built-in policy (regex.hpp).
  std::shared_ptr<const Regex> regex(const toml::node& n, const std::string& key) const {
    auto re = std::make_shared<const Regex>(string(n, key));
    if (m_validate && !(*re)->ok()) fail(n, key + ": invalid regular expression: " + (*re)->error());
    return re;
  }

  // A regular expression with exactly one capturing group (the value).
  std::shared_ptr<const Regex> capturing_regex(const toml::node& n, const std::string& key) const {
    auto re = regex(n, key);
    if (m_validate && (*re)->NumberOfCapturingGroups() != 1)
      fail(n, key + " must have exactly one capturing group (the value), it has " +
                  std::to_string((*re)->NumberOfCapturingGroups()));
    return re;
  }

  std::string m_source;
  Policy& m_policy;
  bool m_validate; // compile patterns now (policy files) or on first use (built-in)
  std::optional<toml::source_region> m_ci_provider_at; // where ci.provider was set
  std::optional<toml::source_region> m_pr_branches_at; // where backport.pr_branches was set
  Scope m_scope;
};

} // namespace

namespace {

// toml++ 3.3.0 (Debian 12) asks is_non_ascii_horizontal_whitespace() about
// characters where whitespace may stand, and for most characters of
// U+00A1..U+0499, U+2C5E..U+3057 and U+FB26..U+FEFE that function reaches a
// branch marked __builtin_unreachable(): undefined behaviour on a policy file
// anyone may push (found by tests/fuzz/fuzz_policy under UBSan: `[a\u0466]`,
// then U+FBFF). Until toml++ is fixed such characters are refused, at their
// place; strings can spell them as \u escapes. This mirrors that function's
// arithmetic (toml++/impl/unicode_autogenerated.h) exactly: the characters
// it answers are safe, the others are not.
bool toml_mishandles(char32_t c) {
  if (c < 0xA0 || c > 0xFEFF) return false;
  const auto child = (static_cast<std::uint64_t>(c) - 0xA0u) / 0x3FAu;
  if ((std::uint64_t{1} << child) & 0x7FFFFFFFFFFFF75Eull) return false;
  if (c == 0xA0 || c == 0x3000 || c == 0xFEFF) return false;
  return child != 0x05 && child != 0x07;
}

void refuse_unsafe_characters(std::string_view text, const std::string& source) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < text.size();) {
    auto b = static_cast<unsigned char>(text[i]);
    std::size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 1;
    if (i + len > text.size()) len = 1;
    char32_t c = len == 1 ? b : len == 2 ? (b & 0x1Fu) : len == 3 ? (b & 0x0Fu) : (b & 0x07u);
    for (std::size_t k = 1; k < len; ++k) c = (c << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
    if (toml_mishandles(c)) {
      char code[16];
      std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(c));
      throw Error(source + ":" + std::to_string(line) + ":" + std::to_string(column) + ": the character " + code +
                  " is not supported in a policy file (the TOML parser mishandles it); in a string, write it as \\u" +
                  std::string(code + 2));
    }
    if (b == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += len;
  }
}

toml::table parse_toml(std::string_view text, const std::string& source) {
  refuse_unsafe_characters(text, source);
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    std::ostringstream os;
    os << source << ':' << e.source().begin.line << ':' << e.source().begin.column << ": " << e.description();
    throw Error(os.str());
  } catch (const TomlCheckFailed& e) {
    throw Error(source + ": not valid TOML (the parser's check " + e.what() + " failed)");
  }
}

// Applies the keys of `text` that `scope` takes to `policy`.
void apply(Policy& policy, std::string_view text, const std::string& source, bool validate, Scope scope = {}) {
  auto root = parse_toml(text, source);
  Loader(source, policy, validate, std::move(scope)).load(root);
}

Policy parse(std::string_view text, const std::string& source, const Policy& base, bool validate) {
  Policy policy = base;
  policy.source = source;
  apply(policy, text, source, validate);
  return policy;
}
} // namespace

Policy parse_policy(std::string_view text, const std::string& source, const Policy& base) {
  return parse(text, source, base, /*validate=*/true);
}

const Policy& builtin_policy() {
  static const Policy policy = [] {
    Policy empty;
    for (const auto& info : all_rules()) empty.severity[static_cast<std::size_t>(info.id)] = info.default_severity;
    return parse(embedded::default_policy, "built-in policy", empty, /*validate=*/false);
  }();
  return policy;
}

std::string read_policy_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot read the policy file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Error(path + ": cannot read the policy file");
  return text.str();
}

Policy load_policy_file(const std::string& path) { return parse_policy(read_policy_file(path), path, builtin_policy()); }

LoadedPolicy layer_policy(const PolicySources& sources) {
  LoadedPolicy out{builtin_policy(), {}};
  Policy& p = out.policy;
  p.host.places = sources.host_places;
  std::vector<std::string> names;
  // 1. Host files, every key; a later file wins per key.
  for (const auto& f : sources.host) {
    apply(p, f.text, f.name, /*validate=*/true);
    names.push_back(f.name);
  }
  p.host.places = sources.host_places; // host files do not name places
  // 2. The versioned policy: repository keys only, within the host's bounds.
  if (sources.versioned && p.host.versioned) {
    std::vector<std::string> ignored;
    Scope scope;
    scope.take = [](const std::string& key) { return classify_key(key).kind == KeyKind::repository; };
    scope.versioned = true;
    scope.ignored = &ignored;
    scope.max_patch_id_window = p.host.max_patch_id_window;
    try {
      apply(p, sources.versioned->text, sources.versioned->name, /*validate=*/true, scope);
    } catch (const Error& e) {
      // P1 keeps such a policy out; one written past it (or valid under an
      // older relgate) leaves the server refusing every push.
      const std::string places = join(p.host.places, " or ");
      throw Error(std::string(e.what()) + (places.empty() ? std::string() : " (the administrator can set [policy] versioned = false in " + places + " until it is fixed)"));
    }
    names.push_back(sources.versioned->name);
    if (!ignored.empty()) {
      out.warnings.push_back(sources.versioned->name + " sets what only this host's configuration decides, ignored: " +
                             join(ignored, ", "));
    }
  }
  // 3. Pinned repository keys: the host files' values (else the built-in
  //    one) win over the versioned policy.
  if (!p.host.pins.empty() && sources.versioned && p.host.versioned) {
    const auto pins = p.host.pins;
    Scope scope;
    scope.take = [&pins](const std::string& key) {
      return std::any_of(pins.begin(), pins.end(), [&](const std::string& pin) { return key_within(key, pin); });
    };
    apply(p, embedded::default_policy, "built-in policy", /*validate=*/false, scope);
    for (const auto& f : sources.host) apply(p, f.text, f.name, /*validate=*/true, scope);
  }
  if (names.empty()) names.push_back("built-in policy");
  p.source = join(std::vector<std::string>(names.rbegin(), names.rend()), " over ");
  if (names.front() != "built-in policy") p.source += " over the built-in policy";
  return out;
}

void check_pushed_policy(std::string_view text, const std::string& source, const Policy& in_force) {
  Policy scratch = builtin_policy();
  scratch.host = in_force.host;
  Scope scope;
  scope.versioned = true;
  scope.strict = true;
  scope.max_patch_id_window = in_force.host.max_patch_id_window;
  apply(scratch, text, source, /*validate=*/true, scope);
}

std::vector<std::string> policy_keys() {
  Policy scratch;
  return Loader("", scratch, false).keys();
}

} // namespace relgate::policy
