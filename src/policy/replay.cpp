#include "policy/replay.hpp"

#include "util/text.hpp"
#include "util/trace.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_set>

namespace relgate::policy {

namespace {

const std::string k_zero(40, '0');

bool is_commit(EventKind k) { return k == EventKind::main_commit || k == EventKind::branch_commit; }

// Where an event goes among events of the same second that do not need
// each other.
int kind_order(EventKind k) {
  switch (k) {
  case EventKind::main_commit: return 0;
  case EventKind::branch_commit: return 1;
  case EventKind::tag: return 2;
  case EventKind::branch_create: return 3;
  }
  return 4;
}

// Release order: rc1, rc2, ..., the final, then the patch releases.
using ReleaseRank = std::tuple<std::uint64_t, std::uint64_t, std::uint64_t, int, std::uint64_t>;
ReleaseRank release_rank(const Version& v) { return {v.major, v.minor, v.patch, v.rc ? 0 : 1, v.rc.value_or(0)}; }

// One event of a second, and the events of that second it waits for.
struct Node {
  std::optional<Version> tag;    // a release tag's version
  std::optional<Line> line;      // the line of a release branch (its creation and commits)
  std::vector<std::size_t> next; // the nodes that need this one
  std::size_t needs = 0;         // the nodes this one still waits for
  bool done = false;
};

// The events of one second, events[begin, end), in causal order (see
// order_events).
void order_second(std::vector<HistoryEvent>& events, std::size_t begin, std::size_t end, const Policy& policy) {
  const std::size_t n = end - begin;
  if (n < 2) return;
  auto ev = [&](std::size_t i) -> const HistoryEvent& { return events[begin + i]; };
  std::vector<Node> nodes(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (ev(i).kind == EventKind::tag) {
      nodes[i].tag = parse_release_tag(policy, std::string_view(ev(i).ref).substr(repo::k_tags.size()));
    } else if (ev(i).kind != EventKind::main_commit) {
      auto v = policy.release_branch.match(std::string_view(ev(i).ref).substr(repo::k_heads.size()));
      if (v) nodes[i].line = v->line();
    }
  }
  auto need = [&](std::size_t first, std::size_t then) {
    nodes[first].next.push_back(then);
    ++nodes[then].needs;
  };
  auto less = [&](std::size_t a, std::size_t b) {
    const HistoryEvent& x = ev(a);
    const HistoryEvent& y = ev(b);
    auto rank = [&](std::size_t i) { return nodes[i].tag ? release_rank(*nodes[i].tag) : ReleaseRank{}; };
    return std::forward_as_tuple(kind_order(x.kind), rank(a), x.ref, x.new_id, x.old_id, a) <
           std::forward_as_tuple(kind_order(y.kind), rank(b), y.ref, y.new_id, y.old_id, b);
  };

  // A line's tags in release order.
  std::map<Line, std::vector<std::size_t>> tags_of;
  for (std::size_t i = 0; i < n; ++i) {
    if (nodes[i].tag) tags_of[nodes[i].tag->line()].push_back(i);
  }
  for (auto& [line, tags] : tags_of) {
    std::sort(tags.begin(), tags.end(), less);
    for (std::size_t k = 1; k < tags.size(); ++k) need(tags[k - 1], tags[k]);
  }
  // A release branch after its final tag (B2), before its patch tags.
  for (std::size_t i = 0; i < n; ++i) {
    if (ev(i).kind != EventKind::branch_create || !nodes[i].line) continue;
    auto tags = tags_of.find(*nodes[i].line);
    if (tags == tags_of.end()) continue;
    for (std::size_t t : tags->second) {
      const Version& v = *nodes[t].tag;
      if (v.patch > 0) need(i, t);
      else if (!v.rc) need(t, i);
    }
  }
  // A commit after the event that put its parent on its ref; a tag after
  // the commits it names.
  std::map<std::pair<std::string, repo::ObjectId>, std::size_t> put;
  std::multimap<repo::ObjectId, std::size_t> brings;
  for (std::size_t i = 0; i < n; ++i) {
    if (ev(i).kind == EventKind::tag) continue;
    put.emplace(std::make_pair(ev(i).ref, ev(i).new_id), i);
    if (is_commit(ev(i).kind)) brings.emplace(ev(i).new_id, i);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (is_commit(ev(i).kind)) {
      auto it = put.find({ev(i).ref, ev(i).old_id});
      if (it != put.end() && it->second != i) need(it->second, i);
    } else if (ev(i).kind == EventKind::tag) {
      auto [from, to] = brings.equal_range(ev(i).commit);
      for (auto it = from; it != to; ++it) need(it->second, i);
    }
  }

  // Kahn's algorithm, the least event first of those whose needs are met.
  std::set<std::size_t, decltype(less)> ready(less);
  for (std::size_t i = 0; i < n; ++i) {
    if (nodes[i].needs == 0) ready.insert(i);
  }
  std::vector<std::size_t> order;
  order.reserve(n);
  while (order.size() < n) {
    std::size_t i = n;
    if (!ready.empty()) {
      i = *ready.begin();
      ready.erase(ready.begin());
    } else { // a cycle: its least event goes first
      for (std::size_t k = 0; k < n; ++k) {
        if (!nodes[k].done && (i == n || less(k, i))) i = k;
      }
    }
    nodes[i].done = true;
    order.push_back(i);
    for (std::size_t k : nodes[i].next) {
      if (!nodes[k].done && --nodes[k].needs == 0) ready.insert(k);
    }
  }
  std::vector<HistoryEvent> sorted;
  sorted.reserve(n);
  for (std::size_t i : order) sorted.push_back(std::move(events[begin + i]));
  std::move(sorted.begin(), sorted.end(), events.begin() + static_cast<std::ptrdiff_t>(begin));
}

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
    order_events(m_events, m_policy);
    return {std::move(m_events), m_windows};
  }

private:
  void add(std::int64_t time, EventKind kind, std::string ref, repo::ObjectId old_id, repo::ObjectId new_id,
           repo::ObjectId commit) {
    m_events.push_back({time, kind, std::move(ref), std::move(old_id), std::move(new_id), std::move(commit)});
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
      if (!starts_with(ref, repo::k_tags)) continue;
      auto t = m_times.find(ref);
      if (t == m_times.end()) continue; // names no commit
      add(t->second, EventKind::tag, ref, k_zero, target, *m_repo.peel_to_commit(target));
    }
  }

  // Branches: created at their fork point from main, then commit by commit.
  void add_branches() {
    trace::Phase phase("audit: branches");
    for (const auto& [ref, target] : m_refs) {
      if (!starts_with(ref, repo::k_heads) || ref == m_policy.main_ref()) continue;
      if (auto tip = m_repo.peel_to_commit(target)) add_branch(ref, *tip);
    }
  }

  void add_branch(const std::string& ref, const repo::ObjectId& tip) {
    auto version = m_policy.release_branch.match(ref.substr(repo::k_heads.size()));
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
    add(created, EventKind::branch_create, ref, k_zero, base, base);
    repo::ObjectId prev = base;
    for (const auto& id : line) {
      // A commit older than its branch was pushed when the branch was made
      // at the earliest.
      add(std::max(m_repo.commit(id).time, created), EventKind::branch_commit, ref, prev, id, id);
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
        add(c.time, EventKind::main_commit, m_policy.main_ref(), c.parents.front(), id, id);
      }
    }
  }

  const repo::Repository& m_repo;
  const Policy& m_policy;
  const RefMap& m_refs;
  const std::map<std::string, std::int64_t>& m_times;
  ReleaseState m_state;
  std::optional<repo::ObjectId> m_main_tip;
  std::vector<HistoryEvent> m_events;
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

} // namespace

void order_events(std::vector<HistoryEvent>& events, const Policy& policy) {
  std::sort(events.begin(), events.end(), [](const HistoryEvent& a, const HistoryEvent& b) { return a.time < b.time; });
  for (std::size_t begin = 0; begin < events.size();) {
    std::size_t end = begin + 1;
    while (end < events.size() && events[end].time == events[begin].time) ++end;
    order_second(events, begin, end, policy);
    begin = end;
  }
}

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
