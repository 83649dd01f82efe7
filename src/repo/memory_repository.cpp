#include "repo/memory_repository.hpp"

#include "util/error.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <set>

namespace relgate::repo {

ObjectId MemoryRepository::next_id() {
  char buf[41];
  std::snprintf(buf, sizeof buf, "%040llx", static_cast<unsigned long long>(++m_counter) * 0x9e3779b1ULL);
  return buf;
}

ObjectId MemoryRepository::add_commit(std::vector<ObjectId> parents, std::string message, std::int64_t time,
                                      std::vector<std::string> paths) {
  auto id = next_id();
  for (const auto& p : parents) {
    if (!m_commits.count(p)) throw Error("memory repository: unknown parent " + p);
  }
  m_commits[id] = Commit{id, std::move(parents), std::move(message), time};
  m_paths[id] = std::move(paths);
  return id;
}

ObjectId MemoryRepository::add_tag_object(const ObjectId& target, std::string /*name*/,
                                          std::optional<std::int64_t> tagger_time) {
  auto id = next_id();
  m_tags[id] = target;
  if (tagger_time) m_tagger_times[id] = *tagger_time;
  return id;
}

ObjectId MemoryRepository::add_blob() {
  auto id = next_id();
  m_other[id] = ObjectType::blob;
  return id;
}

ObjectId MemoryRepository::add_notes(std::map<ObjectId, std::string> notes) {
  auto id = next_id();
  m_commits[id] = Commit{id, {}, "Notes", 0};
  m_notes[id] = std::move(notes);
  return id;
}

void MemoryRepository::set_ref(const std::string& name, const ObjectId& target) { m_refs[name] = target; }
void MemoryRepository::delete_ref(const std::string& name) { m_refs.erase(name); }

std::vector<Ref> MemoryRepository::refs(std::string_view prefix) const {
  std::vector<Ref> out;
  for (const auto& [name, target] : m_refs) {
    if (name.compare(0, prefix.size(), prefix) == 0) out.push_back({name, target});
  }
  return out;
}

ObjectType MemoryRepository::type(const ObjectId& id) const {
  if (m_commits.count(id)) return ObjectType::commit;
  if (m_tags.count(id)) return ObjectType::tag;
  if (auto it = m_other.find(id); it != m_other.end()) return it->second;
  return ObjectType::missing;
}

std::optional<ObjectId> MemoryRepository::peel_to_commit(const ObjectId& id) const {
  ObjectId current = id;
  for (int depth = 0; depth < 64; ++depth) {
    switch (type(current)) {
    case ObjectType::commit: return current;
    case ObjectType::tag: current = m_tags.at(current); break;
    case ObjectType::missing: throw Error("object " + current + " is missing from the repository");
    default: return std::nullopt;
    }
  }
  return std::nullopt;
}

const Commit& MemoryRepository::stored(const ObjectId& id) const {
  auto it = m_commits.find(id);
  if (it == m_commits.end()) throw Error("commit " + id + " is missing from the repository");
  return it->second;
}

Commit MemoryRepository::commit(const ObjectId& id) const {
  ++m_commit_reads;
  return stored(id);
}

std::optional<std::int64_t> MemoryRepository::tag_time(const ObjectId& target) const {
  auto c = peel_to_commit(target);
  if (!c) return std::nullopt;
  if (auto t = m_tagger_times.find(target); t != m_tagger_times.end()) return t->second;
  return stored(*c).time;
}

bool MemoryRepository::is_ancestor(const ObjectId& ancestor, const ObjectId& descendant) const {
  std::set<ObjectId> seen;
  std::vector<ObjectId> todo{descendant};
  while (!todo.empty()) {
    auto id = todo.back();
    todo.pop_back();
    if (id == ancestor) return true;
    if (!seen.insert(id).second) continue;
    for (const auto& p : stored(id).parents) todo.push_back(p);
  }
  return false;
}

std::optional<std::string> MemoryRepository::note(const ObjectId& notes_commit, const ObjectId& object) const {
  auto it = m_notes.find(notes_commit);
  if (it == m_notes.end()) return std::nullopt;
  auto n = it->second.find(object);
  if (n == it->second.end()) return std::nullopt;
  return n->second;
}

std::vector<ObjectId> MemoryRepository::changed_notes(const ObjectId& old_notes, const ObjectId& new_notes) const {
  static const std::map<ObjectId, std::string> none;
  auto notes_of = [this](const ObjectId& c) -> const std::map<ObjectId, std::string>& {
    auto it = m_notes.find(c);
    return it == m_notes.end() ? none : it->second;
  };
  const auto& a = notes_of(old_notes);
  const auto& b = notes_of(new_notes);
  std::set<ObjectId> out;
  for (const auto& [id, text] : a) {
    auto it = b.find(id);
    if (it == b.end() || it->second != text) out.insert(id);
  }
  for (const auto& [id, text] : b) {
    if (!a.count(id)) out.insert(id);
  }
  return {out.begin(), out.end()};
}

namespace {
class ListWalk final : public CommitWalk {
public:
  explicit ListWalk(std::vector<ObjectId> newest_first) : m_ids(std::move(newest_first)) {}
  std::optional<ObjectId> next() override {
    if (m_pos >= m_ids.size()) return std::nullopt;
    return m_ids[m_pos++];
  }

private:
  std::vector<ObjectId> m_ids;
  std::size_t m_pos = 0;
};
} // namespace

std::unique_ptr<CommitWalk> MemoryRepository::walk_new(const ObjectId& tip, const std::vector<ObjectId>& hide) const {
  std::set<ObjectId> hidden;
  std::vector<ObjectId> todo(hide.begin(), hide.end());
  while (!todo.empty()) {
    auto id = todo.back();
    todo.pop_back();
    if (!hidden.insert(id).second) continue;
    for (const auto& p : stored(id).parents) todo.push_back(p);
  }
  // Depth-first post-order: parents before children.
  std::vector<ObjectId> out;
  std::set<ObjectId> seen;
  std::vector<std::pair<ObjectId, bool>> stack{{tip, false}};
  while (!stack.empty()) {
    auto [id, expanded] = stack.back();
    stack.pop_back();
    if (hidden.count(id)) continue;
    if (expanded) {
      out.push_back(id);
      continue;
    }
    if (!seen.insert(id).second) continue;
    stack.push_back({id, true});
    for (const auto& p : stored(id).parents) stack.push_back({p, false});
  }
  return std::make_unique<ListWalk>(std::vector<ObjectId>(out.rbegin(), out.rend())); // children first
}

std::optional<FirstParents> MemoryRepository::first_parents(const ObjectId& tip, const ObjectId& stop,
                                                            std::size_t limit) const {
  // The whole chain first: only a chain that meets `stop` proves that
  // `stop` reaches none of its commits (there are no generation numbers).
  FirstParents out;
  ObjectId id = tip;
  while (id != stop) {
    out.chain.push_back(id);
    const Commit& c = stored(id);
    if (c.parents.empty()) return std::nullopt;
    id = c.parents.front();
  }
  out.complete = out.chain.size() <= limit;
  if (!out.complete) out.chain.resize(limit);
  m_chain_listed += out.chain.size();
  return out;
}

namespace {
// As a tree walk would: a path of more than k_max_tree_depth components is
// too deep to walk.
void check_depth(const ObjectId& id, const std::vector<std::string>& paths) {
  for (const auto& p : paths) {
    if (static_cast<std::size_t>(std::count(p.begin(), p.end(), '/')) >= k_max_tree_depth) {
      throw TreeTooDeep("commit " + short_id(id) + " changes a path more than " + std::to_string(k_max_tree_depth) +
                        " directories deep");
    }
  }
}
} // namespace

std::vector<std::string> MemoryRepository::changed_paths(const ObjectId& id) const {
  stored(id); // throws when missing
  auto it = m_paths.find(id);
  if (it == m_paths.end()) return {};
  check_depth(id, it->second);
  return it->second;
}

void MemoryRepository::set_patch(const ObjectId& commit, std::string patch) { m_patches[commit] = std::move(patch); }

void MemoryRepository::set_merge_conflict(const ObjectId& head) { m_conflicting.insert(head); }

std::optional<ObjectId> MemoryRepository::merge_in_memory(const ObjectId& base, const ObjectId& head, MergeShape shape,
                                                          const std::string& message) {
  const Commit& b = stored(base);
  const Commit& h = stored(head);
  if (m_conflicting.count(head)) return std::nullopt;
  std::set<std::string> paths;
  std::string patch;
  for (const auto& id : new_commits(head, {base})) {
    if (auto it = m_paths.find(id); it != m_paths.end()) paths.insert(it->second.begin(), it->second.end());
    auto p = m_patches.find(id);
    patch += (patch.empty() ? "" : "\n") + (p == m_patches.end() ? "own change of " + id : p->second);
  }
  std::vector<ObjectId> parents = {base};
  if (shape == MergeShape::merge) parents.push_back(head);
  auto id = add_commit(std::move(parents), message, std::max(b.time, h.time), {paths.begin(), paths.end()});
  if (!patch.empty()) m_patches[id] = patch;
  return id;
}

void MemoryRepository::set_not_clean_merge(const ObjectId& merge) { m_not_clean.insert(merge); }

bool MemoryRepository::is_clean_merge(const ObjectId& id) const {
  return stored(id).parents.size() == 2 && !m_not_clean.count(id);
}

std::optional<ObjectId> MemoryRepository::patch_id(const ObjectId& id) const {
  const Commit& c = stored(id);
  if (c.parents.empty()) return std::nullopt;
  if (auto paths = m_paths.find(id); paths != m_paths.end()) check_depth(id, paths->second);
  auto it = m_patches.find(id);
  std::string text = it == m_patches.end() ? "own change of " + id : it->second;
  char buf[41];
  std::snprintf(buf, sizeof buf, "%040zx", std::hash<std::string>{}(text));
  return std::string(buf);
}

void MemoryRepository::set_file(const ObjectId& commit, const std::string& path, std::string content) {
  m_files[{commit, path}] = std::move(content);
}

std::optional<std::string> MemoryRepository::read_file(const ObjectId& id, const std::string& path) const {
  auto c = peel_to_commit(id);
  if (!c) return std::nullopt;
  auto it = m_files.find({*c, path});
  if (it == m_files.end()) return std::nullopt;
  return it->second;
}

bool MemoryRepository::files_under(const ObjectId& id, const std::string& dir,
                                   const std::function<bool(const std::string&, const std::string&)>& visit) const {
  auto c = peel_to_commit(id);
  if (!c) return false;
  const std::string prefix = dir + "/";
  bool found = false;
  for (auto it = m_files.lower_bound({*c, prefix}); it != m_files.end() && it->first.first == *c; ++it) {
    const std::string& path = it->first.second;
    if (path.compare(0, prefix.size(), prefix) != 0) break;
    found = true;
    if (it->second.size() > (std::size_t{1} << 20)) continue;
    if (!visit(path, it->second)) break;
  }
  return found;
}

} // namespace relgate::repo
