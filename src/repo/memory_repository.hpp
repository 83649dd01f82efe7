#pragma once
// An in-memory Repository: commits, annotated tags, refs and notes built by
// hand. The policy engine's unit tests and the fuzz targets run on it.

#include "repo/repository.hpp"

#include <map>
#include <set>

namespace relgate::repo {

class MemoryRepository final : public Repository {
public:
  // Adds a commit and returns its (made-up, unique) id.
  ObjectId add_commit(std::vector<ObjectId> parents, std::string message, std::int64_t time = 0,
                      std::vector<std::string> paths = {"src/file.cpp"});
  // Adds an annotated tag object pointing at `target`, made at `tagger_time`
  // (none: a tag object without a tagger).
  ObjectId add_tag_object(const ObjectId& target, std::string name,
                          std::optional<std::int64_t> tagger_time = std::nullopt);
  // Adds a blob (something that is not a commit).
  ObjectId add_blob();
  // Adds a notes commit holding `notes` (object -> text); returns its id.
  ObjectId add_notes(std::map<ObjectId, std::string> notes);
  void set_ref(const std::string& name, const ObjectId& target);
  // The text that stands for a commit's change; equal texts, equal patch ids.
  // Default: every commit's change is its own.
  void set_patch(const ObjectId& commit, std::string patch);
  void set_file(const ObjectId& commit, const std::string& path, std::string content);
  // Makes a merge's tree differ from the clean merge of its parents (an evil
  // merge, or one with conflicts). Default: every two-parent merge is clean.
  void set_not_clean_merge(const ObjectId& merge);
  void delete_ref(const std::string& name);
  // merge_in_memory of `head` into anything has conflicts.
  void set_merge_conflict(const ObjectId& head);

  // How many times commit() was asked: what a judgement read, for tests
  // that check a walk stopped when it could.
  std::size_t commit_reads() const { return m_commit_reads; }
  // How many chain commits first_parents has returned, for tests of how far
  // a search lists main.
  std::size_t chain_listed() const { return m_chain_listed; }

  std::vector<Ref> refs(std::string_view prefix) const override;
  ObjectType type(const ObjectId& id) const override;
  std::optional<ObjectId> peel_to_commit(const ObjectId& id) const override;
  Commit commit(const ObjectId& id) const override;
  std::optional<std::int64_t> tag_time(const ObjectId& target) const override;
  bool is_ancestor(const ObjectId& ancestor, const ObjectId& descendant) const override;
  std::optional<std::string> note(const ObjectId& notes_commit, const ObjectId& object) const override;
  std::vector<ObjectId> changed_notes(const ObjectId& old_notes, const ObjectId& new_notes) const override;
  std::unique_ptr<CommitWalk> walk_new(const ObjectId& tip, const std::vector<ObjectId>& hide) const override;
  std::optional<FirstParents> first_parents(const ObjectId& tip, const ObjectId& stop,
                                            std::size_t limit) const override;
  std::vector<std::string> changed_paths(const ObjectId& commit) const override;
  bool is_clean_merge(const ObjectId& commit) const override;
  std::optional<ObjectId> patch_id(const ObjectId& commit) const override;
  std::optional<std::string> read_file(const ObjectId& commit, const std::string& path) const override;
  bool files_under(const ObjectId& commit, const std::string& dir,
                   const std::function<bool(const std::string&, const std::string&)>& visit) const override;
  // The merged commit's paths: those of the commits `head` brings (reachable
  // from it and not from `base`); its patch: theirs, one after the other (so
  // a one-commit pull request's squash has that commit's patch id).
  std::optional<ObjectId> merge_in_memory(const ObjectId& base, const ObjectId& head, MergeShape shape,
                                          const std::string& message) override;

private:
  ObjectId next_id();
  const Commit& stored(const ObjectId& id) const; // throws Error when missing

  std::uint64_t m_counter = 0;
  mutable std::size_t m_commit_reads = 0;
  mutable std::size_t m_chain_listed = 0;
  std::map<ObjectId, Commit> m_commits;
  std::map<ObjectId, std::vector<std::string>> m_paths;
  std::map<ObjectId, std::string> m_patches;
  std::set<ObjectId> m_not_clean;
  std::set<ObjectId> m_conflicting;
  std::map<std::pair<ObjectId, std::string>, std::string> m_files;
  std::map<ObjectId, ObjectId> m_tags; // tag object -> target
  std::map<ObjectId, std::int64_t> m_tagger_times;
  std::map<ObjectId, ObjectType> m_other;
  std::map<ObjectId, std::map<ObjectId, std::string>> m_notes;
  std::map<std::string, ObjectId> m_refs;
};

} // namespace relgate::repo
