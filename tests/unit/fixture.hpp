#pragma once
// A release history in memory: the engine's unit tests build one, push ref
// updates at it, and read the verdict.

#include "ci/notes_provider.hpp"
#include "policy/engine.hpp"
#include "policy/policy_loader.hpp"
#include "policy/report.hpp"
#include "repo/memory_repository.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace relgate::test {

using policy::RefUpdate;
using policy::Verdict;
using repo::ObjectId;

inline const std::string k_zero(40, '0');

struct History {
  repo::MemoryRepository repo;
  policy::Policy policy = policy::builtin_policy();
  policy::RefMap refs; // the refs before the push
  std::string remote = "origin";
  bool advisory = false;

  // A commit on top of `parent` (none: a root commit).
  ObjectId commit(const std::string& subject, std::vector<ObjectId> parents = {}) {
    return repo.add_commit(std::move(parents), subject + "\n");
  }
  // Advances main by one commit and returns it.
  ObjectId main_commit(const std::string& subject) {
    auto it = refs.find("refs/heads/main");
    std::vector<ObjectId> parents;
    if (it != refs.end()) parents.push_back(it->second);
    auto id = commit(subject, parents);
    refs["refs/heads/main"] = id;
    return id;
  }
  void tag(const std::string& name, const ObjectId& id) { refs["refs/tags/" + name] = id; }
  void branch(const std::string& name, const ObjectId& id) { refs["refs/heads/" + name] = id; }
  ObjectId head(const std::string& branch) const { return refs.at("refs/heads/" + branch); }
  // CI notes for `commit`, already on the server.
  void ci_note(const ObjectId& commit, const std::string& text) {
    std::map<ObjectId, std::string> notes;
    notes[commit] = text;
    refs["refs/notes/ci"] = repo.add_notes(notes);
  }

  Verdict push(std::vector<RefUpdate> updates) {
    policy::Request req;
    req.before = refs;
    req.updates = std::move(updates);
    req.remote = remote;
    req.advisory = advisory;
    ci::NotesProvider provider(repo, policy.ci.notes_ref, policy.ci.requirements);
    return policy::judge(repo, policy, provider, req);
  }
  Verdict push(RefUpdate u) { return push(std::vector<RefUpdate>{std::move(u)}); }

  static RefUpdate create_tag(const std::string& name, const ObjectId& id) { return {"refs/tags/" + name, k_zero, id}; }
  static RefUpdate create_branch(const std::string& name, const ObjectId& id) {
    return {"refs/heads/" + name, k_zero, id};
  }
  RefUpdate move_branch(const std::string& name, const ObjectId& id) const {
    return {"refs/heads/" + name, head(name), id};
  }

  // A line released the textbook way: rc1 on main, final at rc1, branch at final.
  ObjectId release_line(const std::string& line) {
    auto c = main_commit("feat: work for " + line);
    tag("v" + line + ".0-rc1", c);
    tag("v" + line + ".0", c);
    branch("release/v" + line, c);
    return c;
  }
};

// Rule codes of the violations of a verdict, in order ("T4", ...).
inline std::vector<std::string> codes(const Verdict& v) {
  std::vector<std::string> out;
  for (const auto& x : v.violations) out.emplace_back(policy::rule_info(x.rule).code);
  return out;
}

inline bool has(const Verdict& v, const std::string& code) {
  auto c = codes(v);
  return std::find(c.begin(), c.end(), code) != c.end();
}

inline std::string text(const Verdict& v) {
  std::string out;
  for (const auto& line : policy::format_verdict(v)) out += line.text + "\n";
  return out;
}

} // namespace relgate::test
