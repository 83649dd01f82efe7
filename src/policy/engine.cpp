#include "policy/engine_internal.hpp"

#include "util/text.hpp"

#include <re2/re2.h>

#include <algorithm>

namespace relgate::policy {

bool RefUpdate::is_create() const { return is_zero_id(old_id); }
bool RefUpdate::is_delete() const { return is_zero_id(new_id); }

bool Verdict::rejected() const {
  return std::any_of(violations.begin(), violations.end(),
                     [](const Violation& v) { return v.severity == Severity::error; });
}

std::string Verdict::error_codes() const {
  std::vector<std::string_view> codes;
  for (const auto& v : violations) {
    if (v.severity != Severity::error) continue;
    auto code = rule_info(v.rule).code;
    if (std::find(codes.begin(), codes.end(), code) == codes.end()) codes.push_back(code);
  }
  return join(codes, ", ", [](std::string_view c) { return c; });
}

namespace detail {

namespace {
RefMap apply(RefMap refs, const std::vector<RefUpdate>& updates) {
  for (const auto& u : updates) {
    if (u.is_delete()) refs.erase(u.ref);
    else refs[u.ref] = u.new_id;
  }
  return refs;
}
} // namespace

Judgement::Judgement(const repo::Repository& r, const Policy& p, const ci::Provider& c, const Request& req)
    : repo(r), policy(p), ci(c), request(req), after(apply(req.before, req.updates)),
      before_state(req.before, p), after_state(after, p) {}

void Judgement::add(RuleId rule, const RefUpdate& update, std::string why, std::vector<std::string> hints,
                    std::optional<repo::ObjectId> commit) {
  if (!enabled(rule)) return;
  std::vector<CommitRef> commits;
  if (commit && repo.type(*commit) == repo::ObjectType::commit) {
    commits.push_back(CommitRef{*commit, repo.commit(*commit).subject()});
  }
  add(rule, update, std::move(why), std::move(hints), std::move(commits));
}

void Judgement::add(RuleId rule, const RefUpdate& update, std::string why, std::vector<std::string> hints,
                    std::vector<CommitRef> commits) {
  Severity s = policy.severity_of(rule);
  if (s == Severity::off) return;
  Violation v;
  v.rule = rule;
  v.severity = s;
  v.ref = update.ref;
  v.commits = std::move(commits);
  v.why = std::move(why);
  v.hints = std::move(hints);
  verdict.violations.push_back(std::move(v));
}

void Judgement::warn(RuleId rule, const RefUpdate& update, std::string why, std::vector<std::string> hints) {
  std::size_t before = verdict.violations.size();
  add(rule, update, std::move(why), std::move(hints), std::vector<CommitRef>{});
  if (verdict.violations.size() > before) verdict.violations.back().severity = Severity::warn;
}

std::optional<repo::ObjectId> Judgement::peel(const repo::ObjectId& id) {
  auto it = m_peeled.find(id);
  if (it != m_peeled.end()) return it->second;
  auto peeled = repo.peel_to_commit(id);
  m_peeled.emplace(id, peeled);
  return peeled;
}

bool Judgement::is_ancestor(const repo::ObjectId& ancestor, const repo::ObjectId& descendant) {
  auto key = std::make_pair(ancestor, descendant);
  auto it = m_ancestry.find(key);
  if (it != m_ancestry.end()) return it->second;
  bool result = repo.is_ancestor(ancestor, descendant);
  m_ancestry.emplace(key, result);
  return result;
}

const std::vector<repo::ObjectId>& Judgement::new_commits(const RefUpdate& u, const std::vector<repo::ObjectId>& hide) {
  auto key = std::make_pair(u.ref, hide);
  std::sort(key.second.begin(), key.second.end()); // the set counts, not its order
  auto it = m_new_commits.find(key);
  if (it != m_new_commits.end()) return it->second;
  std::vector<repo::ObjectId> out;
  if (!u.is_delete()) {
    if (auto tip = peel(u.new_id)) out = repo.new_commits(*tip, hide);
  }
  return m_new_commits.emplace(std::move(key), std::move(out)).first->second;
}

bool Judgement::judged_itself(const repo::Commit& c, const std::vector<repo::ObjectId>& commits) {
  if (c.parents.size() < 2) return true;
  // The set is built on the first merge only: a push of 100,000 commits
  // without merges never pays for it.
  auto it = m_commit_sets.find(&commits);
  if (it == m_commit_sets.end()) {
    it = m_commit_sets.emplace(&commits, std::unordered_set<repo::ObjectId>(commits.begin(), commits.end())).first;
  }
  const auto& fresh = it->second;
  bool brings = std::any_of(c.parents.begin(), c.parents.end(), [&](const auto& p) { return fresh.count(p) > 0; });
  return !brings || !repo.is_clean_merge(c.id);
}

std::string merge_hint(const std::string& branch) {
  return "a merge is judged like a commit when it brings no new commit to " + branch +
         ", or when its tree is not the clean merge of its parents (a conflict resolved with new code); "
         "push the commits without the merge, or merge them without changes";
}

MainIndex& Judgement::main_index(const std::optional<repo::ObjectId>& since) {
  auto it = m_main_index.find(since);
  if (it != m_main_index.end()) return it->second;
  MainIndex idx;
  idx.since = since;
  if (auto main = after_ref(main_ref())) idx.tip = peel(*main);
  if (idx.tip) {
    std::vector<repo::ObjectId> hide;
    if (since) hide.push_back(*since);
    idx.walk = repo.walk_new(*idx.tip, hide);
  }
  return m_main_index.emplace(since, std::move(idx)).first->second;
}

bool Judgement::advance(MainIndex& idx) {
  if (!idx.walk) return false;
  auto id = idx.walk->next();
  if (!id) {
    idx.walk.reset();
    return false;
  }
  idx.commits.push_back(*id);
  std::string pr;
  if (policy.backport.main_pr && RE2::PartialMatch(read_commit(*id).subject(), *policy.backport.main_pr, &pr)) {
    idx.by_pr.emplace(pr, *id); // newest first: the latest commit keeps a repeated number
  }
  return true;
}

namespace {
// A pull-request number as captured ("473"), if it is one that fits.
std::optional<std::uint64_t> pr_number(const std::string& s) { return parse_uint(s, BackportPolicy::k_max_pr_number); }
} // namespace

std::optional<repo::ObjectId> Judgement::find_pr(MainIndex& idx, const std::string& pr) {
  const auto want = pr_number(pr);
  if (!policy.backport.main_pr || !idx.tip || !idx.since || !want) return std::nullopt;
  // The chain is listed from main's tip as far as the search needs, 64
  // commits first, then four times as many while the oldest listed is still
  // newer than the number (backports are mostly of recent fixes; listing the
  // chain touches a page of the graph per commit). A prefix lists the same
  // commits again, so positions and the numbers read at them stay valid.
  constexpr std::size_t k_first = 64, k_limit = std::size_t{1} << 22;
  auto list = [&](std::size_t limit) {
    auto fp = repo.first_parents(*idx.tip, *idx.since, limit);
    idx.chain_complete = !fp || fp->complete;
    if (fp) idx.chain = std::move(fp->chain);
    else idx.chain.clear();
  };
  if (!idx.chain_tried) {
    idx.chain_tried = true;
    list(k_first);
  }
  auto number_at = [&](std::size_t i) -> std::optional<std::uint64_t> {
    auto it = idx.chain_pr.find(i);
    if (it != idx.chain_pr.end()) return it->second;
    std::string found;
    std::optional<std::uint64_t> n;
    if (RE2::PartialMatch(read_commit(idx.chain[i]).subject(), *policy.backport.main_pr, &found)) n = pr_number(found);
    return idx.chain_pr.emplace(i, n).first->second;
  };
  while (!idx.chain_complete && !idx.chain.empty()) {
    auto oldest = number_at(idx.chain.size() - 1);
    if (!oldest) return std::nullopt;
    if (*oldest <= *want) break;
    if (idx.chain.size() >= k_limit) return std::nullopt;
    list(std::min(idx.chain.size() * 4, k_limit));
  }
  // Newest first: numbers decrease along the chain.
  std::size_t lo = 0, hi = idx.chain.size();
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    auto n = number_at(mid);
    if (!n) return std::nullopt;
    if (*n == *want) return idx.chain[mid];
    if (*n > *want) lo = mid + 1;
    else hi = mid;
  }
  return std::nullopt;
}

const repo::Commit& Judgement::commit(const repo::ObjectId& id) {
  auto it = m_commits.find(id);
  if (it != m_commits.end()) return it->second;
  return m_commits.emplace(id, repo.commit(id)).first->second;
}

repo::Commit Judgement::read_commit(const repo::ObjectId& id) const {
  auto it = m_commits.find(id);
  if (it != m_commits.end()) return it->second;
  return repo.commit(id);
}

std::string Judgement::pusher_text() const {
  return request.pusher ? printable(*request.pusher) : "nobody (an unauthenticated push)";
}

namespace {
// The note of a client that cannot know who pushes, once per push.
void server_decides(Verdict& v) {
  const std::string note = "who may push this is the server's decision (git config relgate.user <your name there> "
                           "lets this hook check it)";
  if (std::find(v.notes.begin(), v.notes.end(), note) == v.notes.end()) v.notes.push_back(note);
}
} // namespace

bool Judgement::pusher_is_maintainer() {
  if (policy.access.maintainers.empty()) return true;
  if (request.pusher_unknown_here) {
    server_decides(verdict);
    return true;
  }
  return policy.access.is_maintainer(request.pusher);
}

bool Judgement::pusher_is_ci_writer() {
  const auto& writers = policy.access.ci_writers;
  if (writers.empty()) return true;
  if (request.pusher_unknown_here) {
    server_decides(verdict);
    return true;
  }
  return request.pusher && std::find(writers.begin(), writers.end(), *request.pusher) != writers.end();
}

std::optional<repo::ObjectId> Judgement::after_ref(const std::string& ref) const {
  auto it = after.find(ref);
  if (it == after.end()) return std::nullopt;
  return it->second;
}

} // namespace detail

namespace detail {
// A refused tag stays in the pusher's clone, where it would be taken for a
// release and makes `git tag NAME ...` fail ("already exists"): each tag
// refusal says first how to drop it.
void hint_tag_deletion(Judgement& j, const RefUpdate& u, std::size_t first) {
  if (u.is_delete()) return;
  for (std::size_t i = first; i < j.verdict.violations.size(); ++i) {
    auto& v = j.verdict.violations[i];
    if (v.ref != u.ref || v.severity != Severity::error) continue;
    const std::string drop = "  git tag -d " + u.ref.substr(repo::k_tags.size());
    if (std::find(v.hints.begin(), v.hints.end(), drop) != v.hints.end()) return; // the rule says it already
    v.hints.insert(v.hints.begin(), {"first drop the refused tag from your clone:", drop});
    return;
  }
}
} // namespace detail

Verdict judge(const repo::Repository& repo, const Policy& policy, const ci::Provider& ci, const Request& request) {
  detail::Judgement j(repo, policy, ci, request);
  for (const auto& u : request.updates) {
    if (u.is_create() && u.is_delete()) continue; // nothing happens
    if (!u.is_create() && u.old_id == u.new_id) continue;
    if (starts_with(u.ref, repo::k_tags)) {
      const std::size_t before = j.verdict.violations.size();
      detail::judge_tag(j, u);
      detail::hint_tag_deletion(j, u, before);
    } else if (starts_with(u.ref, repo::k_heads)) detail::judge_branch(j, u);
    else detail::judge_ref_name(j, u);
    detail::judge_access(j, u);
    if (u.ref == Policy::k_policy_ref) detail::judge_policy_ref(j, u);
    if (u.ref == policy.main_ref()) {
      detail::judge_main_freeze(j, u);
      detail::judge_main_picks(j, u);
    }
    if (starts_with(u.ref, policy.freeze_ref_dir())) detail::judge_freeze_ref(j, u);
    if (u.ref == policy.ci.notes_ref) detail::judge_ci_notes(j, u);
    if (u.is_create()) detail::judge_namespaces(j, u);
  }
  detail::apply_override(j);
  return std::move(j.verdict);
}

} // namespace relgate::policy
