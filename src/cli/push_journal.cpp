#include "cli/push_journal.hpp"

#include "util/error.hpp"
#include "util/text.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

namespace relgate::cli {

namespace {

constexpr std::time_t k_max_age_seconds = 600;

// The start time of process `pid` (field 22 of /proc/<pid>/stat), which
// tells a process from a later one with the same pid; "" when unknown.
std::string start_time(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!in || !std::getline(in, stat)) return {};
  auto close = stat.rfind(')'); // the command name may hold spaces
  if (close == std::string::npos) return {};
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
    if (i == 22) return field;
  }
  return {};
}

bool alive(pid_t pid, const std::string& started) {
  if (pid <= 0) return false;
  if (::kill(pid, 0) != 0 && errno != EPERM) return false;
  std::string now = start_time(pid);
  return started.empty() || now.empty() || now == started;
}

} // namespace

pid_t PushJournal::receive_pack_pid() {
  if (const char* v = std::getenv("RELGATE_RECEIVE_PACK_PID"); v && *v) {
    char* end = nullptr;
    long pid = std::strtol(v, &end, 10);
    if (end && *end == '\0' && pid > 1) return static_cast<pid_t>(pid);
  }
  return ::getppid();
}

PushJournal::PushJournal(std::string git_dir, pid_t owner, std::chrono::milliseconds wait)
    : m_dir(git_dir + "relgate-pending/"), m_owner(owner) {
  const std::string lock = git_dir + "relgate.lock";
  m_lock = Fd(::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!m_lock) throw Error("cannot open " + lock + ": " + std::strerror(errno));
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (::flock(m_lock.get(), LOCK_EX | LOCK_NB) != 0) {
    if (int e = errno; e != EWOULDBLOCK && e != EINTR) throw Error("cannot lock " + lock + ": " + std::strerror(e));
    if (std::chrono::steady_clock::now() >= deadline) {
      throw Error("another push is still being judged (waited " +
                  std::to_string(std::chrono::duration_cast<std::chrono::seconds>(wait).count()) + " s for " + lock +
                  "); try again");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (::mkdir(m_dir.c_str(), 0755) != 0 && errno != EEXIST) {
    throw Error("cannot create " + m_dir + ": " + std::strerror(errno));
  }
}

policy::RefMap PushJournal::with_pending(policy::RefMap refs) {
  DIR* dir = ::opendir(m_dir.c_str());
  if (!dir) return refs;
  std::vector<std::string> names;
  while (dirent* e = ::readdir(dir)) {
    std::string name = e->d_name;
    if (!name.empty() && name.find_first_not_of("0123456789") == std::string::npos) names.push_back(name);
  }
  ::closedir(dir);
  const std::time_t now = std::time(nullptr);
  for (const auto& name : names) {
    const std::string path = m_dir + name;
    std::ifstream in(path);
    std::string started;
    struct stat st {};
    bool fresh = ::stat(path.c_str(), &st) == 0 && now - st.st_mtime < k_max_age_seconds;
    if (!in || !std::getline(in, started) || !fresh ||
        !alive(static_cast<pid_t>(std::strtol(name.c_str(), nullptr, 10)), started)) {
      ::unlink(path.c_str()); // that push is over
      continue;
    }
    std::string line;
    while (std::getline(in, line)) {
      auto parts = split(line, ' ');
      if (parts.size() != 3) continue;
      std::string ref(parts[2]);
      if (is_zero_id(parts[1])) refs.erase(ref);
      else refs[ref] = std::string(parts[1]);
    }
  }
  return refs;
}

void PushJournal::record(const std::vector<policy::RefUpdate>& updates) {
  if (updates.empty()) return;
  const std::string path = m_dir + std::to_string(m_owner);
  std::string text;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) text = start_time(m_owner) + "\n"; // a new entry starts with the owner's start time
  for (const auto& u : updates) text += u.old_id + " " + u.new_id + " " + u.ref + "\n";
  Fd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644));
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

} // namespace relgate::cli
