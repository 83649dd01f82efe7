#include "policy/replay.hpp"

#include "util/text.hpp"
#include "util/trace.hpp"

#include <algorithm>
#include <tuple>
#include <unordered_set>

namespace relgate::policy {

namespace {

const std::string k_zero(40, '0');

// The order of events at the same second: main's commits, then release
// branch commits, then tags (a patch tag after the commit it names), then
// branch creations (a release branch after its final tag), then commits
// that were made before their branch could exist.
enum Order { k_main = 0, k_branch_commit = 1, k_tag = 2, k_branch_create = 3, k_late_commit = 4 };

struct Ranked {
  HistoryEvent event;
  int order = 0;
  // Tags made at the same second (lightweight tags of one commit) in release
  // order: rc1, rc2, ..., then the final tag.
  std::tuple<std::uint64_t, std::uint64_t, std::uint64_t, int, std::uint64_t> rank{};
  std::size_t seq = 0;
};

class Builder {
public:
  Builder(const repo::Repository& repo, const Policy& policy, const RefMap& refs,
          const std::map<std::string, std::int64_t>& tag_times)
      : m_repo(repo), m_policy(policy), m_refs(refs), m_times(tag_times), m_state(refs, policy) {
    if (auto it = refs.find(policy.main_ref()); it != refs.end()) m_main_tip = repo.peel_to_commit(it->second);
  }

  History build() {
    add_tags();
    add_branches();
    add_freeze_windows();
    std::sort(m_events.begin(), m_events.end(), [](const Ranked& a, const Ranked& b) {
      return std::tie(a.event.time, a.order, a.rank, a.seq) < std::tie(b.event.time, b.order, b.rank, b.seq);
    });
    History out;
    out.freeze_windows = m_windows;
    for (auto& r : m_events) out.events.push_back(std::move(r.event));
    return out;
  }

private:
  void add(std::int64_t time, int order, std::string ref, repo::ObjectId old_id, repo::ObjectId new_id) {
    static constexpr EventKind kinds[] = {EventKind::main_commit, EventKind::branch_commit, EventKind::tag,
                                          EventKind::branch_create, EventKind::branch_commit};
    Ranked r{{time, kinds[order], std::move(ref), std::move(old_id), std::move(new_id)}, order, {}, m_events.size()};
    if (order == k_tag) {
      if (auto v = parse_release_tag(m_policy, r.event.ref.substr(std::string("refs/tags/").size()))) {
        r.rank = {v->major, v->minor, v->patch, v->rc ? 0 : 1, v->rc.value_or(0)};
      }
    }
    m_events.push_back(std::move(r));
  }

  // The first-parent line from `tip` back while the commits are in `within`,
  // parents first.
  std::vector<repo::ObjectId> first_parent_line(const repo::ObjectId& tip,
                                                const std::unordered_set<repo::ObjectId>& within) const {
    std::vector<repo::ObjectId> out;
    repo::ObjectId at = tip;
    while (within.count(at)) {
      out.push_back(at);
      auto c = m_repo.commit(at);
      if (c.parents.empty()) break;
      at = c.parents.front();
    }
    std::reverse(out.begin(), out.end());
    return out;
  }

  // Tags, by creation time.
  void add_tags() {
    trace::Phase phase("audit: tags");
    for (const auto& [ref, target] : m_refs) {
      if (!starts_with(ref, "refs/tags/")) continue;
      auto t = m_times.find(ref);
      if (t == m_times.end()) continue; // names no commit
      add(t->second, k_tag, ref, k_zero, target);
    }
  }

  // Branches: created at their fork point from main, then commit by commit.
  void add_branches() {
    trace::Phase phase("audit: branches");
    for (const auto& [ref, target] : m_refs) {
      if (!starts_with(ref, "refs/heads/") || ref == m_policy.main_ref()) continue;
      if (auto tip = m_repo.peel_to_commit(target)) add_branch(ref, *tip);
    }
  }

  void add_branch(const std::string& ref, const repo::ObjectId& tip) {
    auto version = m_policy.release_branch.match(ref.substr(std::string("refs/heads/").size()));
    // The branch's own commits: after its final tag when it descends from
    // it (cheap: the walk stays near the branch), else everything main
    // lacks (a walk over main since the fork).
    std::vector<repo::ObjectId> hide;
    const auto* line_state = version ? m_state.line(version->line()) : nullptr;
    const auto* fin = line_state ? line_state->final_tag() : nullptr;
    auto fin_commit = fin ? m_repo.peel_to_commit(fin->target) : std::nullopt;
    if (fin_commit && m_repo.is_ancestor(*fin_commit, tip)) hide.push_back(*fin_commit);
    else if (m_main_tip) hide.push_back(*m_main_tip);
    auto fresh = version ? m_repo.new_commits(tip, hide) : std::vector<repo::ObjectId>{};
    std::unordered_set<repo::ObjectId> fresh_set(fresh.begin(), fresh.end());
    auto line = first_parent_line(tip, fresh_set);
    repo::ObjectId base = tip;
    if (!line.empty()) {
      auto first = m_repo.commit(line.front());
      if (first.parents.empty()) {
        base = line.front();
        line.erase(line.begin());
      } else {
        base = first.parents.front();
      }
    }
    std::int64_t created = m_repo.commit(base).time;
    if (fin) {
      if (auto t = m_times.find(fin->ref); t != m_times.end()) created = std::max(created, t->second);
    }
    add(created, k_branch_create, ref, k_zero, base);
    repo::ObjectId prev = base;
    for (const auto& id : line) {
      std::int64_t t = m_repo.commit(id).time;
      if (t > created) add(t, k_branch_commit, ref, prev, id);
      else add(created, k_late_commit, ref, prev, id);
      prev = id;
    }
  }

  // Main in each freeze window: rc1..final, or rc1..main while the RC phase lasts.
  void add_freeze_windows() {
    if (!m_main_tip) return;
    trace::Phase phase("audit: freeze windows");
    for (const auto& [l, ls] : m_state.lines()) {
      auto rc1 = ls.rcs.find(1);
      if (rc1 == ls.rcs.end()) continue;
      auto start = m_repo.peel_to_commit(rc1->second.target);
      auto end = ls.final_tag() ? m_repo.peel_to_commit(ls.final_tag()->target) : m_main_tip;
      if (!start || !end) continue;
      auto fresh = m_repo.new_commits(*end, {*start});
      std::unordered_set<repo::ObjectId> fresh_set(fresh.begin(), fresh.end());
      ++m_windows;
      for (const auto& id : first_parent_line(*end, fresh_set)) {
        auto c = m_repo.commit(id);
        if (c.parents.empty()) continue;
        add(c.time, k_main, m_policy.main_ref(), c.parents.front(), id);
      }
    }
  }

  const repo::Repository& m_repo;
  const Policy& m_policy;
  const RefMap& m_refs;
  const std::map<std::string, std::int64_t>& m_times;
  ReleaseState m_state;
  std::optional<repo::ObjectId> m_main_tip;
  std::vector<Ranked> m_events;
  std::size_t m_windows = 0;
};

// Main as it was at each time: its first-parent line, oldest first, with
// times made monotonic (a commit counts from the newest time before it).
// Ancestry questions about main then stay near the event.
class MainHistory {
public:
  MainHistory(const repo::Repository& repo, const std::optional<repo::ObjectId>& tip) {
    if (!tip) return;
    trace::Phase phase("audit: main's first-parent line");
    repo::ObjectId at = *tip;
    for (;;) {
      auto c = repo.commit(at);
      m_line.emplace_back(c.time, at);
      if (c.parents.empty()) break;
      at = c.parents.front();
    }
    std::reverse(m_line.begin(), m_line.end());
    for (std::size_t k = 1; k < m_line.size(); ++k) m_line[k].first = std::max(m_line[k].first, m_line[k - 1].first);
  }

  // Main's tip at time `t`; nullopt before its first commit.
  std::optional<repo::ObjectId> at(std::int64_t t) const {
    auto it = std::upper_bound(m_line.begin(), m_line.end(), t,
                               [](std::int64_t x, const auto& e) { return x < e.first; });
    if (it == m_line.begin()) return std::nullopt;
    return std::prev(it)->second;
  }

private:
  std::vector<std::pair<std::int64_t, repo::ObjectId>> m_line;
};

bool is_commit(EventKind k) { return k == EventKind::main_commit || k == EventKind::branch_commit; }

} // namespace

History rebuild_history(const repo::Repository& repo, const Policy& policy, const RefMap& refs,
                        const std::map<std::string, std::int64_t>& tag_times) {
  return Builder(repo, policy, refs, tag_times).build();
}

Policy replay_policy(const Policy& policy, bool ci) {
  Policy out = policy;
  // Who pushed is not in the history; CI results of the past are not either.
  for (auto id : {RuleId::A1, RuleId::A2, RuleId::F2}) out.severity[static_cast<std::size_t>(id)] = Severity::off;
  if (!ci) out.severity[static_cast<std::size_t>(RuleId::T8)] = Severity::off;
  return out;
}

Replay replay(const repo::Repository& repo, const Policy& policy, const ci::Provider& ci, const RefMap& refs,
              const std::map<std::string, std::int64_t>& tag_times, const ReplayOptions& options) {
  const Policy pol = replay_policy(policy, options.ci);
  History history = rebuild_history(repo, pol, refs, tag_times);
  const auto& events = history.events;
  Replay out;
  out.freeze_windows = history.freeze_windows;

  trace::Phase phase("audit: replay");
  std::optional<repo::ObjectId> main_tip;
  if (auto it = refs.find(pol.main_ref()); it != refs.end()) main_tip = repo.peel_to_commit(it->second);
  MainHistory main(repo, main_tip);
  RefMap cur;
  if (auto it = refs.find(pol.ci.notes_ref); it != refs.end()) cur[it->first] = it->second;
  for (std::size_t i = 0; i < events.size();) {
    HistoryEvent ev = events[i];
    std::size_t j = i + 1;
    if (is_commit(ev.kind)) {
      while (j < events.size() && events[j].ref == ev.ref && events[j].old_id == ev.new_id &&
             is_commit(events[j].kind)) {
        ev.new_id = events[j].new_id;
        ev.time = events[j].time;
        ++j;
      }
    }
    if (!options.since || events[j - 1].time >= *options.since) {
      Request req;
      req.before = cur;
      if (ev.ref == pol.main_ref()) req.before[ev.ref] = ev.old_id;
      else if (auto m = main.at(ev.time)) req.before[pol.main_ref()] = *m;
      req.updates = {{ev.ref, ev.old_id, ev.new_id}};
      req.remote = options.remote;
      auto verdict = judge(repo, pol, ci, req);
      ++out.judged;
      for (auto& v : verdict.violations) out.findings.push_back({ev.time, std::move(v)});
    }
    if (ev.ref != pol.main_ref()) cur[ev.ref] = ev.new_id;
    i = j;
  }
  return out;
}

} // namespace relgate::policy
