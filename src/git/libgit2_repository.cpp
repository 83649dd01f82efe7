#include "git/libgit2_repository.hpp"

#include "util/error.hpp"
#include "util/text.hpp"

#include <git2.h>

#include <algorithm>
#include <memory>

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

struct Libgit2Init {
  Libgit2Init() { git_libgit2_init(); }
  ~Libgit2Init() { git_libgit2_shutdown(); }
};

} // namespace

std::unique_ptr<Libgit2Repository> Libgit2Repository::open(const std::string& path) {
  static Libgit2Init init;
  git_repository* repo = nullptr;
  int rc = path.empty()
               ? git_repository_open_ext(&repo, nullptr, GIT_REPOSITORY_OPEN_FROM_ENV, nullptr)
               : git_repository_open_ext(&repo, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
  if (rc < 0) {
    const git_error* e = git_error_last();
    throw Error("not a git repository" + (path.empty() ? std::string() : " (" + path + ")") +
                (e && e->message ? std::string(": ") + e->message : std::string()));
  }
  return std::unique_ptr<Libgit2Repository>(new Libgit2Repository(repo));
}

Libgit2Repository::Libgit2Repository(git_repository* repo) : m_repo(repo) {}
Libgit2Repository::~Libgit2Repository() { git_repository_free(m_repo); }

std::string Libgit2Repository::git_dir() const {
  // commondir: the shared git directory, also from inside a worktree.
  std::string dir = git_repository_commondir(m_repo);
  if (!dir.empty() && dir.back() != '/') dir += '/';
  return dir;
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
  git_reference_iterator* raw = nullptr;
  check(git_reference_iterator_new(&raw, m_repo), "listing refs");
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
  git_commit* raw = nullptr;
  check(git_commit_lookup(&raw, m_repo, &oid), "commit " + id);
  CommitPtr c(raw);
  repo::Commit out;
  out.id = id;
  out.time = git_commit_time(c.get());
  const char* msg = git_commit_message_raw(c.get());
  out.message = msg ? msg : "";
  unsigned n = git_commit_parentcount(c.get());
  for (unsigned i = 0; i < n; ++i) out.parents.push_back(to_hex(git_commit_parent_id(c.get(), i)));
  return out;
}

bool Libgit2Repository::is_ancestor(const repo::ObjectId& ancestor, const repo::ObjectId& descendant) const {
  if (ancestor == descendant) return true;
  git_oid a = to_oid(ancestor), d = to_oid(descendant);
  int rc = git_graph_descendant_of(m_repo, &d, &a);
  check(rc, "checking whether " + repo::short_id(ancestor) + " is an ancestor of " + repo::short_id(descendant));
  return rc == 1;
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

std::vector<repo::ObjectId> Libgit2Repository::new_commits(const repo::ObjectId& tip,
                                                           const std::vector<repo::ObjectId>& hide) const {
  git_revwalk* raw = nullptr;
  check(git_revwalk_new(&raw, m_repo), "starting a revision walk");
  RevwalkPtr walk(raw);
  check(git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE), "sorting a revision walk");
  git_oid t = to_oid(tip);
  check(git_revwalk_push(walk.get(), &t), "walking from " + repo::short_id(tip));
  for (const auto& h : hide) {
    git_oid o = to_oid(h);
    check(git_revwalk_hide(walk.get(), &o), "hiding " + repo::short_id(h));
  }
  std::vector<repo::ObjectId> out;
  git_oid next;
  int rc;
  while ((rc = git_revwalk_next(&next, walk.get())) == 0) out.push_back(to_hex(&next));
  if (rc != GIT_ITEROVER) check(rc, "walking from " + repo::short_id(tip));
  return out;
}

std::vector<std::string> Libgit2Repository::changed_paths(const repo::ObjectId& id) const {
  git_oid oid = to_oid(id);
  git_commit* raw = nullptr;
  check(git_commit_lookup(&raw, m_repo, &oid), "commit " + id);
  CommitPtr c(raw);
  git_tree* tree_raw = nullptr;
  check(git_commit_tree(&tree_raw, c.get()), "tree of " + repo::short_id(id));
  TreePtr tree(tree_raw);
  TreePtr parent_tree;
  if (git_commit_parentcount(c.get()) > 0) {
    git_commit* p = nullptr;
    check(git_commit_parent(&p, c.get(), 0), "first parent of " + repo::short_id(id));
    CommitPtr parent(p);
    git_tree* pt = nullptr;
    check(git_commit_tree(&pt, parent.get()), "tree of the parent of " + repo::short_id(id));
    parent_tree.reset(pt);
  }
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.flags |= GIT_DIFF_SKIP_BINARY_CHECK;
  git_diff* diff_raw = nullptr;
  check(git_diff_tree_to_tree(&diff_raw, m_repo, parent_tree.get(), tree.get(), &opts),
        "changes of " + repo::short_id(id));
  DiffPtr diff(diff_raw);
  std::vector<std::string> paths;
  std::size_t n = git_diff_num_deltas(diff.get());
  for (std::size_t i = 0; i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
    const char* path = d->new_file.path ? d->new_file.path : d->old_file.path;
    if (path) paths.emplace_back(path);
  }
  return paths;
}

void Libgit2Repository::write_ref(const std::string& name, const repo::ObjectId& target, const std::string& log_message) {
  git_oid oid = to_oid(target);
  git_reference* ref = nullptr;
  check(git_reference_create(&ref, m_repo, name.c_str(), &oid, 1, log_message.c_str()), "writing " + name);
  git_reference_free(ref);
}

void Libgit2Repository::delete_ref(const std::string& name) {
  git_reference* ref = nullptr;
  int rc = git_reference_lookup(&ref, m_repo, name.c_str());
  if (rc == GIT_ENOTFOUND) return;
  check(rc, "looking up " + name);
  ReferencePtr owned(ref);
  check(git_reference_delete(ref), "deleting " + name);
}

} // namespace relgate::git
