#include "cli/audit_log.hpp"

#include "util/error.hpp"
#include "util/fd.hpp"
#include "util/text.hpp"
#include "util/unicode.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <unordered_map>

namespace relgate::cli {

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    char buf[8];
    if (c >= 0x80) {
      if (std::size_t len = unicode::utf8_length(s, i)) {
        out.append(s, i, len); // UTF-8 as it is
        i += len;
      } else {
        std::snprintf(buf, sizeof buf, "\\\\x%02x", c); // not UTF-8: \xNN, as text
        out += buf;
        ++i;
      }
      continue;
    }
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    case '\r': out += "\\r"; break;
    default:
      if (c < 0x20 || c == 0x7f) {
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      } else {
        out += static_cast<char>(c);
      }
    }
    ++i;
  }
  return out + "\"";
}

namespace {
std::string now_utc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Appends `lines` to the log at `path` whole or not at all, under an
// exclusive lock (every relgate writer takes it).
void append_whole(const std::string& path, std::string lines) {
  Fd fd(::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640));
  if (!fd) throw Error("cannot open the audit log " + path + ": " + std::strerror(errno));
  int rc;
  while ((rc = ::flock(fd.get(), LOCK_EX)) != 0 && errno == EINTR) {
  }
  struct stat st {};
  if (rc != 0 || ::fstat(fd.get(), &st) != 0) throw Error("cannot lock the audit log " + path + ": " + std::strerror(errno));
  const off_t start = st.st_size;
  // A fragment from elsewhere (a crash mid-line, an older relgate): end it,
  // so this push's lines start on a line of their own.
  char last = '\n';
  if (start > 0 && ::pread(fd.get(), &last, 1, start - 1) == 1 && last != '\n') lines.insert(0, 1, '\n');
  // Past a file size limit the kernel sends SIGXFSZ, which would end the
  // process mid-line; ignored, the write fails with EFBIG instead.
  struct sigaction ignore {}, saved {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGXFSZ, &ignore, &saved);
  std::size_t done = 0;
  int error = 0;
  while (done < lines.size()) {
    ssize_t n = ::write(fd.get(), lines.data() + done, lines.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = n < 0 ? errno : ENOSPC;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  ::sigaction(SIGXFSZ, &saved, nullptr);
  if (error == 0) return;
  // A short write (a full disk) leaves part of a line: take it back.
  if (done > 0 && ::fstat(fd.get(), &st) == 0 && st.st_size > start) {
    while (::ftruncate(fd.get(), start) != 0 && errno == EINTR) {
    }
  }
  throw Error("cannot write the audit log " + path + ": " + std::strerror(error));
}
} // namespace

AuditRecord::AuditRecord(std::string path, std::string hook) : m_path(std::move(path)), m_hook(std::move(hook)) {}

void AuditRecord::judged(const policy::Request& request, const policy::Verdict& verdict) {
  if (m_path.empty()) return;
  const std::string time = now_utc();
  // Violations by ref: a push of many refs stays linear.
  std::unordered_map<std::string, std::vector<const policy::Violation*>> by_ref;
  for (const auto& v : verdict.violations) by_ref[v.ref].push_back(&v);
  const std::string pusher = request.pusher ? json_string(*request.pusher) : "null";
  const std::string reason = request.override_reason ? json_string(*request.override_reason) : "null";
  m_lines.clear();
  for (const auto& u : request.updates) {
    std::string rules;
    bool overridden = false;
    auto found = by_ref.find(u.ref);
    if (found != by_ref.end()) {
      rules = join(found->second, ",",
                   [](const policy::Violation* v) { return json_string(policy::rule_info(v->rule).code); });
      overridden = std::any_of(found->second.begin(), found->second.end(),
                               [](const policy::Violation* v) { return v->overridden; });
    }
    // A refusal of the push as a whole (A2) concerns every ref of it.
    const char* decision = verdict.rejected() ? "rejected" : overridden ? "overridden" : "accepted";
    m_lines.push_back({"{\"time\":" + json_string(time) + ",\"hook\":" + json_string(m_hook) + ",\"pusher\":" + pusher +
                           ",\"authenticated\":" + (request.pusher ? "true" : "false") + ",\"ref\":" +
                           json_string(u.ref) + ",\"old\":" + json_string(u.old_id) + ",\"new\":" + json_string(u.new_id) +
                           ",\"verdict\":",
                       decision, ",\"rules\":[" + rules + "],\"override\":" + reason});
  }
}

void AuditRecord::refused(const std::string& why) {
  if (m_refused_by.empty()) m_refused_by = why.empty() ? "refused" : why;
}

void AuditRecord::write() {
  if (m_path.empty() || m_written || m_lines.empty()) return;
  m_written = true;
  const std::string refused_by = m_refused_by.empty() ? "null" : json_string(m_refused_by);
  std::string lines;
  for (const auto& l : m_lines) {
    // What became of the push: relgate's verdict, unless a push it let
    // through was refused after all.
    const bool refused = !m_refused_by.empty() && std::strcmp(l.decision, "rejected") != 0;
    lines += l.head + "\"" + (refused ? "refused" : l.decision) + "\"" + l.tail + ",\"refused_by\":" +
             (refused ? refused_by : "null") + "}\n";
  }
  append_whole(m_path, std::move(lines));
}

} // namespace relgate::cli
