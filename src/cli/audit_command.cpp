#include "cli/audit_command.hpp"

#include "ci/providers.hpp"
#include "cli/clone_view.hpp"
#include "cli/judge.hpp"
#include "git/libgit2_repository.hpp"
#include "policy/follow_ups.hpp"
#include "policy/known_refs.hpp"
#include "policy/overview.hpp"
#include "policy/replay.hpp"
#include "util/error.hpp"
#include "util/text.hpp"
#include "util/trace.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>

namespace relgate::cli {

namespace {

std::string json_line(const policy::Finding& f, const policy::CommitRef* commit) {
  const auto& v = f.violation;
  const auto& info = policy::rule_info(v.rule);
  nlohmann::json j;
  j["kind"] = "finding";
  j["rule"] = std::string(info.code);
  j["rule_name"] = std::string(info.name);
  j["severity"] = policy::to_string(v.severity);
  j["ref"] = v.ref;
  j["commit"] = commit ? nlohmann::json(commit->id) : nlohmann::json();
  j["subject"] = commit ? nlohmann::json(commit->subject) : nlohmann::json();
  j["message"] = v.why;
  j["date"] = policy::utc_date(f.time);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string json_line(const policy::FollowUp& f, const std::optional<repo::ObjectId>& main_tip, std::int64_t time) {
  nlohmann::json j;
  j["kind"] = "follow-up";
  j["rule"] = "follow-up";
  j["rule_name"] = policy::to_string(f.kind);
  j["severity"] = "note";
  j["ref"] = f.ref;
  j["commit"] = main_tip ? nlohmann::json(*main_tip) : nlohmann::json();
  j["subject"] = nlohmann::json();
  j["message"] = f.message;
  j["hint"] = f.hint;
  j["date"] = policy::utc_date(time);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// A follow-up and when its release was tagged.
struct Dated {
  std::int64_t when = 0;
  policy::FollowUp follow_up;
};

// JSON Lines: one object per finding and commit, then one per follow-up.
void print_json(const policy::Replay& replay, const std::vector<Dated>& follow_ups,
                const std::optional<repo::ObjectId>& main_tip) {
  for (const auto& f : replay.findings) {
    if (f.violation.commits.empty()) std::cout << json_line(f, nullptr) << '\n';
    for (const auto& c : f.violation.commits) std::cout << json_line(f, &c) << '\n';
  }
  for (const auto& [when, f] : follow_ups) std::cout << json_line(f, main_tip, when) << '\n';
}

void print_text(const policy::Replay& replay, const std::vector<Dated>& follow_ups,
                const std::optional<std::int64_t>& since, bool ci) {
  const auto& findings = replay.findings;
  std::size_t errors = 0, warnings = 0;
  for (const auto& f : findings) (f.violation.severity == policy::Severity::error ? errors : warnings)++;
  for (const auto& f : findings) {
    const auto& v = f.violation;
    const auto& info = policy::rule_info(v.rule);
    std::cout << policy::utc_date(f.time) << "  " << policy::to_string(v.severity) << "  " << info.code << ' '
              << info.name << ": " << v.ref << ": " << v.why << '\n';
    for (const auto& c : v.commits) std::cout << "    commit " << repo::short_id(c.id) << ' ' << c.subject << '\n';
  }
  for (const auto& [when, f] : follow_ups) {
    std::cout << policy::utc_date(when) << "  follow-up  " << policy::to_string(f.kind) << ": " << f.ref << ": "
              << f.message << "\n    hint: " << f.hint << '\n';
  }
  if (!follow_ups.empty()) {
    std::cout << "relgate audit: " << follow_ups.size() << (follow_ups.size() == 1 ? " follow-up" : " follow-ups")
              << " open (reported, not findings)\n";
  }
  std::cout << "relgate audit: " << findings.size() << (findings.size() == 1 ? " finding" : " findings") << " ("
            << errors << (errors == 1 ? " error, " : " errors, ") << warnings
            << (warnings == 1 ? " warning" : " warnings") << ") in " << replay.judged
            << (replay.judged == 1 ? " replayed push (" : " replayed pushes (") << replay.freeze_windows
            << (replay.freeze_windows == 1 ? " freeze window)" : " freeze windows)")
            << (since ? " since " + policy::utc_date(*since) : "") << '\n';
  std::cout << "relgate audit: not replayed: who pushed (A1, A2, F2), declared freezes"
            << (ci ? "" : ", CI results (T8; --ci asks the provider as it is now)") << '\n';
}

// What went past the gate: the overrides the server's audit log recorded
// (verdict "overridden"), from `since` on. Lines that are not the log's
// JSON are left out and counted.
struct Override {
  std::string time, pusher, ref, rules, reason;
};

std::vector<Override> logged_overrides(const std::string& path, const std::optional<std::int64_t>& since, int* unreadable) {
  std::vector<Override> out;
  std::ifstream in(path);
  std::string line;
  const std::string from = since ? policy::utc_date(*since) : "";
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      ++*unreadable;
      continue;
    }
    if (j.value("verdict", "") != "overridden") continue;
    Override o;
    o.time = j.value("time", "");
    if (!from.empty() && o.time.substr(0, 10) < from) continue;
    o.pusher = j["pusher"].is_string() ? j["pusher"].get<std::string>() : "nobody";
    o.ref = j.value("ref", "");
    if (j["rules"].is_array()) {
      o.rules =
          join(j["rules"], ", ", [](const nlohmann::json& r) { return r.is_string() ? r.get<std::string>() : "?"; });
    }
    o.reason = j["override"].is_string() ? j["override"].get<std::string>() : "";
    out.push_back(std::move(o));
  }
  return out;
}

void print_overrides(const std::vector<Override>& overrides, int unreadable, bool json) {
  for (const auto& o : overrides) {
    if (json) {
      nlohmann::json j{{"kind", "override"}, {"date", o.time}, {"pusher", o.pusher}, {"ref", o.ref},
                       {"rules", o.rules},   {"message", o.reason}};
      std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    } else {
      std::cout << o.time << "  override  " << o.pusher << ": " << o.ref << " past " << o.rules << ": "
                << printable(o.reason) << '\n';
    }
  }
  if (json) return;
  std::cout << "relgate audit: " << overrides.size() << (overrides.size() == 1 ? " override" : " overrides")
            << " went past the gate (the server's audit log)"
            << (unreadable ? "; " + std::to_string(unreadable) + " lines of it are not the log's JSON" : "") << '\n';
}

} // namespace

int run_audit(const GlobalOptions& global, const AuditOptions& opts) {
  if (opts.format != "text" && opts.format != "json") {
    throw Error("unknown format \"" + opts.format + "\" (use text or json)");
  }
  std::optional<std::int64_t> since;
  if (!opts.since.empty()) {
    since = policy::parse_date(opts.since);
    if (!since) throw Error("--since takes a date such as 2025-06-01 (or 2025-06-01T12:00:00+02:00), not \"" + opts.since + "\"");
  }
  auto repo = git::Libgit2Repository::open(global.repo_dir);
  const policy::Policy pol = load_policy(global, *repo);
  const std::string remote = view_remote(*repo, opts.remote);
  auto refs = clone_refs(*repo, pol, remote, true);
  auto times = policy::tag_times(*repo, refs);
  auto provider = ci::make_provider(*repo, pol.ci);
  auto replay = policy::replay(*repo, pol, *provider, refs, times, {since, remote.empty() ? "origin" : remote, opts.ci});

  // Follow-ups (never findings: they do not change the exit code), for the
  // releases tagged since --since.
  std::optional<repo::ObjectId> main_tip;
  if (auto it = refs.find(pol.main_ref()); it != refs.end()) main_tip = repo->peel_to_commit(it->second);
  std::vector<Dated> follow_ups;
  {
    trace::Phase follow_up_phase("audit: follow-ups");
    policy::ReleaseState state(refs, pol);
    for (auto& f : policy::follow_ups(*repo, state, pol, main_tip, policy::FollowUpScope::all)) {
      auto t = times.find(f.ref);
      std::int64_t when = t == times.end() ? 0 : t->second;
      if (since && when < *since) continue;
      follow_ups.push_back({when, std::move(f)});
    }
  }

  if (opts.format == "json") print_json(replay, follow_ups, main_tip);
  else print_text(replay, follow_ups, since, opts.ci);
  // On the server, the audit log says what went past the gate this cycle.
  if (const std::string log = audit_path(*repo, pol); !log.empty() && std::ifstream(log).good()) {
    int unreadable = 0;
    print_overrides(logged_overrides(log, since, &unreadable), unreadable, opts.format == "json");
  }
  return replay.findings.empty() ? 0 : 1;
}

} // namespace relgate::cli
