#pragma once
// The Repository interface over libgit2.

#include "repo/repository.hpp"

#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct git_repository;
struct git_commit;
struct git_tree_entry;
struct git_odb_backend;

namespace relgate::git {

class CommitGraph;

// The version of the libgit2 in use ("1.5.1"): the one linked in, or the
// shared library loaded.
std::string libgit2_version();

class Libgit2Repository final : public repo::Repository {
public:
  // Opens the repository the way git's own commands find it: GIT_DIR,
  // GIT_OBJECT_DIRECTORY and GIT_ALTERNATE_OBJECT_DIRECTORIES are honoured,
  // which is how a pre-receive hook sees the objects of the push while they
  // are still in git's quarantine. With an empty `path`, the search starts at
  // the current directory. Throws Error when there is no repository.
  static std::unique_ptr<Libgit2Repository> open(const std::string& path = {});
  ~Libgit2Repository() override;

  // The git directory (`.git` or the bare repository), with a trailing slash.
  std::string git_dir() const;
  // The directory hooks run from (core.hooksPath honoured), with a trailing slash.
  std::string hooks_dir() const;
  bool is_bare() const;
  // The work tree, with a trailing slash; empty in a bare repository.
  std::string work_dir() const;
  // Writes a ref directly (no hooks run): for commands a maintainer runs on
  // the repository itself. Throws Error on failure.
  void write_ref(const std::string& name, const repo::ObjectId& target, const std::string& log_message);
  void delete_ref(const std::string& name);
  // Configuration of the repository (every level git reads) for the
  // installer. None of these reaches libgit2's regex-matched config lookups
  // (git_remote_lookup, git_config_*_multivar), which leak under
  // LeakSanitizer; multi-valued keys are written by `git config` (cli/install).
  std::vector<std::string> config_values(const std::string& name) const;
  void set_config(const std::string& name, const std::string& value);
  // The names of the configured remotes (any remote.<name>.* key), sorted.
  std::vector<std::string> remotes() const;
  bool has_remote(const std::string& name) const;
  // The object `ref` points at now (symbolic refs resolved); nullopt when
  // there is no such ref.
  std::optional<repo::ObjectId> ref_target(const std::string& ref) const;
  // When `ref` is a symbolic ref (refs/heads/master -> refs/heads/main, kept
  // after a rename), the ref its chain ends at: the one git writes when
  // `ref` is updated (whether or not it exists yet). nullopt for a ref that
  // is not symbolic or does not exist. Throws Error on a chain deeper than
  // git follows.
  std::optional<std::string> symbolic_target(const std::string& ref) const;
  // symbolic_target of each of `refs` that is symbolic, by name: one listing
  // per directory of loose refs rather than a look-up per ref (a push of
  // 100,000 tags).
  std::map<std::string, std::string> symbolic_targets(const std::vector<std::string>& refs) const;
  // The commit a revision names (any revision git understands: a sha, a
  // branch, HEAD~2, a tag, which is peeled). Throws Error when there is none.
  repo::ObjectId resolve_commit(const std::string& revision) const;
  // Writes (replaces) the note of `object` on `notes_ref` as a new notes
  // commit on top of the ref's current value; the signature is the
  // configured user, else "relgate <relgate@localhost>". Returns the new
  // notes commit. Throws Error on failure.
  repo::ObjectId write_note(const std::string& notes_ref, const repo::ObjectId& object, const std::string& text);

  std::vector<repo::Ref> refs(std::string_view prefix) const override;
  repo::ObjectType type(const repo::ObjectId& id) const override;
  std::optional<repo::ObjectId> peel_to_commit(const repo::ObjectId& id) const override;
  repo::Commit commit(const repo::ObjectId& id) const override;
  std::optional<std::int64_t> tag_time(const repo::ObjectId& target) const override;
  bool is_ancestor(const repo::ObjectId& ancestor, const repo::ObjectId& descendant) const override;
  std::optional<std::string> note(const repo::ObjectId& notes_commit, const repo::ObjectId& object) const override;
  std::optional<std::int64_t> ref_created(const std::string& ref) const override;
  std::vector<repo::ObjectId> changed_notes(const repo::ObjectId& old_notes, const repo::ObjectId& new_notes) const override;
  // From the commit-graph (commits it lacks, such as a push's own, are read).
  std::optional<repo::FirstParents> first_parents(const repo::ObjectId& tip, const repo::ObjectId& stop,
                                                  std::size_t limit) const override;
  std::unique_ptr<repo::CommitWalk> walk_new(const repo::ObjectId& tip,
                                             const std::vector<repo::ObjectId>& hide) const override;
  std::vector<std::string> changed_paths(const repo::ObjectId& commit) const override;
  bool changes_only(const repo::ObjectId& commit, const std::function<bool(const std::string&)>& keep) const override;
  // libgit2's git_merge_commits on a second handle of the repository whose
  // object database writes into memory (merging file contents writes blobs,
  // the comparison writes trees): nothing reaches the repository, or git's
  // quarantine in a pre-receive hook.
  bool is_clean_merge(const repo::ObjectId& commit) const override;
  // Writes the merged blobs, the tree and the commit into an in-memory
  // object backend of this handle's object database (added on first use,
  // before every other: all writes of the handle go there, none to disk).
  std::optional<repo::ObjectId> merge_in_memory(const repo::ObjectId& base, const repo::ObjectId& head,
                                                repo::MergeShape shape, const std::string& message) override;
  std::optional<repo::ObjectId> patch_id(const repo::ObjectId& commit) const override;
  std::optional<std::string> read_file(const repo::ObjectId& commit, const std::string& path) const override;
  bool files_under(const repo::ObjectId& commit, const std::string& dir,
                   const std::function<bool(const std::string&, const std::string&)>& visit) const override;

  // The tree entries one walk may read (repo::k_max_tree_entries unless
  // the host's limits.tree_entries says otherwise); past it a walk throws
  // TreeTooLarge. Const: a bound on how the handle reads, set when the
  // policy is loaded.
  void bound_tree_walks(std::size_t per_walk) const { m_tree_entries_per_walk = per_walk; }
  // The tree entries every walk of this handle may read in all, from now
  // on; past it a walk throws TreeTooLarge. The hooks set it (one handle
  // judges one push): a push of many commits that each change a huge tree
  // is bounded too. Unbounded by default (audit replays a whole history
  // with one handle).
  void limit_tree_entries(std::size_t total) { m_tree_entries_left = total; }

private:
  repo::ObjectType read_type(const repo::ObjectId& id) const;
  std::unique_ptr<git_tree_entry, void (*)(git_tree_entry*)> entry_at(const repo::ObjectId& id, const std::string& path,
                                                                    repo::ObjectId& commit_id) const;
  bool commit_changes(const repo::ObjectId& id, const std::function<bool(const std::string&)>& emit) const;

  // What was read and is asked for again within a push (object types, the
  // last commits and walks, commits' trees and parents); defined in the
  // .cpp, made once with the repository.
  struct Caches;
  std::unique_ptr<Caches> m_caches;

  // The commit-graph the walks read parents and times from (loaded on first
  // use), or nullptr: none, unusable, or turned off (see graph()).
  const CommitGraph* graph() const;
  // The object directories libgit2 reads, as git finds them.
  std::vector<std::string> object_dirs() const;
  mutable std::unique_ptr<CommitGraph> m_graph;
  mutable bool m_graph_loaded = false;

  // The handle is_clean_merge merges in (opened on first use), and the
  // in-memory object backend its writes go to.
  git_repository* merge_repo() const;
  mutable git_repository* m_merge_repo = nullptr;
  mutable git_odb_backend* m_mempack = nullptr; // owned by m_merge_repo's object database
  // merge_in_memory's backend, owned by m_repo's object database.
  git_odb_backend* m_made = nullptr;
  mutable std::size_t m_tree_entries_per_walk = repo::k_max_tree_entries;
  // What limit_tree_entries leaves to the walks still to come.
  mutable std::size_t m_tree_entries_left = std::numeric_limits<std::size_t>::max();

  Libgit2Repository(git_repository* repo, bool from_env, std::string path);
  git_repository* m_repo;
  std::string m_path; // as given to open()
  bool m_from_env; // opened as git's commands are, GIT_DIR and GIT_OBJECT_DIRECTORY honoured
};

} // namespace relgate::git
