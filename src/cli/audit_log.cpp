#include "cli/audit_log.hpp"

#include "util/error.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unordered_map>
#include <vector>
#include <ctime>

namespace relgate::cli {

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    case '\r': out += "\\r"; break;
    default:
      if (c < 0x20 || c == 0x7f) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      } else {
        out += static_cast<char>(c); // UTF-8 passes through; invalid bytes too (logged as given)
      }
    }
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
} // namespace

void append_audit(const std::string& path, const policy::Request& request, const policy::Verdict& verdict,
                  const std::string& hook) {
  const std::string time = now_utc();
  // Violations by ref: a push of many refs stays linear.
  std::unordered_map<std::string, std::vector<const policy::Violation*>> by_ref;
  for (const auto& v : verdict.violations) by_ref[v.ref].push_back(&v);
  std::string lines;
  for (const auto& u : request.updates) {
    std::string rules;
    bool error = false, overridden = false;
    auto found = by_ref.find(u.ref);
    for (const policy::Violation* v : found == by_ref.end() ? std::vector<const policy::Violation*>{} : found->second) {
      rules += (rules.empty() ? "" : ",") + json_string(policy::rule_info(v->rule).code);
      error = error || v->severity == policy::Severity::error;
      overridden = overridden || v->overridden;
    }
    // A refusal of the push as a whole (A2) concerns every ref of it.
    bool push_refused = verdict.rejected();
    const char* decision = push_refused ? "rejected" : overridden ? "overridden" : "accepted";
    (void)error;
    lines += "{\"time\":" + json_string(time) + ",\"hook\":" + json_string(hook) +
             ",\"pusher\":" + (request.pusher ? json_string(*request.pusher) : "null") +
             ",\"authenticated\":" + (request.pusher ? "true" : "false") +
             ",\"ref\":" + json_string(u.ref) + ",\"old\":" + json_string(u.old_id) +
             ",\"new\":" + json_string(u.new_id) + ",\"verdict\":\"" + decision + "\",\"rules\":[" + rules +
             "],\"override\":" + (request.override_reason ? json_string(*request.override_reason) : "null") + "}\n";
  }
  if (lines.empty()) return;
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) throw Error("cannot open the audit log " + path + ": " + std::strerror(errno));
  bool ok = ::flock(fd, LOCK_EX) == 0;
  std::size_t done = 0;
  while (ok && done < lines.size()) {
    ssize_t n = ::write(fd, lines.data() + done, lines.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ok = false;
    else done += static_cast<std::size_t>(n);
  }
  int saved = errno;
  ::close(fd); // releases the lock
  if (!ok) throw Error("cannot write the audit log " + path + ": " + std::strerror(saved));
}

} // namespace relgate::cli
