#pragma once
// CI results of a commit (RULEBOOK "CI"). A Provider answers for one commit;
// combine() turns the checks it reports into one CiStatus, the same way for
// every provider.

#include "repo/repository.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace relgate::ci {

enum class CheckState { success, failure, pending, skipped, cancelled };
std::optional<CheckState> parse_check_state(std::string_view word);
const char* to_string(CheckState state);

struct Check {
  std::string name;
  CheckState state = CheckState::pending;
  std::string url;
};

// What the policy asks of CI.
struct Requirements {
  std::vector<std::string> required; // empty: every reported check, and at least one
  bool skipped_is_green = false;
};

enum class Status { green, red, pending, unknown };
const char* to_string(Status status);

// What kind of answer a result is. Callers decide on this, never on the
// wording of the reason, which is for people.
enum class ResultKind {
  reported,  // the provider reported checks (or a command its exit): `status` judges them
  no_result, // nothing is reported for this commit (no checks, no note, no pipeline)
  fault,     // the provider could not answer (configuration, transport, API, command)
};

struct CiResult {
  Status status = Status::unknown;
  ResultKind kind = ResultKind::reported;
  std::string provider;          // "notes", ...
  std::vector<Check> checks;     // as reported, latest per name
  std::vector<std::string> missing; // required checks that reported nothing
  std::string reason;            // one line: why it is not green (empty when green)
};

// Combines reported checks under the requirements. Worst state wins:
// failure/cancelled -> red; pending or a required check missing -> pending;
// no checks at all -> unknown, ResultKind::no_result.
CiResult combine(std::string provider, std::vector<Check> checks, const Requirements& req);

// A provider fault: Status::unknown, ResultKind::fault, with the reason
// "not green: <why>".
CiResult not_green(std::string provider, const std::string& why);

// Where CI results come from and how they are judged: the `[ci]` table of the
// policy (config/relgate.toml documents every key).
struct GithubSettings {
  std::string api_url = "https://api.github.com"; // no trailing slash
  std::string repository;                         // "owner/name"
  std::string token_env = "GITHUB_TOKEN";         // names the variable; the token is never printed
};

struct GitlabSettings {
  std::string api_url = "https://gitlab.com/api/v4"; // no trailing slash
  std::string project;                               // numeric id or "group/name" path
  std::string token_env = "GITLAB_TOKEN";            // sent as PRIVATE-TOKEN
};

struct CommandSettings {
  std::vector<std::string> argv; // the commit id is appended; run without a shell
};

struct Settings {
  std::string provider = "notes"; // notes, github, gitlab, command
  std::string notes_ref = "refs/notes/ci";
  Requirements requirements;
  int timeout_ms = 3000; // for a provider's whole answer
  GithubSettings github;
  GitlabSettings gitlab;
  CommandSettings command;
};

// Looks up the value a ref will have after the push (nullopt: absent).
using RefLookup = std::function<std::optional<repo::ObjectId>(const std::string& ref)>;

class Provider {
public:
  virtual ~Provider() = default;
  // Never throws for a provider fault: a fault is a CiResult with Status::unknown.
  virtual CiResult status(const repo::ObjectId& commit, const RefLookup& refs_after) const = 0;
};

} // namespace relgate::ci
