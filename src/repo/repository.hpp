#pragma once
// The small repository interface that the policy engine and the CI providers
// ask everything they know about git through. libgit2 implements it in
// src/git/; MemoryRepository (below, in memory_repository.hpp) implements it
// for unit tests and fuzzing. Nothing here changes a repository (a commit
// made by merge_in_memory lives in the process's memory alone).

#include "util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relgate::repo {

// Lower-case hex object id: 40 digits (SHA-1) or 64 (SHA-256).
using ObjectId = std::string;

// Where git keeps branches and tags.
inline constexpr std::string_view k_heads = "refs/heads/";
inline constexpr std::string_view k_tags = "refs/tags/";
// The branch a full ref names ("main" for refs/heads/main); nullopt for a
// ref outside refs/heads/. The view is into `ref`.
std::optional<std::string_view> branch_name(std::string_view ref);
// The tag a full ref names ("v0.1.0" for refs/tags/v0.1.0); nullopt for a
// ref outside refs/tags/. The view is into `ref`.
std::optional<std::string_view> tag_name(std::string_view ref);
// The full ref of a branch or tag: refs/heads/<name>, refs/tags/<name>.
std::string branch_ref(std::string_view name);
std::string tag_ref(std::string_view name);

// Tree walks go at most this many levels deep: paths of at most this many
// components ("a/b/c" has 3), git's own default bound (core.maxTreeDepth).
inline constexpr std::size_t k_max_tree_depth = 4096;

// A tree walk reads at most this many entries. A tree may name one subtree
// many times, so a few objects of a few bytes can spell billions of paths
// (a thousand entries naming one subtree of a thousand, three levels
// down): git stores and sends such a tree cheaply, and any walk of its
// paths would run for hours. The largest real trees have a few hundred
// thousand paths. The default of the host's limits.tree_entries.
inline constexpr std::size_t k_max_tree_entries = 1'000'000;
// The tree entries the walks that judge one push may read in all (the hooks
// set it: Libgit2Repository::limit_tree_entries), so that many commits each
// changing a huge tree are bounded too; about two seconds of walking. The
// default of the host's limits.push_tree_entries.
inline constexpr std::size_t k_max_push_tree_entries = 16'000'000;

// Thrown by a tree walk (changed_paths, changes_only, patch_id, files_under,
// the clean-merge check) that would read more entries than a walk may
// (k_max_tree_entries, or the host's limits.tree_entries), or more than a
// push's limit in all (Libgit2Repository::
// limit_tree_entries). The walk refuses: a caller that must judge the tree
// fails closed with the message; one that only looks for a match (a patch
// id among main's commits) may take it as none.
class TreeTooLarge : public Error {
public:
  using Error::Error;
};

// A TreeTooLarge for a walk that would go deeper than k_max_tree_depth.
class TreeTooDeep : public TreeTooLarge {
public:
  using TreeTooLarge::TreeTooLarge;
};

enum class ObjectType { missing, commit, tree, blob, tag };

struct Commit {
  ObjectId id;
  std::vector<ObjectId> parents;
  std::string message;
  std::int64_t time = 0; // committer time, seconds since the epoch

  std::string subject() const;
};

struct Ref {
  std::string name;  // full name, e.g. refs/tags/v0.1.0
  ObjectId target;   // direct target (a tag object for annotated tags)
};

// Repository::first_parents' answer.
struct FirstParents {
  std::vector<ObjectId> chain; // newest first
  bool complete = false;       // it ended at `stop`; else `limit` commits were listed and more follow
};

// How a pull request's merge lands; see Repository::merge_in_memory.
enum class MergeShape {
  squash, // one commit, parent: the base
  merge,  // a merge commit, parents: the base and the head
};

// A lazy walk over commits; see Repository::walk_new.
class CommitWalk {
public:
  virtual ~CommitWalk() = default;
  // The next commit, newest first; nullopt when there are no more.
  virtual std::optional<ObjectId> next() = 0;
};

class Repository {
public:
  virtual ~Repository() = default;

  // Every ref whose full name starts with `prefix`, sorted by name; symbolic
  // refs are resolved.
  virtual std::vector<Ref> refs(std::string_view prefix) const = 0;
  // The type of an object; ObjectType::missing when the repository lacks it.
  virtual ObjectType type(const ObjectId& id) const = 0;
  // Follows tag objects to the commit they name. nullopt when the chain ends
  // at something that is not a commit. Throws Error when an object is missing.
  virtual std::optional<ObjectId> peel_to_commit(const ObjectId& id) const = 0;
  // Throws Error when `id` is missing or not a commit.
  virtual Commit commit(const ObjectId& id) const = 0;
  // When a tag whose ref points at `target` was made: the tagger time of an
  // annotated tag (the tag object `target` itself), else the committer time
  // of the commit it names (a lightweight tag, or a tag object without a
  // tagger). nullopt when `target` does not peel to a commit. Throws Error
  // when an object is missing.
  virtual std::optional<std::int64_t> tag_time(const ObjectId& target) const = 0;
  // When this repository's reflog says `ref` was created here (its oldest
  // entry): on a server with core.logAllRefUpdates=always, when a release
  // was pushed. nullopt without a reflog.
  virtual std::optional<std::int64_t> ref_created(const std::string& ref) const;
  // True when `ancestor` is reachable from `descendant` (or equal to it).
  virtual bool is_ancestor(const ObjectId& ancestor, const ObjectId& descendant) const = 0;
  // The text of the note on `object` in the notes history whose tip is the
  // commit `notes_commit`; nullopt when there is none.
  virtual std::optional<std::string> note(const ObjectId& notes_commit, const ObjectId& object) const = 0;
  // The objects whose note differs between two notes commits (added,
  // changed or removed), sorted; it costs what differs, not every note.
  virtual std::vector<ObjectId> changed_notes(const ObjectId& old_notes, const ObjectId& new_notes) const = 0;
  // The commits reachable from `tip` and from none of `hide`, newest first,
  // one at a time: work grows with the commits taken, not with history.
  virtual std::unique_ptr<CommitWalk> walk_new(const ObjectId& tip, const std::vector<ObjectId>& hide) const = 0;
  // The first-parent chain from `tip` (included) towards `stop` (excluded),
  // newest first, when the implementation can list it without reading every
  // commit (libgit2: from the commit-graph). At most `limit` commits:
  // `complete` when it ended at `stop`; a partial chain only when the
  // implementation can tell that `stop` reaches none of its commits (by
  // generation numbers), else the whole chain or nullopt past `limit`.
  // nullopt also when it cannot list cheaply, or when the chain ends or
  // passes `stop` without meeting it; callers then walk (walk_new).
  virtual std::optional<FirstParents> first_parents(const ObjectId& tip, const ObjectId& stop,
                                                    std::size_t limit) const;
  // All of walk_new's commits, parents before children.
  std::vector<ObjectId> new_commits(const ObjectId& tip, const std::vector<ObjectId>& hide) const;
  // The paths a commit changes against its first parent (every path of its
  // tree for a root commit), without rename detection. Throws TreeTooDeep
  // for a change deeper than k_max_tree_depth.
  virtual std::vector<std::string> changed_paths(const ObjectId& commit) const = 0;
  // True when the commit changes at least one path and `keep` holds for
  // every path it changes; stops at the first path that fails. Throws
  // TreeTooDeep as changed_paths does (unless it stopped before).
  virtual bool changes_only(const ObjectId& commit, const std::function<bool(const std::string& path)>& keep) const;
  // True when `commit` merges exactly two parents and its tree is exactly
  // the tree of their clean merge (merge base found, renames detected, as
  // the implementation merges: libgit2's merge, which differs from git's
  // `ort` on some renames and criss-cross histories). False for any other
  // commit, a merge with conflicts or that cannot be merged, and a merge
  // whose tree differs (an evil merge): callers then judge the merge like a
  // commit, which is the conservative answer. Writes nothing to the
  // repository. (Default: false.)
  virtual bool is_clean_merge(const ObjectId& commit) const;
  // The patch id of a commit's change against its first parent (libgit2's
  // patch id: compare only with ids from the same implementation); nullopt
  // for a root commit or an empty change. Throws TreeTooDeep as
  // changed_paths does.
  virtual std::optional<ObjectId> patch_id(const ObjectId& commit) const = 0;
  // The content of the file at `path` in the tree of `commit` (tags peeled);
  // nullopt when there is no such file.
  virtual std::optional<std::string> read_file(const ObjectId& commit, const std::string& path) const = 0;
  // Calls `visit` with the path and content of every file under the
  // directory `dir` in the tree of `commit`, in git's order, until it returns
  // false. Files over 1 MiB are skipped. False when there is no such
  // directory. Throws TreeTooDeep for a directory deeper than
  // k_max_tree_depth under `dir`.
  virtual bool files_under(const ObjectId& commit, const std::string& dir,
                           const std::function<bool(const std::string& path, const std::string& content)>& visit) const = 0;
  // The commit a platform's merge of a pull request whose head is `head`
  // into a branch at `base` would make, made in memory: its tree is the
  // clean merge of the two commits (over their merge base, as the
  // implementation merges), its parents `base` (squash) or `base` and `head`
  // (merge), its message `message`, its time the later of theirs. This
  // repository knows the commit from then on (commit, walk_new,
  // changed_paths, patch_id, ...); it is never written to the repository.
  // nullopt when the two do not merge cleanly. Throws Error when a commit is
  // missing, TreeTooDeep for a tree deeper than k_max_tree_depth. (Default:
  // an Error, the implementation cannot.)
  virtual std::optional<ObjectId> merge_in_memory(const ObjectId& base, const ObjectId& head, MergeShape shape,
                                                  const std::string& message);
};

// "abc1234" for display.
std::string short_id(const ObjectId& id);

} // namespace relgate::repo
