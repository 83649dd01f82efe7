#include "cli/push_journal.hpp"

#include "util/error.hpp"
#include "util/log.hpp"
#include "util/text.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <limits>
#include <sstream>
#include <thread>

namespace relgate::cli {

namespace {

constexpr std::time_t k_max_age_seconds = 600;      // an entry whose receive-pack still lives
constexpr std::time_t k_unwatched_age_seconds = 10; // an entry with no process to watch (GitLab)
constexpr std::chrono::milliseconds k_lock_poll{5}, k_landing_poll{10};

// Fields of /proc/<pid>/stat that matter here.
struct Stat {
  char state = '?';
  pid_t ppid = 0;
  std::string started; // field 22, the start time in clock ticks since boot
};

std::optional<Stat> read_stat(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!in || !std::getline(in, stat)) return std::nullopt;
  auto close = stat.rfind(')'); // the command name may hold spaces and parentheses
  if (close == std::string::npos || close + 2 > stat.size()) return std::nullopt;
  std::istringstream fields(stat.substr(close + 2));
  Stat out;
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
    if (i == 3) out.state = field.empty() ? '?' : field[0];
    if (i == 4) out.ppid = static_cast<pid_t>(std::strtol(field.c_str(), nullptr, 10));
    if (i == 22) out.started = field;
  }
  if (out.started.empty()) return std::nullopt;
  return out;
}

// `git receive-pack ...` (git daemon, http-backend, Gitea, ssh's `git
// receive-pack`) or `git-receive-pack ...` (ssh, the local transport).
bool is_receive_pack(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto args = split(cmdline, '\0');
  if (args.empty()) return false;
  std::string_view argv0 = args.front();
  if (auto slash = argv0.rfind('/'); slash != std::string_view::npos) argv0 = argv0.substr(slash + 1);
  if (argv0 == "git-receive-pack") return true;
  if (argv0 != "git") return false;
  return std::find(args.begin() + 1, args.end(), std::string_view("receive-pack")) != args.end();
}

// The process is that one and has not exited (a zombie has exited).
bool alive(pid_t pid, const std::string& started) {
  if (pid <= 1) return false;
  if (::kill(pid, 0) != 0 && errno != EPERM) return false;
  auto stat = read_stat(pid);
  if (!stat) return false;
  return stat->started == started && stat->state != 'Z' && stat->state != 'X';
}

// One file of relgate-pending/.
struct Entry {
  std::string path;
  std::optional<PushJournal::Process> owner; // nullopt: unwatched
  std::vector<policy::RefUpdate> updates;
  std::time_t mtime = 0;
};

// nullopt for a file that is not an entry (removed by the caller).
std::optional<Entry> read_entry(const std::string& dir, const std::string& name) {
  Entry e;
  e.path = dir + name;
  bool unwatched = starts_with(name, "u");
  auto pid = parse_uint(unwatched ? name.substr(1) : name, std::numeric_limits<pid_t>::max());
  if (!pid) return std::nullopt;
  struct stat st {};
  std::ifstream in(e.path);
  std::string first;
  if (::stat(e.path.c_str(), &st) != 0 || !in || !std::getline(in, first)) return std::nullopt;
  e.mtime = st.st_mtime;
  if (!unwatched) e.owner = PushJournal::Process{static_cast<pid_t>(*pid), first};
  std::string line;
  while (std::getline(in, line)) {
    auto parts = split(line, ' ');
    if (parts.size() != 3) return std::nullopt;
    e.updates.push_back({std::string(parts[2]), std::string(parts[0]), std::string(parts[1])});
  }
  return e;
}

std::vector<std::string> entry_names(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return names;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != ".." && name.find(".tmp") == std::string::npos) names.push_back(name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

bool has_value(const PushJournal::RefLookup& lookup, const std::string& ref, const std::string& id) {
  auto now = lookup(ref);
  return is_zero_id(id) ? !now.has_value() : now == id;
}

// Whether another push's entry still stands for a push that may land.
bool unfinished(const Entry& e, const PushJournal::RefLookup& lookup, std::time_t now) {
  if (now - e.mtime >= (e.owner ? k_max_age_seconds : k_unwatched_age_seconds)) return false;
  if (e.owner && !alive(e.owner->pid, e.owner->started)) return false;
  return !std::all_of(e.updates.begin(), e.updates.end(),
                      [&](const policy::RefUpdate& u) { return has_value(lookup, u.ref, u.new_id); });
}

void write_all(const std::string& path, const std::string& text, int flags) {
  Fd fd(::open(path.c_str(), flags | O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  if (!fd) throw Error("cannot write " + path + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = errno;
      throw Error("cannot write " + path + ": " + std::strerror(e));
    }
    done += static_cast<std::size_t>(n);
  }
}

std::string seconds(std::chrono::milliseconds wait) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(wait).count()) + " s";
}

// The nearest `git receive-pack` at `pid` or above it.
std::optional<PushJournal::Process> receive_pack_from(pid_t pid) {
  for (int depth = 0; depth < 32 && pid > 1; ++depth) {
    auto stat = read_stat(pid);
    if (!stat) return std::nullopt;
    if (is_receive_pack(pid)) return PushJournal::Process{pid, stat->started};
    pid = stat->ppid;
  }
  return std::nullopt;
}

// Whether a process started with the variable `entry` ("NAME=value") in its
// environment (/proc/<pid>/environ: entries ended by NUL; false when it
// cannot be read: another account's, or gone). One read, no copies per
// entry: a GitLab host runs many processes under the account that runs
// Gitaly's hooks, and each is looked at.
bool started_with(pid_t pid, std::string_view entry) {
  Fd fd(::open(("/proc/" + std::to_string(pid) + "/environ").c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return false;
  std::string text(1, '\0'); // so the first entry, too, follows a NUL
  char buf[16384];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  std::string needle(1, '\0');
  needle.append(entry);
  needle.push_back('\0');
  if (text.back() != '\0') text.push_back('\0');
  return text.find(needle) != std::string::npos;
}
} // namespace

std::optional<PushJournal::Process> PushJournal::receiving_process() { return receive_pack_from(::getppid()); }

std::optional<PushJournal::Process> PushJournal::receiving_process_of_objects(const std::string& object_dir) {
  if (object_dir.empty()) return std::nullopt;
  const std::string wanted = "GIT_OBJECT_DIRECTORY=" + object_dir;
  const uid_t me = ::geteuid();
  const pid_t self = ::getpid();
  DIR* d = ::opendir("/proc");
  if (!d) return std::nullopt;
  std::optional<Process> found;
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (!is_digits(name)) continue;
    const auto pid = static_cast<pid_t>(std::strtol(name.c_str(), nullptr, 10));
    struct stat st {};
    if (pid == self || ::stat(("/proc/" + name).c_str(), &st) != 0 || st.st_uid != me) continue;
    if (!started_with(pid, wanted)) continue;
    // git's hook (gitaly-hooks) has receive-pack as its parent; Gitaly's
    // other custom hooks of this push have Gitaly above them and no
    // receive-pack.
    auto stat = read_stat(pid);
    if (!stat) continue;
    if (auto owner = receive_pack_from(stat->ppid)) {
      found = owner;
      break;
    }
  }
  ::closedir(d);
  return found;
}

std::optional<PushJournal::Process> PushJournal::process(pid_t pid) {
  auto stat = read_stat(pid);
  if (!stat) return std::nullopt;
  return Process{pid, stat->started};
}

PushJournal::PushJournal(std::string git_dir, std::optional<Process> owner, bool unwatched)
    : m_git_dir(std::move(git_dir)), m_dir(m_git_dir + "relgate-pending/"), m_owner(std::move(owner)),
      m_unwatched(unwatched) {}

bool PushJournal::lock(std::chrono::steady_clock::time_point deadline) {
  const std::string path = m_git_dir + "relgate.lock";
  if (!m_lock) {
    m_lock = Fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (!m_lock) throw Error("cannot open " + path + ": " + std::strerror(errno));
  }
  while (::flock(m_lock.get(), LOCK_EX | LOCK_NB) != 0) {
    if (int e = errno; e != EWOULDBLOCK && e != EINTR) throw Error("cannot lock " + path + ": " + std::strerror(e));
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(k_lock_poll);
  }
  if (::mkdir(m_dir.c_str(), 0755) != 0 && errno != EEXIST) {
    throw Error("cannot create " + m_dir + ": " + std::strerror(errno));
  }
  return true;
}

void PushJournal::unlock() { ::flock(m_lock.get(), LOCK_UN); }

std::string PushJournal::entry_path() const {
  if (m_owner) return m_dir + std::to_string(m_owner->pid);
  if (m_unwatched) return m_dir + "u" + std::to_string(::getpid());
  return {};
}

policy::RefMap PushJournal::settle(std::chrono::milliseconds wait, const std::function<policy::RefMap()>& read_refs,
                                   const RefLookup& lookup) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  bool told = false;
  for (;;) {
    if (!lock(deadline)) {
      throw Error("another push is still being judged (waited " + seconds(wait) + " for " + m_git_dir +
                  "relgate.lock); try again");
    }
    const std::time_t now = std::time(nullptr);
    std::vector<policy::RefUpdate> own;
    std::string landing; // an unfinished entry of another push
    for (const auto& name : entry_names(m_dir)) {
      auto e = read_entry(m_dir, name);
      if (!e) {
        ::unlink((m_dir + name).c_str()); // not an entry of this relgate's
        continue;
      }
      bool mine = m_owner && e->owner && e->owner->pid == m_owner->pid && e->owner->started == m_owner->started;
      if (mine) {
        if (now - e->mtime < k_max_age_seconds) own = std::move(e->updates);
      } else if (unfinished(*e, lookup, now)) {
        landing = e->owner ? "its receive-pack is process " + std::to_string(e->owner->pid) : name;
        break;
      } else {
        ::unlink(e->path.c_str()); // that push is over
      }
    }
    if (landing.empty()) {
      policy::RefMap refs = read_refs();
      // This push's earlier refs (update hook) count until written; a newer
      // real value wins.
      for (const auto& u : own) {
        if (!has_value(lookup, u.ref, u.old_id)) continue;
        if (u.is_delete()) refs.erase(u.ref);
        else refs[u.ref] = u.new_id;
      }
      return refs;
    }
    unlock();
    if (std::chrono::steady_clock::now() >= deadline) {
      throw Error("a push accepted before this one is still landing (waited " + seconds(wait) + "; " + landing +
                  ", see " + m_dir + "); try again");
    }
    if (!told) {
      log::warn("relgate: note: a push accepted before this one is still landing; waiting for it (at most " +
                seconds(wait) + ")");
      told = true;
    }
    std::this_thread::sleep_for(k_landing_poll);
  }
}

void PushJournal::record(const std::vector<policy::RefUpdate>& updates) {
  const std::string path = entry_path();
  if (path.empty() || updates.empty()) return;
  std::string text;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) text = (m_owner ? m_owner->started : std::string("-")) + "\n";
  for (const auto& u : updates) text += u.old_id + " " + u.new_id + " " + u.ref + "\n";
  write_all(path, text, O_APPEND);
}

void PushJournal::forget(std::chrono::milliseconds wait, const std::optional<policy::RefUpdate>& only) {
  const std::string path = entry_path();
  if (!m_owner) return; // an unwatched entry is never this process's
  if (!lock(std::chrono::steady_clock::now() + wait)) {
    throw Error("cannot lock " + m_git_dir + "relgate.lock within " + seconds(wait) +
                " to forget a refused push; it counts until its receive-pack exits");
  }
  auto e = read_entry(m_dir, std::to_string(m_owner->pid));
  if (!e || !e->owner || e->owner->started != m_owner->started) return; // nothing recorded for this push
  if (!only) {
    ::unlink(path.c_str());
    return;
  }
  std::string text = e->owner->started + "\n";
  for (const auto& u : e->updates) {
    if (u.ref == only->ref && u.old_id == only->old_id && u.new_id == only->new_id) continue;
    text += u.old_id + " " + u.new_id + " " + u.ref + "\n";
  }
  const std::string tmp = path + ".tmp";
  write_all(tmp, text, O_TRUNC);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw Error("cannot replace " + path + ": " + std::strerror(errno));
}

} // namespace relgate::cli
