#include "ci/providers.hpp"
#include "policy/config_keys.hpp"
#include "policy/policy_loader.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

#include <re2/re2.h>

#include <set>

using namespace relgate;
using namespace relgate::policy;

namespace {
std::string error_of(const std::string& toml) {
  try {
    parse_policy(toml, "relgate.toml", builtin_policy());
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}
} // namespace

TEST_CASE("the built-in policy is the rule book's default", "[policy]") {
  const Policy& p = builtin_policy();
  CHECK(p.source == "built-in policy");
  CHECK(p.main_branch == "main");
  CHECK(p.release_branch.text() == "release/v{major}.{minor}");
  CHECK(p.final_tag.text() == "v{major}.{minor}.{patch}");
  CHECK(p.rc_tag.text() == "v{major}.{minor}.{patch}-rc{rc}");
  CHECK(p.other_tags_allowed);
  for (const auto& info : all_rules()) {
    INFO(info.code);
    CHECK(p.severity_of(info.id) == info.default_severity);
  }
  CHECK(p.severity_of(RuleId::T9) == Severity::off);
  CHECK(p.ci.provider == "notes");
  CHECK(p.ci.notes_ref == "refs/notes/ci");
  CHECK(p.ci.requirements.required.empty());
  CHECK(p.ci.required_for == std::set<TagKind>{TagKind::patch});
  CHECK(p.ci.timeout_ms == 3000);
  REQUIRE(p.version_like);
  for (std::string s : {"v1.2", "1.2.3", "v1.2.3-RC1", "v1.2.3-rc.1", "v01.2.3", "v1.2.3-rc0", "v1.2.3-beta.1"}) {
    INFO(s);
    CHECK(RE2::PartialMatch(s, *p.version_like));
  }
}

TEST_CASE("every pattern of the built-in policy compiles", "[policy]") {
  // The built-in policy's patterns compile on first use (policy/regex.hpp),
  // so this test is what guarantees that they are valid.
  const Policy& p = builtin_policy();
  std::vector<std::pair<std::string, std::shared_ptr<const Regex>>> all = {
      {"branches.release_like", p.release_branch_like}, {"tags.version_like", p.version_like},
      {"freeze.keywords", p.freeze.keywords_re},         {"backport.cherry_pick", p.backport.cherry_pick},
      {"backport.pr_ref", p.backport.pr_ref},            {"backport.main_pr", p.backport.main_pr},
      {"backport.subject_prefix", p.backport.subject_prefix}, {"backport.target_like", p.backport.target_like}};
  for (const auto& re : p.freeze.allow) all.emplace_back("freeze.allow[]", re);
  CHECK_FALSE(p.freeze.allow.empty());
  for (const auto& [key, re] : all) {
    INFO(key);
    if (!re) continue; // empty by default (freeze.allow_keywords)
    CHECK((*re)->ok());
  }
  for (const char* key : {"backport.cherry_pick", "backport.pr_ref", "backport.main_pr"}) {
    for (const auto& [k, re] : all) {
      if (k != key) continue;
      INFO(key);
      REQUIRE(re);
      CHECK((*re)->NumberOfCapturingGroups() == 1);
    }
  }
}

TEST_CASE("a bad pattern in a policy file is reported where it is", "[policy]") {
  CHECK(error_of("[freeze]\nallow = [\"fix(\"]\n") ==
        "relgate.toml:2:10: freeze.allow[]: invalid regular expression: missing ): fix(");
  CHECK(error_of("[backport]\npr_ref = \"#[0-9]+\"\n").find("must have exactly one capturing group") !=
        std::string::npos);
}

TEST_CASE("backport.pr_branches: the default shapes, and errors at their place", "[policy][pr_branches]") {
  std::vector<std::string> shapes;
  for (const auto& t : builtin_policy().backport.pr_branches) shapes.push_back(t.text());
  CHECK(shapes == std::vector<std::string>{"backport-{pr}-to-{release}", "backport/{release}/{topic}",
                                           "mergify/bp/{release}/pr-{pr}", "backport/v{major}.{minor}/{topic}"});
  CHECK(pr_branch_line(builtin_policy(), "mergify/bp/release/v0.5/pr-3") == Line{0, 5});
  CHECK_FALSE(pr_branch_line(builtin_policy(), "backport/v0.5"));
  CHECK(classify_key("backport.pr_branches").kind == KeyKind::repository);
  CHECK(error_of("[backport]\npr_branches = \"backport/{release}/{topic}\"\n") ==
        "relgate.toml:2:15: backport.pr_branches must be an array of branch name templates, such as "
        "[\"backport/{release}/{topic}\"]");
  CHECK(error_of("[backport]\npr_branches = [\"bp/{release}/{topic}\", \"bp/{topic}\"]\n") ==
        "relgate.toml:2:40: backport.pr_branches[]: \"bp/{topic}\" must name the line once: {release}, or {major} "
        "and {minor}");
  CHECK(error_of("[backport]\npr_branches = [\"bp/{release}/{ticket}\"]\n") ==
        "relgate.toml:2:16: backport.pr_branches[]: unknown placeholder {ticket} in \"bp/{release}/{ticket}\" (it takes "
        "{release}, {major}, {minor}, {pr}, {topic})");
  CHECK(error_of("[backport]\npr_branches = [\"refs/heads/bp/{release}\"]\n") ==
        "relgate.toml:2:16: backport.pr_branches[]: \"refs/heads/bp/{release}\" is not a branch name (without "
        "refs/heads/), such as \"backport/{release}/{topic}\"");
  CHECK(error_of("[backport]\npr_branches = [\"bp {release}\"]\n").find("is not a branch name") != std::string::npos);
  CHECK(error_of("[backport]\npr_branches = [\"{release}\"]\n") ==
        "relgate.toml:2:15: backport.pr_branches: \"{release}\" spells release branches (release/v0.5); a pull "
        "request's branch needs a name of its own");
  // the release branch set in the same file, the templates kept from the built-in policy
  CHECK(error_of("[branches]\nrelease = \"backport/v{major}.{minor}/x\"\n").find(
            "backport.pr_branches: \"backport/v{major}.{minor}/{topic}\" spells release branches") != std::string::npos);
  CHECK(parse_policy("[backport]\npr_branches = []\n", "relgate.toml", builtin_policy()).backport.pr_branches.empty());
}

TEST_CASE("characters the TOML parser mishandles are refused at their place", "[policy]") {
  // toml++ 3.3.0 reaches __builtin_unreachable() for these (fuzz_policy).
  CHECK(error_of("[a\xd1\xa6]\n") == "relgate.toml:1:3: the character U+0466 is not supported in a policy file (the "
                                     "TOML parser mishandles it); in a string, write it as \\u0466");
  CHECK(error_of("# caf\xc3\xa9\n").rfind("relgate.toml:1:6: the character U+00E9", 0) == 0);
  // The long fuzz run's finding: U+FBFF at the start of the file.
  CHECK(error_of("\xef\xaf\xbf#j#N)`;\nprref =0'(?:gh_i").rfind("relgate.toml:1:1: the character U+FBFF", 0) == 0);
  // The edges of the three ranges (UTF-8 of U+2C5D/U+2C5E, U+3057/U+3058,
  // U+FB25/U+FB26, U+FEFE/U+FEFF): just inside is refused, just outside is not.
  for (const char* bad : {"\xe2\xb1\x9e", "\xe3\x81\x97", "\xef\xac\xa6", "\xef\xbb\xbe", "\xd2\x99"}) {
    CHECK(error_of(std::string("# ") + bad + "\n").find("is not supported in a policy file") != std::string::npos);
  }
  for (const char* good : {"\xe2\xb1\x9d", "\xe3\x81\x98", "\xef\xac\xa5", "\xd2\x9a", "\xe3\x80\x80"}) {
    CHECK_NOTHROW(parse_policy(std::string("# ") + good + "\n", "relgate.toml", builtin_policy()));
  }
  // As an escape in a string it is fine, and other non-ASCII text too.
  auto p = parse_policy("[access]\nmaintainers = [\"\\u0466x\", \"\xe6\x9d\x8e\"] # \xf0\x9f\x99\x82\n", "relgate.toml",
                        builtin_policy());
  REQUIRE(p.access.maintainers.size() == 2);
  CHECK(p.access.maintainers[0] == "\xd1\xa6x");
  CHECK(p.access.maintainers[1] == "\xe6\x9d\x8e");
}

TEST_CASE("toml++'s own consistency checks fail as errors, not undefined behaviour", "[policy]") {
  // `[\x04...`: toml++ 3.3.0 asserts (assumes, with NDEBUG) that a table
  // header starts with a key character (fuzz_policy).
  CHECK(error_of("[\x04" "branches]\n") ==
        "relgate.toml: not valid TOML (the parser's check is_bare_key_character(*cp) || is_string_delimiter(*cp) failed)");
}

TEST_CASE("a policy file overrides only the keys it sets", "[policy]") {
  auto p = parse_policy(R"(
[branches]
main = "trunk"
[rules]
tag-annotated = "error"
no-rewrite = "warn"
[ci]
required = ["build", "e2e"]
required_for = ["rc", "patch"]
)",
                        "relgate.toml", builtin_policy());
  CHECK(p.source == "relgate.toml");
  CHECK(p.main_branch == "trunk");
  CHECK(p.main_ref() == "refs/heads/trunk");
  CHECK(p.severity_of(RuleId::T9) == Severity::error);
  CHECK(p.severity_of(RuleId::B3) == Severity::warn);
  CHECK(p.severity_of(RuleId::T4) == Severity::error);
  CHECK(p.ci.requirements.required == std::vector<std::string>{"build", "e2e"});
  CHECK(p.ci.required_for == std::set<TagKind>{TagKind::rc, TagKind::patch});
  CHECK(p.rc_tag.text() == "v{major}.{minor}.{patch}-rc{rc}");
}

TEST_CASE("policy errors name file, line and column", "[policy]") {
  CHECK(error_of("[rules]\ntag-nmae = \"error\"\n") ==
        "relgate.toml:2:1: unknown key \"tag-nmae\" in [rules], did you mean \"tag-name\"?");
  CHECK(error_of("[ci]\n  alow = 1\n") == "relgate.toml:2:3: unknown key \"alow\" in [ci]");
  CHECK(error_of("[brnches]\nmain = \"x\"\n") ==
        "relgate.toml:1:2: unknown table \"brnches\", did you mean \"branches\"?");
  CHECK(error_of("[tags]\nversion_like = '('\n") ==
        "relgate.toml:2:16: tags.version_like: invalid regular expression: missing ): (");
  CHECK(error_of("[rules]\nrc-sequence = \"eror\"\n") ==
        "relgate.toml:2:15: rules.rc-sequence: unknown value \"eror\", did you mean \"error\"?");
  CHECK(error_of("[rules]\nrc-sequence = true\n") == "relgate.toml:2:15: rules.rc-sequence must be a string");
  CHECK(error_of("[tags]\nrc = \"v{major}.{minor}.{patch}\"\n") ==
        "relgate.toml:2:6: tags.rc: name template \"v{major}.{minor}.{patch}\" lacks the placeholder {rc}");
  CHECK(error_of("[ci]\ntimeout_ms = 0\n") ==
        "relgate.toml:2:14: ci.timeout_ms must be a whole number of milliseconds from 1 to 600000");
  CHECK(error_of("[ci]\nrequired_for = [\"nightly\"]\n") ==
        "relgate.toml:2:16: ci.required_for: unknown tag kind \"nightly\" (use \"rc\", \"final\", \"patch\")");
  CHECK(error_of("[ci]\nprovider = \"jenkins\"\n") ==
        "relgate.toml:2:12: ci.provider: unknown value \"jenkins\" (use one of \"notes\", \"github\", \"gitlab\", \"command\")");
  CHECK(error_of("rules = 3\n") == "relgate.toml:1:9: \"rules\" must be a table: [rules]");
  CHECK(error_of("[branches]\nmain = \"refs/heads/main\"\n") ==
        "relgate.toml:2:8: branches.main must be a branch name such as \"main\" (without refs/heads/)");
}

TEST_CASE("every CI provider in the table is accepted by name and says what it needs", "[policy][ci]") {
  REQUIRE(ci::provider_kinds().size() >= 4);
  CHECK(ci::provider_kinds().front().name == "notes");
  for (const auto& kind : ci::provider_kinds()) {
    const std::string name(kind.name);
    INFO(name);
    const auto err = error_of("[ci]\nprovider = \"" + name + "\"\n");
    if (kind.needs.empty()) {
      CHECK(err == "(no error)");
    } else {
      CHECK(err == "relgate.toml:2:12: ci.provider = \"" + name + "\" needs " + std::string(kind.needs));
    }
    CHECK(ci::find_provider_kind(kind.name) == &kind);
  }
  CHECK(ci::find_provider_kind("jenkins") == nullptr);
  // Configured, each provider is made by its row.
  CHECK(error_of("[ci]\nprovider = \"github\"\n[ci.github]\nrepository = \"o/n\"\n") == "(no error)");
  CHECK(error_of("[ci.command]\nargv = [\"/bin/true\"]\n[ci]\nprovider = \"command\"\n") == "(no error)");
}

TEST_CASE("limits.tree_entries and push_tree_entries: read, defaults, bounds", "[policy][keys]") {
  auto p = parse_policy("[limits]\ntree_entries = 2000\npush_tree_entries = 50000\n", "relgate.toml", builtin_policy());
  CHECK(p.host.tree_entries == 2000);
  CHECK(p.host.push_tree_entries == 50000);
  CHECK(builtin_policy().host.tree_entries == repo::k_max_tree_entries);
  CHECK(builtin_policy().host.push_tree_entries == repo::k_max_push_tree_entries);
  CHECK(error_of("[limits]\ntree_entries = 10\n") ==
        "relgate.toml:2:16: limits.tree_entries must be a whole number of entries from 1000 to 1000000000");
  CHECK(error_of("[limits]\npush_tree_entries = \"many\"\n") ==
        "relgate.toml:2:21: limits.push_tree_entries must be a whole number of entries from 1000 to 1000000000");
}

TEST_CASE("freeze.docs_paths is bounded: globs of at most 256 bytes, at most 256 of them", "[policy][glob]") {
  const std::string longest(256, 'a');
  CHECK(error_of("[freeze]\ndocs_paths = [\"" + longest + "\"]\n") == "(no error)");
  CHECK(error_of("[freeze]\ndocs_paths = [\"" + longest + "b\"]\n") ==
        "relgate.toml:2:14: freeze.docs_paths: a glob of 257 bytes; at most 256 are allowed");
  std::string many;
  for (int i = 0; i < 257; ++i) many += (i ? ", " : "") + std::string("\"d") + std::to_string(i) + "/**\"";
  CHECK(error_of("[freeze]\ndocs_paths = [" + many + "]\n") ==
        "relgate.toml:2:14: freeze.docs_paths has 257 globs; at most 256 are allowed");
}

TEST_CASE("broken TOML is a located error", "[policy]") {
  auto e = error_of("[rules\ntag-name = \"error\"\n");
  CHECK(e.rfind("relgate.toml:1:", 0) == 0);
  auto e2 = error_of("[rules]\ntag-name = \"error\nx");
  CHECK(e2.rfind("relgate.toml:2:", 0) == 0);
}

TEST_CASE("rc and final templates that spell the same names are refused", "[policy]") {
  auto e = error_of("[tags]\nfinal = \"v{major}.{minor}.{patch}\"\nrc = \"v{major}.{minor}.{patch}{rc}\"\n");
  CHECK(e.find("tags.final and tags.rc spell the same names") != std::string::npos); // v1.2.34: patch 34 or patch 3, rc 4?
  auto e2 = error_of("[tags]\nfinal = \"{major}.{minor}.{patch}\"\nrc = \"{major}.{minor}{rc}.{patch}\"\n");
  CHECK(e2.find("spell the same names") != std::string::npos);
}

TEST_CASE("a missing policy file is an error", "[policy]") {
  CHECK_THROWS_WITH(load_policy_file("/nonexistent/relgate.toml"),
                    "/nonexistent/relgate.toml: cannot read the policy file");
}

// --- host configuration vs repository policy (config_keys.hpp, layer_policy) ---


TEST_CASE("every key is classified, and the host keys are exactly these", "[policy][keys]") {
  // A new key is a decision: add it here with its class.
  const std::set<std::string> host = {
      "policy.versioned", "policy.pin",      "limits.patch_id_window", "ci.provider",   "ci.notes_ref",
      "ci.timeout_ms",    "ci.github",       "ci.gitlab",              "ci.command",    "freeze.ref",
      "access.identity_env", "access.ci_writers", "audit.log", "client.fail_open_on_error",
      "limits.tree_entries", "limits.push_tree_entries"};
  std::set<std::string> seen_host;
  auto keys = policy_keys();
  CHECK(keys.size() > 40);
  for (const auto& k : keys) {
    INFO(k);
    KeyClass c;
    REQUIRE_NOTHROW(c = classify_key(k));
    if (c.kind == KeyKind::host) {
      seen_host.insert(k);
      CHECK_FALSE(c.why.empty());
    }
  }
  CHECK(seen_host == host);
  CHECK(classify_key("ci.github.api_url").kind == KeyKind::host);
  CHECK(classify_key("rules.tag-name").kind == KeyKind::repository);
  CHECK(classify_key("access.maintainers").kind == KeyKind::repository);
  CHECK_THROWS_AS(classify_key("nonsense.key"), Error);
}

namespace {
PolicySources sources(std::vector<std::pair<std::string, std::string>> host, std::optional<std::string> versioned) {
  PolicySources s;
  for (auto& [name, text] : host) s.host.push_back({name, text});
  if (versioned) s.versioned = PolicySources::File{"refs/meta/relgate:relgate.toml", *versioned};
  s.host_places = {"/etc/relgate/relgate.toml", "repo.git/relgate.toml"};
  return s;
}
} // namespace

TEST_CASE("layering: no sources is the built-in policy", "[policy][layers]") {
  auto l = layer_policy(sources({}, std::nullopt));
  CHECK(l.warnings.empty());
  CHECK(l.policy.source == "built-in policy");
  CHECK(l.policy.severity_of(RuleId::T1) == Severity::error);
  CHECK(l.policy.host.versioned);
}

TEST_CASE("layering: host files win per key, in order", "[policy][layers]") {
  auto l = layer_policy(sources({{"/etc/relgate/relgate.toml", "[ci]\ntimeout_ms = 1000\nrequired = [\"build\"]\n"},
                                 {"repo.git/relgate.toml", "[ci]\ntimeout_ms = 2000\n"}},
                                std::nullopt));
  CHECK(l.policy.ci.timeout_ms == 2000);
  CHECK(l.policy.ci.requirements.required == std::vector<std::string>{"build"});
  CHECK(l.policy.source == "repo.git/relgate.toml over /etc/relgate/relgate.toml over the built-in policy");
}

TEST_CASE("layering: the versioned policy wins per repository key", "[policy][layers]") {
  auto l = layer_policy(sources({{"repo.git/relgate.toml", "[access]\nmaintainers = [\"alice\"]\n[rules]\ntag-name = \"warn\"\n"}},
                                "[rules]\ntag-name = \"off\"\nci-green = \"warn\"\n"));
  CHECK(l.warnings.empty());
  CHECK(l.policy.severity_of(RuleId::T1) == Severity::off);
  CHECK(l.policy.severity_of(RuleId::T8) == Severity::warn);
  CHECK(l.policy.access.maintainers == std::vector<std::string>{"alice"}); // left to the host file
  CHECK(l.policy.source == "refs/meta/relgate:relgate.toml over repo.git/relgate.toml over the built-in policy");
}

TEST_CASE("layering: a versioned policy's host keys and weakened guards are ignored, with a warning", "[policy][layers]") {
  auto l = layer_policy(sources({}, "[ci]\nprovider = \"command\"\n[ci.command]\nargv = [\"/bin/touch\", \"x\"]\n"
                                    "[audit]\nlog = \"config\"\n[access]\nidentity_env = [\"GIT_PUSH_OPTION_0\"]\n"
                                    "[rules]\npolicy-valid = \"off\"\nmaintainers-only = \"warn\"\ntag-name = \"warn\"\n"
                                    "[backport]\npatch_id_window = 900000\n"));
  CHECK(l.policy.ci.provider == "notes");
  CHECK(l.policy.ci.command.argv.empty());
  CHECK(l.policy.audit.log == "relgate-audit.log");
  CHECK(l.policy.access.identity_env == builtin_policy().access.identity_env);
  CHECK(l.policy.severity_of(RuleId::P1) == Severity::error);
  CHECK(l.policy.severity_of(RuleId::A1) == Severity::error);
  CHECK(l.policy.severity_of(RuleId::T1) == Severity::warn); // a repository key still counts
  CHECK(l.policy.backport.patch_id_window == 100000);         // the host's bound
  REQUIRE(l.warnings.size() == 1);
  CHECK(l.warnings[0] ==
        "refs/meta/relgate:relgate.toml sets what only this host's configuration decides, ignored: "
        "access.identity_env, audit.log, backport.patch_id_window above 100000, ci.command, ci.provider, "
        "rules.maintainers-only below \"error\", rules.policy-valid below \"error\"");
}

TEST_CASE("layering: pinned keys keep the host's value (else the built-in one)", "[policy][layers]") {
  auto l = layer_policy(sources({{"repo.git/relgate.toml", "[policy]\npin = [\"rules.tag-name\", \"access\", \"freeze.allow\"]\n"
                                                           "[rules]\ntag-name = \"warn\"\n"}},
                                "[rules]\ntag-name = \"off\"\nrc-sequence = \"warn\"\n[access]\nmaintainers = [\"mallory\"]\n"
                                "[freeze]\nallow = ['^feat']\n"));
  CHECK(l.policy.severity_of(RuleId::T1) == Severity::warn);  // pinned, host's value
  CHECK(l.policy.severity_of(RuleId::T4) == Severity::warn);  // not pinned: versioned
  CHECK(l.policy.access.maintainers.empty());                 // pinned, built-in value
  CHECK(l.policy.freeze.allow.size() == builtin_policy().freeze.allow.size());
  CHECK(l.policy.host.pins.size() == 3);
}

TEST_CASE("layering: policy.versioned = false leaves the versioned policy out", "[policy][layers]") {
  auto l = layer_policy(sources({{"repo.git/relgate.toml", "[policy]\nversioned = false\n"}}, "[rules]\ntag-nmae = 1\n"));
  CHECK(l.policy.severity_of(RuleId::T1) == Severity::error);
  CHECK(l.policy.source == "repo.git/relgate.toml over the built-in policy");
}

TEST_CASE("layering: errors are located, and a bad versioned policy says how to recover", "[policy][layers]") {
  auto error_of_layers = [](PolicySources s) -> std::string {
    try {
      layer_policy(s);
    } catch (const Error& e) {
      return e.what();
    }
    return "(no error)";
  };
  CHECK(error_of_layers(sources({{"repo.git/relgate.toml", "[policy]\npin = [\"rules.tag-nme\"]\n"}}, std::nullopt)) ==
        "repo.git/relgate.toml:2:7: policy.pin: unknown key \"rules.tag-nme\", did you mean \"rules.tag-name\"?");
  CHECK(error_of_layers(sources({{"repo.git/relgate.toml", "[policy]\npin = [\"ci.command\"]\n"}}, std::nullopt)) ==
        "repo.git/relgate.toml:2:7: policy.pin: ci.command is host configuration, which a pushed policy never sets: it "
        "needs no pin");
  CHECK(error_of_layers(sources({}, "[rules]\ntag-nmae = \"warn\"\n")) ==
        "refs/meta/relgate:relgate.toml:2:1: unknown key \"tag-nmae\" in [rules], did you mean \"tag-name\"? (the "
        "administrator can set [policy] versioned = false in /etc/relgate/relgate.toml or repo.git/relgate.toml until it "
        "is fixed)");
}
