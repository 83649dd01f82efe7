#include "git/libgit2_repository.hpp"

#include "git/commit_graph.hpp"
#include "util/error.hpp"
#include "util/fd.hpp"
#include "util/log.hpp"
#include "util/text.hpp"

#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace relgate::git {

namespace {

// Every libgit2 call goes through check(): a negative return becomes an Error
// carrying git_error_last()'s text.
void check(int rc, const std::string& what) {
  if (rc >= 0) return;
  const git_error* e = git_error_last();
  throw Error(what + ": " + (e && e->message ? e->message : "libgit2 error " + std::to_string(rc)));
}

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using ObjectPtr = std::unique_ptr<git_object, Deleter<git_object, git_object_free>>;
using CommitPtr = std::unique_ptr<git_commit, Deleter<git_commit, git_commit_free>>;
using ReferencePtr = std::unique_ptr<git_reference, Deleter<git_reference, git_reference_free>>;
using RefIterPtr = std::unique_ptr<git_reference_iterator, Deleter<git_reference_iterator, git_reference_iterator_free>>;
using NotePtr = std::unique_ptr<git_note, Deleter<git_note, git_note_free>>;
using OdbPtr = std::unique_ptr<git_odb, Deleter<git_odb, git_odb_free>>;
using ConfigPtr = std::unique_ptr<git_config, Deleter<git_config, git_config_free>>;
using RevwalkPtr = std::unique_ptr<git_revwalk, Deleter<git_revwalk, git_revwalk_free>>;
using TreePtr = std::unique_ptr<git_tree, Deleter<git_tree, git_tree_free>>;
using TagPtr = std::unique_ptr<git_tag, Deleter<git_tag, git_tag_free>>;
using DiffPtr = std::unique_ptr<git_diff, Deleter<git_diff, git_diff_free>>;

git_oid to_oid(const repo::ObjectId& id) {
  if (id.size() != GIT_OID_HEXSZ || !is_hex(id)) {
    throw Error("not an object id of this repository: " + printable(id));
  }
  git_oid oid;
  check(git_oid_fromstr(&oid, id.c_str()), "object id " + id);
  return oid;
}

repo::ObjectId to_hex(const git_oid* oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, oid);
  return buf;
}

// Object ids as hash-map keys (they are uniformly distributed already).
struct OidHash {
  std::size_t operator()(const git_oid& id) const {
    std::size_t h;
    std::memcpy(&h, id.id, sizeof h);
    return h;
  }
};
struct OidEq {
  bool operator()(const git_oid& a, const git_oid& b) const { return std::memcmp(a.id, b.id, GIT_OID_RAWSZ) == 0; }
};

// The last commits the walks read from objects, since libgit2 caches no
// commits: the rules read a walk's commits right after it yields them.
class RecentCommits {
public:
  RecentCommits() = default;
  RecentCommits(const RecentCommits&) = delete;
  RecentCommits& operator=(const RecentCommits&) = delete;
  ~RecentCommits() {
    for (git_commit* c : m_slots) git_commit_free(c);
  }

  void keep(git_commit* c) { // takes ownership
    git_commit_free(m_slots[m_next]);
    m_slots[m_next] = c;
    m_next = (m_next + 1) % k_size;
  }
  git_commit* find(const git_oid& id) const {
    for (git_commit* c : m_slots) {
      if (c && git_oid_equal(git_commit_id(c), &id)) return c;
    }
    return nullptr;
  }

private:
  static constexpr std::size_t k_size = 16;
  git_commit* m_slots[k_size] = {};
  std::size_t m_next = 0;
};

struct Libgit2Init {
  Libgit2Init() {
    git_libgit2_init();
    // libgit2 hashes every object it reads again to verify it; git does not.
    // The objects relgate reads were verified when they entered the
    // repository (index-pack hashes every object of a push before the hooks
    // run), and re-hashing large trees was 80% of a frozen-main push here.
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
    // Keep trees up to 1 MiB in libgit2's object cache (default 4 KiB): a
    // commit's tree is read again as its child's parent tree.
    git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, static_cast<size_t>(1) << 20);
    // At most 32 MiB of cached objects (default 256 MiB): the walks of a
    // push of 100,000 commits would otherwise keep every commit read.
    git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, static_cast<ssize_t>(32) << 20);
    // No commits in the cache: the walks take parents and times from the
    // commit-graph (or read a commit once), relgate keeps the commits a rule
    // asks for again, and a cache of every commit of a large push grows the
    // heap by a page fault per page (tests/bench/PERFORMANCE.md).
    git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_COMMIT, static_cast<size_t>(0));
  }
  ~Libgit2Init() { git_libgit2_shutdown(); }
};

} // namespace

std::string libgit2_version() {
  int major = 0, minor = 0, patch = 0;
  git_libgit2_version(&major, &minor, &patch);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

struct Libgit2Repository::Caches {
  // Object types: asked again and again for the same few objects (every
  // message about a commit asks); an object's type never changes, a missing
  // one may arrive.
  std::unordered_map<repo::ObjectId, repo::ObjectType> types;

  // The last few walks that is_ancestor ran to their end, by (descendant,
  // ancestor): the commits only the descendant has, newest first, and the
  // answer. A few, not all: B7 asks about every cherry-pick source of a push.
  struct FullWalk {
    std::shared_ptr<const std::vector<repo::ObjectId>> newest_first;
    bool reached = false;
  };
  static constexpr std::size_t k_kept_walks = 4;
  std::vector<std::pair<std::pair<repo::ObjectId, repo::ObjectId>, FullWalk>> walks; // newest last

  // A commit's tree and first parent, kept for the last commits read
  // (libgit2 caches no commits): changes_only() of a push's commits then
  // reads no commit again.
  struct Shape {
    git_oid tree;
    git_oid parent;
    bool has_parent;
  };
  static constexpr std::size_t k_kept_shapes = 4096;
  std::unordered_map<git_oid, Shape, OidHash, OidEq> shapes;

  RecentCommits recent;

  Shape shape(git_repository* repo, const git_oid& id) {
    if (auto it = shapes.find(id); it != shapes.end()) return it->second;
    git_commit* raw = nullptr;
    check(git_commit_lookup(&raw, repo, &id), "commit " + to_hex(&id));
    CommitPtr c(raw);
    return remember_shape(c.get());
  }
  Shape remember_shape(const git_commit* c) {
    Shape s{*git_commit_tree_id(c), {}, git_commit_parentcount(c) > 0};
    if (s.has_parent) s.parent = *git_commit_parent_id(c, 0);
    if (shapes.size() >= k_kept_shapes) shapes.clear();
    shapes.emplace(*git_commit_id(c), s);
    return s;
  }
};

std::unique_ptr<Libgit2Repository> Libgit2Repository::open(const std::string& path) {
  static Libgit2Init init;
  git_repository* repo = nullptr;
  int rc = path.empty()
               ? git_repository_open_ext(&repo, nullptr, GIT_REPOSITORY_OPEN_FROM_ENV, nullptr)
               : git_repository_open_ext(&repo, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
  if (rc < 0) {
    const git_error* e = git_error_last();
    if (e && e->message && std::string_view(e->message).find("objectformat") != std::string_view::npos) {
      throw Error("SHA-256 repositories are not supported: relgate reads repositories with libgit2 " +
                  std::string(LIBGIT2_VERSION) + ", which knows SHA-1 only; nothing can be judged, so pushes are refused");
    }
    throw Error("not a git repository" + (path.empty() ? std::string() : " (" + path + ")") +
                (e && e->message ? std::string(": ") + e->message : std::string()));
  }
  return std::unique_ptr<Libgit2Repository>(new Libgit2Repository(repo, path.empty(), path));
}

Libgit2Repository::Libgit2Repository(git_repository* repo, bool from_env, std::string path)
    : m_caches(std::make_unique<Caches>()), m_repo(repo), m_path(std::move(path)), m_from_env(from_env) {}
Libgit2Repository::~Libgit2Repository() {
  m_caches.reset(); // the commits it keeps, before their repository
  git_repository_free(m_merge_repo);
  git_repository_free(m_repo);
}

std::string Libgit2Repository::git_dir() const {
  // commondir: the shared git directory, also from inside a worktree.
  std::string dir = git_repository_commondir(m_repo);
  if (!dir.empty() && dir.back() != '/') dir += '/';
  return dir;
}

std::vector<std::string> Libgit2Repository::object_dirs() const {
  // The primary object directory (in a pre-receive hook: git's quarantine),
  // then GIT_ALTERNATE_OBJECT_DIRECTORIES (there: the repository's own
  // objects), then objects/info/alternates: the order libgit2 reads them in.
  std::vector<std::string> dirs;
  const char* primary = m_from_env ? std::getenv("GIT_OBJECT_DIRECTORY") : nullptr;
  std::string objects = primary && *primary ? std::string(primary) : git_dir() + "objects";
  dirs.push_back(objects);
  if (const char* alt = m_from_env ? std::getenv("GIT_ALTERNATE_OBJECT_DIRECTORIES") : nullptr; alt && *alt) {
    for (auto d : split(alt, ':')) {
      if (!d.empty()) dirs.emplace_back(d);
    }
  }
  std::ifstream alternates(objects + "/info/alternates");
  std::string line;
  while (std::getline(alternates, line)) {
    if (line.empty() || line[0] == '#') continue;
    dirs.push_back(line[0] == '/' ? line : objects + "/" + line);
  }
  return dirs;
}

const CommitGraph* Libgit2Repository::graph() const {
  if (m_graph_loaded) return m_graph.get();
  m_graph_loaded = true;
  // As git (commit_graph_compatible): not where grafts or a shallow history
  // change what a commit's parents are, and not when core.commitGraph is false.
  const std::string dir = git_dir();
  if (::access((dir + "shallow").c_str(), F_OK) == 0 || ::access((dir + "info/grafts").c_str(), F_OK) == 0) return nullptr;
  git_config* raw = nullptr;
  if (git_repository_config_snapshot(&raw, m_repo) == 0) {
    ConfigPtr cfg(raw);
    int enabled = 1;
    if (git_config_get_bool(&enabled, cfg.get(), "core.commitGraph") == 0 && !enabled) return nullptr;
  }
  // The first object directory that has one, as git does.
  for (const auto& objects : object_dirs()) {
    std::string why_not;
    m_graph = CommitGraph::load(objects, why_not);
    if (m_graph) {
      log::debug("commit-graph of " + objects + ": " + std::to_string(m_graph->size()) + " commits");
      break;
    }
    if (!why_not.empty()) log::debug("commit-graph not used: " + why_not);
  }
  return m_graph.get();
}

bool Libgit2Repository::is_bare() const { return git_repository_is_bare(m_repo) == 1; }

std::string Libgit2Repository::hooks_dir() const {
  git_config* raw = nullptr;
  check(git_repository_config_snapshot(&raw, m_repo), "reading the git configuration");
  ConfigPtr cfg(raw);
  git_buf buf = GIT_BUF_INIT;
  std::string dir;
  if (git_config_get_path(&buf, cfg.get(), "core.hooksPath") == 0) {
    dir = buf.ptr;
    git_buf_dispose(&buf);
    if (!dir.empty() && dir.front() != '/') {
      // Relative hooksPath is relative to where hooks run: the work tree, or
      // the git directory of a bare repository.
      const char* workdir = git_repository_workdir(m_repo);
      dir = std::string(workdir ? workdir : git_dir()) + dir;
    }
  } else {
    dir = git_dir() + "hooks";
  }
  if (!dir.empty() && dir.back() != '/') dir += '/';
  return dir;
}

std::vector<repo::Ref> Libgit2Repository::refs(std::string_view prefix) const {
  // A glob narrows libgit2's walk of loose refs to the prefix's directory.
  std::string glob = std::string(prefix) + "*";
  git_reference_iterator* raw = nullptr;
  check(git_reference_iterator_glob_new(&raw, m_repo, glob.c_str()), "listing refs");
  RefIterPtr iter(raw);
  std::vector<repo::Ref> out;
  git_reference* ref = nullptr;
  int rc;
  while ((rc = git_reference_next(&ref, iter.get())) == 0) {
    ReferencePtr owned(ref);
    std::string_view name = git_reference_name(ref);
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const git_oid* target = git_reference_target(ref);
    ReferencePtr resolved;
    if (!target) {
      git_reference* r = nullptr;
      if (git_reference_resolve(&r, ref) < 0) continue; // dangling symbolic ref
      resolved.reset(r);
      target = git_reference_target(r);
    }
    out.push_back({std::string(name), to_hex(target)});
  }
  if (rc != GIT_ITEROVER) check(rc, "listing refs");
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

repo::ObjectType Libgit2Repository::type(const repo::ObjectId& id) const {
  // Asked again and again for the same few objects (every message about a
  // commit asks); an object's type never changes, a missing one may arrive.
  auto& types = m_caches->types;
  if (auto known = types.find(id); known != types.end()) return known->second;
  repo::ObjectType t = read_type(id);
  if (t != repo::ObjectType::missing) types.emplace(id, t);
  return t;
}

repo::ObjectType Libgit2Repository::read_type(const repo::ObjectId& id) const {
  git_oid oid = to_oid(id);
  git_odb* raw = nullptr;
  check(git_repository_odb(&raw, m_repo), "opening the object database");
  OdbPtr odb(raw);
  std::size_t len = 0;
  git_object_t t = GIT_OBJECT_INVALID;
  if (git_odb_read_header(&len, &t, odb.get(), &oid) < 0) return repo::ObjectType::missing;
  switch (t) {
  case GIT_OBJECT_COMMIT: return repo::ObjectType::commit;
  case GIT_OBJECT_TREE: return repo::ObjectType::tree;
  case GIT_OBJECT_BLOB: return repo::ObjectType::blob;
  case GIT_OBJECT_TAG: return repo::ObjectType::tag;
  default: return repo::ObjectType::missing;
  }
}

std::optional<repo::ObjectId> Libgit2Repository::peel_to_commit(const repo::ObjectId& id) const {
  git_oid oid = to_oid(id);
  git_object* raw = nullptr;
  check(git_object_lookup(&raw, m_repo, &oid, GIT_OBJECT_ANY), "object " + id);
  ObjectPtr obj(raw);
  git_object* peeled = nullptr;
  int rc = git_object_peel(&peeled, obj.get(), GIT_OBJECT_COMMIT);
  if (rc == GIT_EINVALIDSPEC || rc == GIT_EPEEL || rc == GIT_ENOTFOUND) {
    if (rc == GIT_ENOTFOUND) check(rc, "peeling " + id);
    return std::nullopt;
  }
  check(rc, "peeling " + id);
  ObjectPtr owned(peeled);
  return to_hex(git_object_id(peeled));
}

repo::Commit Libgit2Repository::commit(const repo::ObjectId& id) const {
  git_oid oid = to_oid(id);
  git_commit* c = m_caches->recent.find(oid);
  CommitPtr owned;
  if (!c) {
    check(git_commit_lookup(&c, m_repo, &oid), "commit " + id);
    owned.reset(c);
  }
  repo::Commit out;
  out.id = id;
  out.time = git_commit_time(c);
  m_caches->remember_shape(c);
  const char* msg = git_commit_message_raw(c);
  out.message = msg ? msg : "";
  unsigned n = git_commit_parentcount(c);
  for (unsigned i = 0; i < n; ++i) out.parents.push_back(to_hex(git_commit_parent_id(c, i)));
  return out;
}

std::optional<std::int64_t> Libgit2Repository::tag_time(const repo::ObjectId& target) const {
  auto c = peel_to_commit(target);
  if (!c) return std::nullopt;
  if (type(target) == repo::ObjectType::tag) {
    git_oid oid = to_oid(target);
    git_tag* raw = nullptr;
    check(git_tag_lookup(&raw, m_repo, &oid), "tag " + target);
    TagPtr tag(raw);
    // git's own tags always have a tagger; some imported ones do not.
    if (const git_signature* tagger = git_tag_tagger(tag.get())) return tagger->when.time;
  }
  return commit(*c).time;
}

std::optional<std::int64_t> Libgit2Repository::ref_created(const std::string& ref) const {
  git_reflog* raw = nullptr;
  if (git_reflog_read(&raw, m_repo, ref.c_str()) != 0) return std::nullopt;
  std::unique_ptr<git_reflog, Deleter<git_reflog, git_reflog_free>> log(raw);
  std::size_t n = git_reflog_entrycount(log.get());
  if (n == 0) return std::nullopt;
  const git_reflog_entry* oldest = git_reflog_entry_byindex(log.get(), n - 1); // index 0 is the newest
  const git_signature* who = oldest ? git_reflog_entry_committer(oldest) : nullptr;
  if (!who) return std::nullopt;
  return who->when.time;
}

std::optional<std::string> Libgit2Repository::note(const repo::ObjectId& notes_commit, const repo::ObjectId& object) const {
  git_oid nc = to_oid(notes_commit), o = to_oid(object);
  git_commit* raw = nullptr;
  check(git_commit_lookup(&raw, m_repo, &nc), "notes commit " + notes_commit);
  CommitPtr commit(raw);
  git_note* note = nullptr;
  int rc = git_note_commit_read(&note, m_repo, commit.get(), &o);
  if (rc == GIT_ENOTFOUND) return std::nullopt;
  check(rc, "reading the note of " + repo::short_id(object));
  NotePtr owned(note);
  const char* text = git_note_message(note);
  return std::string(text ? text : "");
}

std::vector<repo::ObjectId> Libgit2Repository::changed_notes(const repo::ObjectId& old_notes,
                                                             const repo::ObjectId& new_notes) const {
  auto tree_of = [this](const repo::ObjectId& id) {
    git_oid oid = to_oid(id);
    git_commit* raw = nullptr;
    check(git_commit_lookup(&raw, m_repo, &oid), "notes commit " + repo::short_id(id));
    CommitPtr c(raw);
    git_tree* tree = nullptr;
    check(git_commit_tree(&tree, c.get()), "tree of " + repo::short_id(id));
    return TreePtr(tree);
  };
  TreePtr a = tree_of(old_notes), b = tree_of(new_notes);
  git_diff* raw = nullptr;
  check(git_diff_tree_to_tree(&raw, m_repo, a.get(), b.get(), nullptr), "comparing notes");
  DiffPtr diff(raw);
  std::vector<repo::ObjectId> out;
  for (std::size_t i = 0, n = git_diff_num_deltas(diff.get()); i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
    // A note's path is its object's id, split by fan-out directories.
    std::string id;
    for (const char* p = d->new_file.path ? d->new_file.path : d->old_file.path; *p; ++p) {
      if (*p != '/') id += *p;
    }
    if ((id.size() == 40 || id.size() == 64) && is_hex(id)) out.push_back(id);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace {

// Paints the graph from the tip and the hidden tips together, newest commit
// first (git's own approach before generation numbers): a commit reached
// only from the tip is new; once every commit still queued is reached from a
// hidden tip, nothing older can be new. Commits come out as they are popped,
// so a caller that stops early pays only for what it took (libgit2's revwalk
// with hidden commits cost far more for a short push to a large repository).
// Past its first k_graph_after commits, parents and commit times come from
// the commit-graph when it has the commit, as in `git rev-list`: reading the
// commit objects was most of a long walk's time. Not before: a short walk's
// commits are read anyway (F1 reads their subjects), and the graph's pages
// would be faults of their own (tests/bench/PERFORMANCE.md). Commits the
// graph lacks (those of the push itself, in git's quarantine) are read.
class PaintWalk final : public repo::CommitWalk {
public:
  PaintWalk(git_repository* repo, const CommitGraph* graph, RecentCommits* recent, const git_oid& tip,
            const std::vector<git_oid>& hide)
      : m_repo(repo), m_graph(graph), m_recent(recent) {
    for (const auto& h : hide) push(h, k_old, find(h));
    push(tip, k_new, find(tip));
  }

  std::optional<repo::ObjectId> next() override {
    while (!m_heap.empty() && m_queued_new > 0) {
      std::pop_heap(m_heap.begin(), m_heap.end(), older);
      Entry e = std::move(m_heap.back());
      m_heap.pop_back();
      ++m_popped;
      unsigned f = m_flags[e.id];
      if (f == k_new) --m_queued_new;
      if (e.pos != CommitGraph::k_none) {
        m_parents.clear();
        m_graph->parents(e.pos, m_parents);
        for (std::uint32_t p : m_parents) push(oid_at(p), f, p);
      } else {
        for (const git_oid& p : e.parents) push(p, f, find(p));
      }
      if (f == k_new) return to_hex(&e.id);
    }
    return std::nullopt;
  }

  // Once next() has returned nullopt: whether the hidden commit `id` is
  // reachable from the tip. Exact for a single hidden commit: the commits
  // between the tip and it descend from it, so none of them is hidden and
  // the walk cannot end before it has painted the hidden commit too.
  bool reached(const git_oid& id) const {
    auto it = m_flags.find(id);
    return it != m_flags.end() && (it->second & k_new);
  }

private:
  enum : unsigned { k_new = 1, k_old = 2 };
  struct Entry {
    git_time_t time;
    git_oid id;
    std::uint32_t pos;            // in the commit-graph, or k_none
    std::vector<git_oid> parents; // read from the commit when it is not in the graph
  };
  static bool older(const Entry& x, const Entry& y) { return x.time < y.time; }

  static constexpr std::size_t k_graph_after = 64;
  std::uint32_t find(const git_oid& id) const {
    return m_graph && m_popped >= k_graph_after ? m_graph->find(id.id) : CommitGraph::k_none;
  }
  git_oid oid_at(std::uint32_t pos) const {
    git_oid id;
    std::memcpy(id.id, m_graph->oid(pos), GIT_OID_RAWSZ);
    return id;
  }

  void push(const git_oid& id, unsigned flag, std::uint32_t pos) {
    auto [it, inserted] = m_flags.try_emplace(id, 0u);
    unsigned before = it->second;
    it->second |= flag;
    if (!inserted) {
      if (before == k_new && (it->second & k_old)) --m_queued_new; // still queued: repainted
      return;
    }
    Entry e{0, id, pos, {}};
    if (pos != CommitGraph::k_none) {
      e.time = m_graph->time(pos);
    } else {
      // Read once (libgit2 caches no commits, see Libgit2Init).
      git_commit* c = m_recent->find(id);
      if (!c) {
        check(git_commit_lookup(&c, m_repo, &id), "commit " + to_hex(&id));
        m_recent->keep(c); // the rules read the commits a walk yields, next
      }
      e.time = git_commit_time(c);
      unsigned n = git_commit_parentcount(c);
      for (unsigned i = 0; i < n; ++i) e.parents.push_back(*git_commit_parent_id(c, i));
    }
    m_heap.push_back(std::move(e));
    std::push_heap(m_heap.begin(), m_heap.end(), older);
    if (it->second == k_new) ++m_queued_new;
  }

  git_repository* m_repo;
  const CommitGraph* m_graph;
  RecentCommits* m_recent;
  std::vector<Entry> m_heap;
  std::unordered_map<git_oid, unsigned, OidHash, OidEq> m_flags;
  std::vector<std::uint32_t> m_parents;
  std::size_t m_queued_new = 0; // queued entries not (yet) reached from a hidden tip
  std::size_t m_popped = 0;
};

} // namespace

namespace {
class ListWalk final : public repo::CommitWalk {
public:
  explicit ListWalk(std::shared_ptr<const std::vector<repo::ObjectId>> newest_first)
      : m_ids(std::move(newest_first)) {}
  std::optional<repo::ObjectId> next() override {
    if (m_pos >= m_ids->size()) return std::nullopt;
    return (*m_ids)[m_pos++];
  }

private:
  std::shared_ptr<const std::vector<repo::ObjectId>> m_ids;
  std::size_t m_pos = 0;
};
} // namespace

std::unique_ptr<repo::CommitWalk> Libgit2Repository::walk_new(const repo::ObjectId& tip,
                                                              const std::vector<repo::ObjectId>& hide) const {
  if (hide.size() == 1) {
    for (const auto& [key, walk] : m_caches->walks) {
      if (key.first == tip && key.second == hide.front()) return std::make_unique<ListWalk>(walk.newest_first);
    }
  }
  std::vector<git_oid> hidden;
  for (const auto& h : hide) hidden.push_back(to_oid(h));
  return std::make_unique<PaintWalk>(m_repo, graph(), &m_caches->recent, to_oid(tip), hidden);
}

std::optional<repo::FirstParents> Libgit2Repository::first_parents(const repo::ObjectId& tip,
                                                                   const repo::ObjectId& stop,
                                                                   std::size_t limit) const {
  const CommitGraph* g = graph();
  if (!g) return std::nullopt; // listing the chain would read every commit: no cheaper than a walk
  const git_oid stop_oid = to_oid(stop);
  git_oid id = to_oid(tip);
  constexpr std::size_t k_max_chain = std::size_t{1} << 22;
  repo::FirstParents out;
  auto& chain = out.chain;
  std::vector<std::uint32_t> parents;
  std::uint32_t pos = g->find(id.id);
  // Generations fall along every parent edge: once the chain is at or below
  // `stop`'s, `stop` is not on it (a release tagged on a merged branch).
  const std::uint32_t stop_pos = g->find(stop_oid.id);
  const std::uint32_t stop_generation = stop_pos == CommitGraph::k_none ? 0 : g->generation(stop_pos);
  while (!git_oid_equal(&id, &stop_oid)) {
    if (chain.size() >= limit) {
      // Partial only when generations prove `stop` reaches none of it.
      if (stop_generation != 0) return out;
      if (chain.size() >= k_max_chain) return std::nullopt;
    }
    if (pos != CommitGraph::k_none && stop_generation != 0 && g->generation(pos) <= stop_generation) return std::nullopt;
    chain.push_back(to_hex(&id));
    if (pos != CommitGraph::k_none) {
      parents.clear();
      g->parents(pos, parents);
      if (parents.empty()) return std::nullopt;
      pos = parents.front();
      std::memcpy(id.id, g->oid(pos), GIT_OID_RAWSZ);
    } else {
      git_commit* c = nullptr;
      check(git_commit_lookup(&c, m_repo, &id), "commit " + to_hex(&id));
      CommitPtr commit(c);
      if (git_commit_parentcount(c) == 0) return std::nullopt;
      id = *git_commit_parent_id(c, 0);
      pos = g->find(id.id);
    }
  }
  out.complete = true;
  return out;
}

bool Libgit2Repository::is_ancestor(const repo::ObjectId& ancestor, const repo::ObjectId& descendant) const {
  if (ancestor == descendant) return true;
  auto& walks = m_caches->walks;
  for (const auto& [key, walk] : walks) {
    if (key.first == descendant && key.second == ancestor) return walk.reached;
  }
  // The walk of what `descendant` has and `ancestor` has not, to its end: it
  // costs what lies between the two (git_graph_descendant_of walked far into
  // history instead: about a second for an old commit of a 200,000-commit
  // repository with libgit2 1.5). The rules that ask whether a branch's old
  // tip is contained in its new one (B3) then ask for the same walk's commits
  // (F1, B4, B7), so the last few such walks are kept for walk_new.
  git_oid a = to_oid(ancestor);
  PaintWalk walk(m_repo, graph(), &m_caches->recent, to_oid(descendant), {a});
  auto ids = std::make_shared<std::vector<repo::ObjectId>>();
  while (auto id = walk.next()) ids->push_back(std::move(*id));
  Caches::FullWalk full{std::move(ids), walk.reached(a)};
  if (walks.size() == Caches::k_kept_walks) walks.erase(walks.begin());
  walks.push_back({{descendant, ancestor}, full});
  return full.reached;
}

namespace {
// What a walk over trees too deep says: `what` names the change ("commit
// abc1234 changes a path").
repo::TreeTooDeep too_deep(const std::string& what, std::string_view path) {
  const std::string where = path.empty() ? "" : " (" + printable(path.substr(0, 60)) + "...)";
  return repo::TreeTooDeep(what + " more than " + std::to_string(repo::k_max_tree_depth) + " directories deep" + where +
                           "; relgate walks no tree that deep (git's own bound, core.maxTreeDepth, is " +
                           std::to_string(repo::k_max_tree_depth) + " too)");
}

// Lists the paths that differ between trees `a` and `b` (either may be null)
// with their entries on each side (null where absent), descending only into
// subtrees whose ids differ. Both trees keep git's entry order, so one
// merge-join pass per level suffices (a tight loop over entries, far
// cheaper than git_diff_tree_to_tree per commit). `emit` returns false
// to stop; the walk then returns false too.
// Iterative, with one path buffer: a walk costs memory in proportion to its
// depth, and the depth is bounded (repo::k_max_tree_depth, else
// TreeTooDeep, `what` naming the change). Recursing with a path per level
// overflowed the stack, and copied a path per level, on deep trees.
// What a walk that reads too many entries says.
repo::TreeTooLarge too_large(const std::string& what, std::size_t bound) {
  return repo::TreeTooLarge(what + ", in a tree of more than " + std::to_string(bound) +
                            " entries (a tree that names one subtree many times multiplies its paths); relgate "
                            "walks no tree that large (limits.tree_entries)");
}
repo::TreeTooLarge push_too_large(const std::string& what) {
  return repo::TreeTooLarge(what + ": this push makes relgate read more tree entries than a push may "
                            "(limits.push_tree_entries); push the change in parts");
}

// The bounds of one walk: the entries it may read (Libgit2Repository::
// bound_tree_walks), and what the handle has left for the push
// (limit_tree_entries), which the walk uses up.
struct WalkBounds {
  std::size_t per_walk;
  std::size_t& push_left;
};

// Counts the entries a walk reads, within its bounds.
class EntryCount {
public:
  EntryCount(WalkBounds bounds, const std::string& what) : m_bounds(bounds), m_what(what) {}
  void operator()() {
    if (++m_read > m_bounds.per_walk) throw too_large(m_what, m_bounds.per_walk);
    if (m_bounds.push_left == 0) throw push_too_large(m_what);
    --m_bounds.push_left;
  }

private:
  std::size_t m_read = 0;
  WalkBounds m_bounds;
  const std::string& m_what;
};

using EmitSides = std::function<bool(const std::string& path, const git_tree_entry* a, const git_tree_entry* b)>;
bool tree_sides(git_repository* repo, const git_tree* a, const git_tree* b, const std::string& what,
                WalkBounds bounds, const EmitSides& emit) {
  EntryCount count(bounds, what);
  struct Level {
    TreePtr owned_a, owned_b; // subtrees; the top two belong to the caller
    const git_tree* a;
    const git_tree* b;
    std::size_t i = 0, j = 0;
    std::size_t path_size = 0; // of `path` at this level: the directory with its '/'
  };
  std::vector<Level> levels;
  levels.push_back({nullptr, nullptr, a, b, 0, 0, 0});
  std::string path;
  auto subtree = [&](const git_tree_entry* e) {
    git_tree* t = nullptr;
    check(git_tree_lookup(&t, repo, git_tree_entry_id(e)), "tree " + path + git_tree_entry_name(e));
    return TreePtr(t);
  };
  // Opens the directory that `ea` (a's side) and `eb` (b's) name, either null.
  auto descend = [&](const git_tree_entry* ea, const git_tree_entry* eb) {
    if (levels.size() >= repo::k_max_tree_depth) throw too_deep(what, path);
    TreePtr ta = ea ? subtree(ea) : nullptr, tb = eb ? subtree(eb) : nullptr;
    path += git_tree_entry_name(ea ? ea : eb);
    path += '/';
    const git_tree* ra = ta.get();
    const git_tree* rb = tb.get();
    levels.push_back({std::move(ta), std::move(tb), ra, rb, 0, 0, path.size()});
  };
  auto is_tree = [](const git_tree_entry* e) { return git_tree_entry_type(e) == GIT_OBJECT_TREE; };
  // An entry one side has and the other has not (or not as a file or a
  // directory alike): every path under it changed.
  auto whole = [&](const git_tree_entry* e, bool on_b) {
    if (is_tree(e)) {
      descend(on_b ? nullptr : e, on_b ? e : nullptr);
      return true;
    }
    return emit(path + git_tree_entry_name(e), on_b ? nullptr : e, on_b ? e : nullptr);
  };
  while (!levels.empty()) {
    Level& l = levels.back();
    path.resize(l.path_size);
    const std::size_t na = l.a ? git_tree_entrycount(l.a) : 0, nb = l.b ? git_tree_entrycount(l.b) : 0;
    if (l.i >= na && l.j >= nb) {
      levels.pop_back();
      continue;
    }
    count();
    const git_tree_entry* ea = l.i < na ? git_tree_entry_byindex(l.a, l.i) : nullptr;
    const git_tree_entry* eb = l.j < nb ? git_tree_entry_byindex(l.b, l.j) : nullptr;
    const int cmp = !ea ? 1 : !eb ? -1 : git_tree_entry_cmp(ea, eb);
    // Advance before anything is pushed: `l` dangles once `levels` grows.
    if (cmp <= 0) ++l.i;
    if (cmp >= 0) ++l.j;
    if (cmp < 0) {
      if (!whole(ea, false)) return false;
    } else if (cmp > 0) {
      if (!whole(eb, true)) return false;
    } else if (!git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)) ||
               git_tree_entry_filemode(ea) != git_tree_entry_filemode(eb)) {
      if (is_tree(ea) && is_tree(eb)) {
        descend(ea, eb);
      } else if (is_tree(ea) || is_tree(eb)) {
        // A file became a directory or the other way round: both sides
        // changed, the file's path first.
        if (!whole(is_tree(ea) ? eb : ea, !is_tree(eb))) return false;
        if (!whole(is_tree(ea) ? ea : eb, is_tree(eb))) return false;
      } else if (!emit(path + git_tree_entry_name(ea), ea, eb)) {
        return false;
      }
    }
  }
  return true;
}

// tree_sides for the paths alone.
bool tree_changes(git_repository* repo, const git_tree* a, const git_tree* b, const repo::ObjectId& commit,
                  WalkBounds bounds, const std::function<bool(const std::string&)>& emit) {
  return tree_sides(repo, a, b, "commit " + repo::short_id(commit) + " changes a path", bounds,
                    [&](const std::string& path, const git_tree_entry*, const git_tree_entry*) { return emit(path); });
}
} // namespace

// Runs tree_changes for `commit` against its first parent. The commits' tree
// ids come from Caches::shape(): F1 has just read each commit (and its parent, the
// commit before it in the push) for its subject.
bool Libgit2Repository::commit_changes(const repo::ObjectId& id, const std::function<bool(const std::string&)>& emit) const {
  auto tree_of = [&](const git_oid& tree_id, const std::string& what) {
    git_tree* t = nullptr;
    check(git_tree_lookup(&t, m_repo, &tree_id), what);
    return TreePtr(t);
  };
  const Caches::Shape s = m_caches->shape(m_repo, to_oid(id));
  TreePtr tree = tree_of(s.tree, "tree of " + repo::short_id(id));
  TreePtr parent_tree;
  if (s.has_parent)
    parent_tree = tree_of(m_caches->shape(m_repo, s.parent).tree, "tree of the parent of " + repo::short_id(id));
  return tree_changes(m_repo, parent_tree.get(), tree.get(), id, {m_tree_entries_per_walk, m_tree_entries_left}, emit);
}

std::vector<std::string> Libgit2Repository::changed_paths(const repo::ObjectId& id) const {
  std::vector<std::string> paths;
  commit_changes(id, [&](const std::string& p) {
    paths.push_back(p);
    return true;
  });
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  return paths;
}

bool Libgit2Repository::changes_only(const repo::ObjectId& id, const std::function<bool(const std::string&)>& keep) const {
  bool any = false;
  bool all = commit_changes(id, [&](const std::string& p) {
    any = true;
    return keep(p);
  });
  return any && all;
}

namespace {
// Sends every object that `repo` writes from now on to a new in-memory store
// (libgit2's mempack, at the highest priority), never to disk; the store is
// the repository's to free. Returns it.
git_odb_backend* write_to_memory(git_repository* repo) {
  git_odb* odb_raw = nullptr;
  check(git_repository_odb(&odb_raw, repo), "opening the object database");
  OdbPtr odb(odb_raw);
  git_odb_backend* mempack = nullptr;
  check(git_mempack_new(&mempack), "making an in-memory object store");
  if (int rc = git_odb_add_backend(odb.get(), mempack, 999); rc < 0) {
    mempack->free(mempack);
    check(rc, "adding an in-memory object store");
  }
  return mempack;
}
} // namespace

git_repository* Libgit2Repository::merge_repo() const {
  if (m_merge_repo) return m_merge_repo;
  // Opened as the first handle was: in a pre-receive hook the merge reads
  // the push's objects from git's quarantine too.
  git_repository* raw = nullptr;
  check(m_from_env ? git_repository_open_ext(&raw, nullptr, GIT_REPOSITORY_OPEN_FROM_ENV, nullptr)
                   : git_repository_open_ext(&raw, m_path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr),
        "opening the repository to merge in");
  std::unique_ptr<git_repository, Deleter<git_repository, git_repository_free>> repo(raw);
  m_mempack = write_to_memory(repo.get());
  m_merge_repo = repo.release();
  return m_merge_repo;
}

namespace {
// One side of a path in a tree comparison: its object and mode (mode 0:
// the path is absent on that side).
struct Side {
  git_oid id{};
  std::uint32_t mode = 0;
  bool operator==(const Side& o) const { return mode == o.mode && (mode == 0 || git_oid_equal(&id, &o.id)); }
};
// Path -> (before, after) for every path that differs between two trees.
using Delta = std::map<std::string, std::pair<Side, Side>>;

Side side_of(const git_tree_entry* e) {
  return e ? Side{*git_tree_entry_id(e), static_cast<std::uint32_t>(git_tree_entry_filemode(e))} : Side{};
}

// The paths that differ between trees `a` and `b` (either may be null), with
// both sides (tree_sides: iterative and bounded; `what` names the change).
void tree_delta(git_repository* repo, const git_tree* a, const git_tree* b, const std::string& what,
                WalkBounds bounds, Delta& out) {
  tree_sides(repo, a, b, what, bounds, [&](const std::string& path, const git_tree_entry* ea, const git_tree_entry* eb) {
    out[path] = {side_of(ea), side_of(eb)};
    return true;
  });
}

// Checks that the tree `top` is at most repo::k_max_tree_depth deep (a tree
// of files alone is 1) and has at most `bound` paths,
// reading each distinct subtree once (`shape_of` keeps them: a tree that
// names one subtree many times costs it once); throws TreeTooDeep or
// TreeTooLarge, `what` naming the change, when it is deeper or larger.
// libgit2's merge indexes every path of both sides and writes its result
// recursively, so it is only given trees within the bounds.
struct TreeShape {
  std::size_t depth = 0;
  std::size_t paths = 0; // at most the bound + 1
};
using TreeShapes = std::unordered_map<git_oid, TreeShape, OidHash, OidEq>;
void check_shape(git_repository* repo, const git_oid& top, TreeShapes& shape_of, const std::string& what,
                 std::size_t bound) {
  struct Level {
    TreePtr tree;
    std::size_t next = 0;
    std::size_t deepest = 0; // of the subtrees seen so far
    std::size_t paths = 0;   // so far
  };
  auto add = [&](std::size_t& paths, std::size_t more) {
    paths = std::min(bound + 1, paths + more);
    if (paths > bound) throw too_large(what, bound);
  };
  if (shape_of.count(top)) return;
  auto open = [&](const git_oid& id) {
    git_tree* t = nullptr;
    check(git_tree_lookup(&t, repo, &id), "tree " + to_hex(&id));
    return Level{TreePtr(t), 0, 0, 0};
  };
  std::vector<Level> levels;
  levels.push_back(open(top));
  while (!levels.empty()) {
    Level& l = levels.back();
    if (l.next < git_tree_entrycount(l.tree.get())) {
      const git_tree_entry* e = git_tree_entry_byindex(l.tree.get(), l.next++);
      if (git_tree_entry_type(e) != GIT_OBJECT_TREE) {
        add(l.paths, 1);
        continue;
      }
      const git_oid& id = *git_tree_entry_id(e);
      if (auto known = shape_of.find(id); known != shape_of.end()) {
        l.deepest = std::max(l.deepest, known->second.depth);
        if (levels.size() + known->second.depth > repo::k_max_tree_depth) throw too_deep(what, "");
        add(l.paths, known->second.paths);
        continue;
      }
      if (levels.size() >= repo::k_max_tree_depth) throw too_deep(what, "");
      levels.push_back(open(id)); // `l` dangles from here
      continue;
    }
    const TreeShape shape{l.deepest + 1, l.paths};
    shape_of.emplace(*git_tree_id(l.tree.get()), shape);
    levels.pop_back();
    if (!levels.empty()) {
      levels.back().deepest = std::max(levels.back().deepest, shape.depth);
      add(levels.back().paths, shape.paths);
    }
  }
}

// Whether `merge`'s tree is the three-way merge of its parents' trees over
// `base`'s, decided path by path where no path was changed differently on
// both sides (then no content merge and no rename can make a difference);
// nullopt where one was (libgit2's merge decides).
std::optional<bool> merge_without_overlap(git_repository* repo, const git_commit* merge, const git_commit* ours,
                                          const git_commit* theirs, const git_oid& base, WalkBounds bounds) {
  auto tree_of = [&](const git_oid* id) {
    git_tree* t = nullptr;
    check(git_tree_lookup(&t, repo, id), "tree " + to_hex(id));
    return TreePtr(t);
  };
  git_commit* base_raw = nullptr;
  check(git_commit_lookup(&base_raw, repo, &base), "commit " + to_hex(&base));
  CommitPtr base_commit(base_raw);
  TreePtr b = tree_of(git_commit_tree_id(base_commit.get())), o = tree_of(git_commit_tree_id(ours)),
          t = tree_of(git_commit_tree_id(theirs)), m = tree_of(git_commit_tree_id(merge));
  Delta d_ours, d_theirs, d_merge;
  const std::string what = "merge " + repo::short_id(to_hex(git_commit_id(merge)));
  tree_delta(repo, b.get(), o.get(), what + "'s first parent changes a path", bounds, d_ours);
  tree_delta(repo, b.get(), t.get(), what + "'s second parent changes a path", bounds, d_theirs);
  tree_delta(repo, o.get(), m.get(), what + " changes a path", bounds, d_merge);
  // The clean merge is ours with their changes applied: what the merge
  // should change against its first parent.
  Delta expected;
  for (const auto& [path, change] : d_theirs) {
    auto it = d_ours.find(path);
    if (it == d_ours.end()) expected.emplace(path, change); // ours has the base's
    else if (!(it->second.second == change.second)) return std::nullopt;
  }
  return d_merge == expected;
}
} // namespace

bool Libgit2Repository::is_clean_merge(const repo::ObjectId& id) const {
  git_oid oid = to_oid(id);
  git_commit* raw = nullptr;
  check(git_commit_lookup(&raw, m_repo, &oid), "commit " + id);
  CommitPtr merge(raw);
  if (git_commit_parentcount(merge.get()) != 2) return false;
  CommitPtr parents[2];
  for (unsigned i = 0; i < 2; ++i) {
    git_commit* p = nullptr;
    check(git_commit_parent(&p, merge.get(), i), "parent of " + repo::short_id(id));
    parents[i].reset(p);
  }
  // Most merges: one merge base, and no path changed differently on both
  // sides. Then the trees decide, compared only where they differ (a
  // merge of libgit2's reads and indexes every path of the tree).
  git_oidarray bases{};
  if (git_merge_bases(&bases, m_repo, git_commit_id(parents[0].get()), git_commit_id(parents[1].get())) == 0) {
    // Disposed also when the walk throws (a tree too deep to walk).
    struct Dispose {
      git_oidarray* a;
      ~Dispose() { git_oidarray_dispose(a); }
    } dispose{&bases};
    std::optional<bool> quick;
    if (bases.count == 1) quick = merge_without_overlap(m_repo, merge.get(), parents[0].get(), parents[1].get(), bases.ids[0],
                                                          {m_tree_entries_per_walk, m_tree_entries_left});
    if (quick) return *quick;
  }
  git_error_clear();
  // Whatever libgit2's merge writes (merged blobs, virtual merge bases of a
  // criss-cross history, the tree compared below) goes to memory and is
  // dropped afterwards.
  // (The commits are read again through that handle: merging follows the
  // objects' own repository.)
  git_repository* repo = merge_repo();
  struct Drop {
    git_odb_backend* mempack;
    ~Drop() { git_mempack_reset(mempack); }
  } drop{m_mempack};
  CommitPtr sides[2];
  for (unsigned i = 0; i < 2; ++i) {
    git_commit* c = nullptr;
    check(git_commit_lookup(&c, repo, git_commit_id(parents[i].get())), "parent of " + repo::short_id(id));
    sides[i].reset(c);
  }
  TreeShapes shape_of;
  for (const auto& side : sides) {
    check_shape(repo, *git_commit_tree_id(side.get()), shape_of,
                "a parent of merge " + repo::short_id(id) + " has a path", m_tree_entries_per_walk);
  }
  // (Not GIT_MERGE_OPTIONS_INIT: clang's -Wmissing-field-initializers
  // refuses its partial initializer under -Werror, the sanitizer build.)
  git_merge_options opts;
  check(git_merge_options_init(&opts, GIT_MERGE_OPTIONS_VERSION), "merge options");
  opts.flags |= GIT_MERGE_FAIL_ON_CONFLICT | GIT_MERGE_SKIP_REUC;
  git_index* index_raw = nullptr;
  if (int rc = git_merge_commits(&index_raw, repo, sides[0].get(), sides[1].get(), &opts); rc < 0) {
    const git_error* e = git_error_last();
    log::debug("no clean merge for " + repo::short_id(id) + ": " + (e && e->message ? e->message : "conflict"));
    return false;
  }
  std::unique_ptr<git_index, Deleter<git_index, git_index_free>> index(index_raw);
  if (git_index_has_conflicts(index.get())) return false;
  git_oid tree;
  check(git_index_write_tree_to(&tree, index.get(), repo), "the tree of the clean merge of " + repo::short_id(id));
  return git_oid_equal(&tree, git_commit_tree_id(merge.get())) == 1;
}

std::optional<repo::ObjectId> Libgit2Repository::merge_in_memory(const repo::ObjectId& base, const repo::ObjectId& head,
                                                                repo::MergeShape shape, const std::string& message) {
  if (!m_made) m_made = write_to_memory(m_repo);
  CommitPtr sides[2];
  const repo::ObjectId* ids[2] = {&base, &head};
  TreeShapes shape_of;
  for (unsigned i = 0; i < 2; ++i) {
    git_oid oid = to_oid(*ids[i]);
    git_commit* c = nullptr;
    check(git_commit_lookup(&c, m_repo, &oid), "commit " + *ids[i]);
    sides[i].reset(c);
    check_shape(m_repo, *git_commit_tree_id(c), shape_of, "commit " + repo::short_id(*ids[i]) + " has a path",
                m_tree_entries_per_walk);
  }
  git_merge_options opts;
  check(git_merge_options_init(&opts, GIT_MERGE_OPTIONS_VERSION), "merge options");
  opts.flags |= GIT_MERGE_FAIL_ON_CONFLICT | GIT_MERGE_SKIP_REUC;
  git_index* index_raw = nullptr;
  if (int rc = git_merge_commits(&index_raw, m_repo, sides[0].get(), sides[1].get(), &opts); rc < 0) {
    if (rc != GIT_EMERGECONFLICT) check(rc, "merging " + repo::short_id(head) + " into " + repo::short_id(base));
    git_error_clear();
    return std::nullopt;
  }
  std::unique_ptr<git_index, Deleter<git_index, git_index_free>> index(index_raw);
  if (git_index_has_conflicts(index.get())) return std::nullopt;
  git_oid tree_id;
  check(git_index_write_tree_to(&tree_id, index.get(), m_repo), "the tree of the merge of " + repo::short_id(head));
  git_tree* tree_raw = nullptr;
  check(git_tree_lookup(&tree_raw, m_repo, &tree_id), "the merged tree");
  TreePtr tree(tree_raw);
  const git_time_t when = std::max(git_commit_time(sides[0].get()), git_commit_time(sides[1].get()));
  git_signature* sig_raw = nullptr;
  check(git_signature_new(&sig_raw, "relgate", "relgate@localhost", when, 0), "a signature");
  std::unique_ptr<git_signature, Deleter<git_signature, git_signature_free>> sig(sig_raw);
  const git_commit* parents[2] = {sides[0].get(), sides[1].get()};
  git_oid made;
  check(git_commit_create(&made, m_repo, nullptr, sig.get(), sig.get(), nullptr, message.c_str(), tree.get(),
                          shape == repo::MergeShape::merge ? 2 : 1, parents),
        "the merged commit");
  return to_hex(&made);
}

std::optional<repo::ObjectId> Libgit2Repository::patch_id(const repo::ObjectId& id) const {
  git_oid oid = to_oid(id);
  git_commit* raw = nullptr;
  check(git_commit_lookup(&raw, m_repo, &oid), "commit " + id);
  CommitPtr c(raw);
  if (git_commit_parentcount(c.get()) == 0) return std::nullopt;
  // libgit2's diff walks what differs too, with no bound of its own: walk
  // it first, bounded (TreeTooDeep).
  commit_changes(id, [](const std::string&) { return true; });
  git_tree* tree_raw = nullptr;
  check(git_commit_tree(&tree_raw, c.get()), "tree of " + repo::short_id(id));
  TreePtr tree(tree_raw);
  git_commit* p = nullptr;
  check(git_commit_parent(&p, c.get(), 0), "first parent of " + repo::short_id(id));
  CommitPtr parent(p);
  git_tree* pt = nullptr;
  check(git_commit_tree(&pt, parent.get()), "tree of the parent of " + repo::short_id(id));
  TreePtr parent_tree(pt);
  git_diff* diff_raw = nullptr;
  check(git_diff_tree_to_tree(&diff_raw, m_repo, parent_tree.get(), tree.get(), nullptr),
        "changes of " + repo::short_id(id));
  std::unique_ptr<git_diff, Deleter<git_diff, git_diff_free>> diff(diff_raw);
  if (git_diff_num_deltas(diff.get()) == 0) return std::nullopt;
  git_oid out;
  check(git_diff_patchid(&out, diff.get(), nullptr), "patch id of " + repo::short_id(id));
  return to_hex(&out);
}

// The entry at `path` in the tree of `id` (tags peeled); null when there is
// no such path or `id` is no commit. Sets `commit_id` to the commit.
std::unique_ptr<git_tree_entry, void (*)(git_tree_entry*)> Libgit2Repository::entry_at(const repo::ObjectId& id,
                                                                                     const std::string& path,
                                                                                     repo::ObjectId& commit_id) const {
  std::unique_ptr<git_tree_entry, void (*)(git_tree_entry*)> none(nullptr, git_tree_entry_free);
  auto peeled = peel_to_commit(id);
  if (!peeled) return none;
  commit_id = *peeled;
  git_oid oid = to_oid(commit_id);
  git_commit* raw = nullptr;
  check(git_commit_lookup(&raw, m_repo, &oid), "commit " + commit_id);
  CommitPtr c(raw);
  git_tree* tree_raw = nullptr;
  check(git_commit_tree(&tree_raw, c.get()), "tree of " + repo::short_id(commit_id));
  TreePtr tree(tree_raw);
  git_tree_entry* entry = nullptr;
  if (git_tree_entry_bypath(&entry, tree.get(), path.c_str()) != 0) return none;
  return {entry, git_tree_entry_free};
}

std::optional<std::string> Libgit2Repository::read_file(const repo::ObjectId& id, const std::string& path) const {
  repo::ObjectId commit_id;
  auto entry = entry_at(id, path, commit_id);
  if (!entry || git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB) return std::nullopt;
  git_blob* blob = nullptr;
  check(git_blob_lookup(&blob, m_repo, git_tree_entry_id(entry.get())), path + " in " + repo::short_id(commit_id));
  std::unique_ptr<git_blob, Deleter<git_blob, git_blob_free>> b(blob);
  const char* data = static_cast<const char*>(git_blob_rawcontent(blob));
  return std::string(data, static_cast<std::size_t>(git_blob_rawsize(blob)));
}

bool Libgit2Repository::files_under(const repo::ObjectId& id, const std::string& dir,
                                    const std::function<bool(const std::string&, const std::string&)>& visit) const {
  repo::ObjectId commit_id;
  auto entry = entry_at(id, dir, commit_id);
  if (!entry || git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE) return false;
  // Pre-order, in git's order (as git_tree_walk, which recurses without a
  // bound), one level of the stack per directory open.
  struct Level {
    TreePtr tree;
    std::size_t next = 0;
    std::size_t path_size = 0; // of `path` at this level
  };
  std::vector<Level> levels;
  std::string path = dir + "/";
  git_tree* top = nullptr;
  check(git_tree_lookup(&top, m_repo, git_tree_entry_id(entry.get())), "tree " + dir);
  levels.push_back({TreePtr(top), 0, path.size()});
  const std::string what = dir + " in " + repo::short_id(commit_id) + " has a path";
  EntryCount count({m_tree_entries_per_walk, m_tree_entries_left}, what);
  while (!levels.empty()) {
    Level& l = levels.back();
    path.resize(l.path_size);
    if (l.next >= git_tree_entrycount(l.tree.get())) {
      levels.pop_back();
      continue;
    }
    count();
    const git_tree_entry* e = git_tree_entry_byindex(l.tree.get(), l.next++);
    if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
      if (levels.size() >= repo::k_max_tree_depth) {
        throw repo::TreeTooDeep(dir + " in " + repo::short_id(commit_id) + " is more than " +
                                std::to_string(repo::k_max_tree_depth) +
                                " directories deep; relgate walks no tree that deep");
      }
      git_tree* sub = nullptr;
      check(git_tree_lookup(&sub, m_repo, git_tree_entry_id(e)), "tree " + path + git_tree_entry_name(e));
      path += git_tree_entry_name(e);
      path += '/';
      levels.push_back({TreePtr(sub), 0, path.size()});
      continue;
    }
    if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) continue;
    git_blob* blob = nullptr;
    if (git_blob_lookup(&blob, m_repo, git_tree_entry_id(e)) != 0) continue;
    std::unique_ptr<git_blob, Deleter<git_blob, git_blob_free>> b(blob);
    auto size = static_cast<std::size_t>(git_blob_rawsize(blob));
    if (size > (std::size_t{1} << 20)) continue;
    std::string content(static_cast<const char*>(git_blob_rawcontent(blob)), size);
    if (!visit(path + git_tree_entry_name(e), content)) break;
  }
  return true;
}

void Libgit2Repository::write_ref(const std::string& name, const repo::ObjectId& target, const std::string& log_message) {
  git_oid oid = to_oid(target);
  git_reference* ref = nullptr;
  check(git_reference_create(&ref, m_repo, name.c_str(), &oid, 1, log_message.c_str()), "writing " + name);
  git_reference_free(ref);
}

std::string Libgit2Repository::work_dir() const {
  const char* dir = git_repository_workdir(m_repo);
  return dir ? dir : "";
}

void Libgit2Repository::delete_ref(const std::string& name) {
  git_reference* ref = nullptr;
  int rc = git_reference_lookup(&ref, m_repo, name.c_str());
  if (rc == GIT_ENOTFOUND) return;
  check(rc, "looking up " + name);
  ReferencePtr owned(ref);
  check(git_reference_delete(ref), "deleting " + name);
}

std::optional<repo::ObjectId> Libgit2Repository::ref_target(const std::string& ref) const {
  git_oid oid;
  int rc = git_reference_name_to_id(&oid, m_repo, ref.c_str());
  if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) return std::nullopt;
  check(rc, "reading " + ref);
  return to_hex(&oid);
}

std::optional<std::string> Libgit2Repository::symbolic_target(const std::string& ref) const {
  // git keeps symbolic refs as loose files only (packed-refs cannot hold
  // them): a ref without a loose file that starts "ref: " is not symbolic,
  // and the hooks ask this for every ref of a push: one open() that fails
  // is much cheaper than libgit2's lookup of a ref.
  {
    char head[5];
    Fd fd(::open((git_dir() + ref).c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd || ::read(fd.get(), head, sizeof head) != static_cast<ssize_t>(sizeof head) ||
        std::memcmp(head, "ref: ", sizeof head) != 0) {
      return std::nullopt;
    }
  }
  std::string name = ref;
  bool symbolic = false;
  for (int depth = 0; depth <= 5; ++depth) { // git follows at most 5 levels (SYMREF_MAXDEPTH)
    git_reference* raw = nullptr;
    int rc = git_reference_lookup(&raw, m_repo, name.c_str());
    if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) {
      return symbolic ? std::optional(name) : std::nullopt; // a dangling symbolic ref, or no ref
    }
    check(rc, "reading " + name);
    ReferencePtr r(raw);
    if (git_reference_type(r.get()) != GIT_REFERENCE_SYMBOLIC) return symbolic ? std::optional(name) : std::nullopt;
    symbolic = true;
    name = git_reference_symbolic_target(r.get());
  }
  throw Error(ref + " is a chain of symbolic refs deeper than git follows");
}

std::map<std::string, std::string> Libgit2Repository::symbolic_targets(const std::vector<std::string>& refs) const {
  std::map<std::string, std::vector<const std::string*>> by_dir; // "refs/tags/" -> refs in it
  for (const auto& r : refs) by_dir[r.substr(0, r.rfind('/') + 1)].push_back(&r);
  std::map<std::string, std::string> out;
  for (const auto& [dir, in_dir] : by_dir) {
    DIR* d = ::opendir((git_dir() + dir).c_str());
    if (!d) continue; // no loose refs there
    std::unordered_set<std::string> loose;
    while (dirent* e = ::readdir(d)) loose.insert(e->d_name);
    ::closedir(d);
    for (const std::string* r : in_dir) {
      if (!loose.count(r->substr(dir.size()))) continue;
      if (auto target = symbolic_target(*r)) out.emplace(*r, *target);
    }
  }
  return out;
}

repo::ObjectId Libgit2Repository::resolve_commit(const std::string& revision) const {
  git_object* raw = nullptr;
  if (revision.empty() || git_revparse_single(&raw, m_repo, revision.c_str()) != 0) {
    throw Error("unknown revision " + printable(revision) + " (a commit id, branch, tag or HEAD~N)");
  }
  ObjectPtr obj(raw);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, obj.get(), GIT_OBJECT_COMMIT) != 0) {
    throw Error(printable(revision) + " does not name a commit");
  }
  ObjectPtr commit(peeled);
  return to_hex(git_object_id(commit.get()));
}

repo::ObjectId Libgit2Repository::write_note(const std::string& notes_ref, const repo::ObjectId& object,
                                            const std::string& text) {
  git_oid target = to_oid(object);
  git_signature* sig = nullptr;
  if (git_signature_default(&sig, m_repo) != 0) {
    check(git_signature_now(&sig, "relgate", "relgate@localhost"), "making a signature for the note");
  }
  std::unique_ptr<git_signature, Deleter<git_signature, git_signature_free>> owned(sig);
  git_oid note_blob;
  check(git_note_create(&note_blob, m_repo, notes_ref.c_str(), sig, sig, &target, text.c_str(), /*force=*/1),
        "writing the note of " + repo::short_id(object) + " on " + notes_ref);
  git_oid tip;
  check(git_reference_name_to_id(&tip, m_repo, notes_ref.c_str()), "reading " + notes_ref);
  return to_hex(&tip);
}

std::vector<std::string> Libgit2Repository::config_values(const std::string& name) const {
  git_config* raw = nullptr;
  check(git_repository_config_snapshot(&raw, m_repo), "reading the git configuration");
  ConfigPtr cfg(raw);
  std::vector<std::string> out;
  git_config_iterator* it = nullptr;
  if (git_config_multivar_iterator_new(&it, cfg.get(), name.c_str(), nullptr) < 0) return out;
  git_config_entry* entry = nullptr;
  while (git_config_next(&entry, it) == 0) out.emplace_back(entry->value ? entry->value : "");
  git_config_iterator_free(it);
  return out;
}

namespace {
ConfigPtr local_config(git_repository* repo) {
  git_config* all = nullptr;
  check(git_repository_config(&all, repo), "opening the git configuration");
  ConfigPtr owned(all);
  git_config* local = nullptr;
  check(git_config_open_level(&local, all, GIT_CONFIG_LEVEL_LOCAL), "opening the repository's git configuration");
  return ConfigPtr(local);
}
} // namespace

void Libgit2Repository::set_config(const std::string& name, const std::string& value) {
  auto cfg = local_config(m_repo);
  check(git_config_set_string(cfg.get(), name.c_str(), value.c_str()), "setting " + name);
}

std::vector<std::string> Libgit2Repository::remotes() const {
  git_config* raw = nullptr;
  check(git_repository_config_snapshot(&raw, m_repo), "reading the git configuration");
  ConfigPtr cfg(raw);
  std::set<std::string> names;
  git_config_iterator* it = nullptr;
  check(git_config_iterator_new(&it, cfg.get()), "reading the git configuration");
  git_config_entry* entry = nullptr;
  while (git_config_next(&entry, it) == 0) {
    std::string_view key = entry->name;
    if (key.substr(0, 7) != "remote.") continue;
    auto dot = key.rfind('.');
    if (dot > 7) names.emplace(key.substr(7, dot - 7));
  }
  git_config_iterator_free(it);
  return {names.begin(), names.end()};
}

bool Libgit2Repository::has_remote(const std::string& name) const {
  auto all = remotes();
  return std::binary_search(all.begin(), all.end(), name);
}

} // namespace relgate::git
