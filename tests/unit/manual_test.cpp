// The manual pages say what the code does: relgate.toml(5) lists every key of
// the schema with the kind config_keys.cpp gives it, relgate-rules(7) every
// rule of k_rules with its id, name and default. (relgate(1) against the
// commands: tests/blackbox/manual.sh.)

#include "policy/config_keys.hpp"
#include "policy/policy.hpp"
#include "policy/policy_loader.hpp"

#include <catch2/catch.hpp>

#include <re2/re2.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

using namespace relgate::policy;

namespace {

std::string read(const char* path) {
  std::ifstream in(path);
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// scdoc's escapes taken out of a name: "freeze.allow\_keywords".
std::string unescape(std::string s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) ++i;
    out += s[i];
  }
  return out;
}

// Each "*KEY* (KIND), ..." line of the page: key -> kind.
std::map<std::string, std::string> page_keys(const std::string& page) {
  std::map<std::string, std::string> keys;
  re2::StringPiece input(page);
  std::string key, kind;
  static const re2::RE2 entry(R"((?m)^\*([a-z0-9\\_.-]+)\* \((repository policy|host configuration)\))");
  while (re2::RE2::FindAndConsume(&input, entry, &key, &kind)) keys[unescape(key)] = kind;
  return keys;
}

const char* kind_name(KeyKind kind) { return kind == KeyKind::host ? "host configuration" : "repository policy"; }

} // namespace

TEST_CASE("relgate.toml(5) lists every key with the kind config_keys.cpp gives it", "[manual]") {
  const auto listed = page_keys(read(RELGATE_MAN_TOML_SCD));
  const auto schema = policy_keys();
  REQUIRE(listed.size() > 40);
  // Every key of the schema is on the page ("ci.github" by its keys).
  for (const auto& key : schema) {
    INFO(key);
    bool found = false;
    for (const auto& [name, kind] : listed) {
      if (key_within(name, key)) {
        found = true;
        CHECK(kind == kind_name(classify_key(name).kind));
      }
    }
    CHECK(found);
  }
  // And the page lists no key the schema does not read.
  for (const auto& [name, kind] : listed) {
    INFO(name);
    bool known = false;
    for (const auto& key : schema) known = known || key_within(name, key);
    CHECK(known);
  }
}

TEST_CASE("relgate-rules(7) lists every rule with its id, name and default", "[manual]") {
  const std::string page = read(RELGATE_MAN_RULES_SCD);
  static const re2::RE2 entry(R"((?m)^\*([A-Z][0-9]+)\* ([a-z-]+) \(default: (error|warn|off)\)$)");
  std::map<std::string, std::pair<std::string, std::string>> listed;
  re2::StringPiece input(page);
  std::string id, name, severity;
  while (re2::RE2::FindAndConsume(&input, entry, &id, &name, &severity)) listed[id] = {name, severity};
  CHECK(listed.size() == all_rules().size());
  for (const auto& rule : all_rules()) {
    const std::string code(rule.code);
    INFO(code);
    REQUIRE(listed.count(code) == 1);
    CHECK(listed[code].first == rule.name);
    CHECK(listed[code].second == to_string(rule.default_severity));
  }
}
