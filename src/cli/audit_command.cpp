#include "cli/audit_command.hpp"

#include "ci/providers.hpp"
#include "git/libgit2_repository.hpp"
#include "policy/engine.hpp"
#include "policy/follow_ups.hpp"
#include "policy/known_refs.hpp"
#include "policy/overview.hpp"
#include "util/error.hpp"
#include "util/text.hpp"
#include "util/trace.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <tuple>
#include <iostream>
#include <unordered_set>

namespace relgate::cli {

namespace {

// The order of events at the same second: main's commits, then release
// branch commits, then tags (a patch tag after the commit it names), then
// branch creations (a release branch after its final tag), then commits
// that were made before their branch could exist.
enum Order { k_main = 0, k_branch_commit = 1, k_tag = 2, k_branch_create = 3, k_late_commit = 4 };

struct Event {
  std::int64_t time = 0;
  int order = 0;
  // Tags made at the same second (lightweight tags of one commit) in release
  // order: rc1, rc2, ..., then the final tag.
  std::tuple<std::uint64_t, std::uint64_t, std::uint64_t, int, std::uint64_t> rank{};
  std::size_t seq = 0;
  std::string ref;
  repo::ObjectId old_id; // zeros: created
  repo::ObjectId new_id;
};

struct Finding {
  std::int64_t time = 0;
  policy::Violation violation;
};

const std::string k_zero(40, '0');

// The first-parent line from `tip` back while the commits are in `within`,
// parents first.
std::vector<repo::ObjectId> first_parent_line(const repo::Repository& repo, const repo::ObjectId& tip,
                                              const std::unordered_set<repo::ObjectId>& within) {
  std::vector<repo::ObjectId> out;
  repo::ObjectId at = tip;
  while (within.count(at)) {
    out.push_back(at);
    auto c = repo.commit(at);
    if (c.parents.empty()) break;
    at = c.parents.front();
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::string json_line(const Finding& f, const policy::CommitRef* commit) {
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
  const policy::Policy policy = load_policy(global, *repo);
  // Who pushed is not in the history; CI results of the past are not either.
  policy::Policy pol = policy;
  for (auto id : {policy::RuleId::A1, policy::RuleId::A2, policy::RuleId::F2}) {
    pol.severity[static_cast<std::size_t>(id)] = policy::Severity::off;
  }
  if (!opts.ci) pol.severity[static_cast<std::size_t>(policy::RuleId::T8)] = policy::Severity::off;

  auto now_refs = policy::known_refs(*repo, pol, opts.remote, policy::LocalBranches::include);
  auto times = policy::tag_times(*repo, now_refs);
  std::optional<repo::ObjectId> main_tip;
  if (auto it = now_refs.find(pol.main_ref()); it != now_refs.end()) main_tip = repo->peel_to_commit(it->second);
  policy::ReleaseState now_state(now_refs, pol);

  std::vector<Event> events;
  auto add = [&](std::int64_t time, int order, std::string ref, repo::ObjectId old_id, repo::ObjectId new_id) {
    Event e{time, order, {}, events.size(), std::move(ref), std::move(old_id), std::move(new_id)};
    if (order == k_tag) {
      if (auto v = policy::parse_release_tag(pol, e.ref.substr(std::string("refs/tags/").size()))) {
        e.rank = {v->major, v->minor, v->patch, v->rc ? 0 : 1, v->rc.value_or(0)};
      }
    }
    events.push_back(std::move(e));
  };

  { // Tags, by creation time.
    trace::Phase phase("audit: tags");
    for (const auto& [ref, target] : now_refs) {
      if (!starts_with(ref, "refs/tags/")) continue;
      auto t = times.find(ref);
      if (t == times.end()) continue; // names no commit
      add(t->second, k_tag, ref, k_zero, target);
    }
  }
  { // Branches: created at their fork point from main, then commit by commit.
    trace::Phase phase("audit: branches");
    for (const auto& [ref, target] : now_refs) {
      if (!starts_with(ref, "refs/heads/") || ref == pol.main_ref()) continue;
      auto tip = repo->peel_to_commit(target);
      if (!tip) continue;
      auto version = pol.release_branch.match(ref.substr(std::string("refs/heads/").size()));
      // The branch's own commits: after its final tag when it descends from
      // it (cheap: the walk stays near the branch), else everything main
      // lacks (a walk over main since the fork).
      std::vector<repo::ObjectId> hide;
      const auto* line_state = version ? now_state.line(version->line()) : nullptr;
      const auto* fin = line_state ? line_state->final_tag() : nullptr;
      auto fin_commit = fin ? repo->peel_to_commit(fin->target) : std::nullopt;
      if (fin_commit && repo->is_ancestor(*fin_commit, *tip)) hide.push_back(*fin_commit);
      else if (main_tip) hide.push_back(*main_tip);
      auto fresh = version ? repo->new_commits(*tip, hide) : std::vector<repo::ObjectId>{};
      std::unordered_set<repo::ObjectId> fresh_set(fresh.begin(), fresh.end());
      auto line = first_parent_line(*repo, *tip, fresh_set);
      repo::ObjectId base = *tip;
      if (!line.empty()) {
        auto first = repo->commit(line.front());
        if (first.parents.empty()) {
          base = line.front();
          line.erase(line.begin());
        } else {
          base = first.parents.front();
        }
      }
      std::int64_t created = repo->commit(base).time;
      if (fin) {
        if (auto t = times.find(fin->ref); t != times.end()) created = std::max(created, t->second);
      }
      add(created, k_branch_create, ref, k_zero, base);
      repo::ObjectId prev = base;
      for (const auto& id : line) {
        std::int64_t t = repo->commit(id).time;
        if (t > created) add(t, k_branch_commit, ref, prev, id);
        else add(created, k_late_commit, ref, prev, id);
        prev = id;
      }
    }
  }
  std::size_t windows = 0;
  if (main_tip) { // main in each freeze window: rc1..final, or rc1..main while the RC phase lasts
    trace::Phase phase("audit: freeze windows");
    for (const auto& [l, ls] : now_state.lines()) {
      auto rc1 = ls.rcs.find(1);
      if (rc1 == ls.rcs.end()) continue;
      auto start = repo->peel_to_commit(rc1->second.target);
      auto end = ls.final_tag() ? repo->peel_to_commit(ls.final_tag()->target) : main_tip;
      if (!start || !end) continue;
      auto fresh = repo->new_commits(*end, {*start});
      std::unordered_set<repo::ObjectId> fresh_set(fresh.begin(), fresh.end());
      ++windows;
      for (const auto& id : first_parent_line(*repo, *end, fresh_set)) {
        auto c = repo->commit(id);
        if (c.parents.empty()) continue;
        add(c.time, k_main, pol.main_ref(), c.parents.front(), id);
      }
    }
  }
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return std::tie(a.time, a.order, a.rank, a.seq) < std::tie(b.time, b.order, b.rank, b.seq);
  });

  // Replay. Consecutive commits to one ref form one push.
  trace::Phase phase("audit: replay");
  auto provider = ci::make_provider(*repo, pol.ci);
  // Main as it was at each event: its first-parent line, oldest first,
  // with times made monotonic (a commit counts from the newest time before
  // it). Ancestry questions about main then stay near the event.
  std::vector<std::pair<std::int64_t, repo::ObjectId>> main_line;
  if (main_tip) {
    trace::Phase main_phase("audit: main's first-parent line");
    repo::ObjectId at = *main_tip;
    for (;;) {
      auto c = repo->commit(at);
      main_line.emplace_back(c.time, at);
      if (c.parents.empty()) break;
      at = c.parents.front();
    }
    std::reverse(main_line.begin(), main_line.end());
    for (std::size_t k = 1; k < main_line.size(); ++k) {
      main_line[k].first = std::max(main_line[k].first, main_line[k - 1].first);
    }
  }
  auto main_at = [&](std::int64_t t) -> std::optional<repo::ObjectId> {
    auto it = std::upper_bound(main_line.begin(), main_line.end(), t,
                               [](std::int64_t x, const auto& e) { return x < e.first; });
    if (it == main_line.begin()) return std::nullopt;
    return std::prev(it)->second;
  };
  policy::RefMap cur;
  if (auto it = repo->refs(pol.ci.notes_ref); !it.empty() && it.front().name == pol.ci.notes_ref) {
    cur[pol.ci.notes_ref] = it.front().target;
  }
  std::vector<Finding> findings;
  std::size_t judged = 0;
  for (std::size_t i = 0; i < events.size();) {
    Event ev = events[i];
    std::size_t j = i + 1;
    if (ev.order != k_tag && ev.order != k_branch_create) {
      while (j < events.size() && events[j].ref == ev.ref && events[j].old_id == ev.new_id &&
             events[j].order != k_tag && events[j].order != k_branch_create) {
        ev.new_id = events[j].new_id;
        ev.time = events[j].time;
        ++j;
      }
    }
    if (!since || events[j - 1].time >= *since) {
      policy::Request req;
      req.before = cur;
      if (ev.ref == pol.main_ref()) req.before[ev.ref] = ev.old_id;
      else if (auto m = main_at(ev.time)) req.before[pol.main_ref()] = *m;
      req.updates = {{ev.ref, ev.old_id, ev.new_id}};
      req.remote = opts.remote;
      auto verdict = policy::judge(*repo, pol, *provider, req);
      ++judged;
      for (auto& v : verdict.violations) findings.push_back({ev.time, std::move(v)});
    }
    if (ev.ref != pol.main_ref()) cur[ev.ref] = ev.new_id;
    i = j;
  }

  // Follow-ups (never findings: they do not change the exit code), for the
  // releases tagged since --since.
  std::vector<std::pair<std::int64_t, policy::FollowUp>> follow_ups;
  {
    trace::Phase follow_up_phase("audit: follow-ups");
    for (auto& f : policy::follow_ups(*repo, now_state, pol, main_tip, policy::FollowUpScope::all)) {
      auto t = times.find(f.ref);
      std::int64_t when = t == times.end() ? 0 : t->second;
      if (since && when < *since) continue;
      follow_ups.emplace_back(when, std::move(f));
    }
  }

  std::size_t errors = 0, warnings = 0;
  for (const auto& f : findings) (f.violation.severity == policy::Severity::error ? errors : warnings)++;
  if (opts.format == "json") {
    for (const auto& f : findings) {
      if (f.violation.commits.empty()) {
        std::cout << json_line(f, nullptr) << '\n';
      }
      for (const auto& c : f.violation.commits) std::cout << json_line(f, &c) << '\n';
    }
    for (const auto& [when, f] : follow_ups) std::cout << json_line(f, main_tip, when) << '\n';
  } else {
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
              << (warnings == 1 ? " warning" : " warnings") << ") in " << judged << (judged == 1 ? " replayed push (" : " replayed pushes (")
              << windows << (windows == 1 ? " freeze window)" : " freeze windows)") << (since ? " since " + policy::utc_date(*since) : "") << '\n';
    std::cout << "relgate audit: not replayed: who pushed (A1, A2, F2), declared freezes"
              << (opts.ci ? "" : ", CI results (T8; --ci asks the provider as it is now)") << '\n';
  }
  return findings.empty() ? 0 : 1;
}

} // namespace relgate::cli
