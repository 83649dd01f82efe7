#include "ci/ci.hpp"

#include "util/text.hpp"

#include <algorithm>

namespace relgate::ci {

std::optional<CheckState> parse_check_state(std::string_view word) {
  if (word == "success") return CheckState::success;
  if (word == "failure") return CheckState::failure;
  if (word == "pending") return CheckState::pending;
  if (word == "skipped") return CheckState::skipped;
  if (word == "cancelled") return CheckState::cancelled;
  return std::nullopt;
}

const char* to_string(CheckState state) {
  switch (state) {
  case CheckState::success: return "success";
  case CheckState::failure: return "failure";
  case CheckState::pending: return "pending";
  case CheckState::skipped: return "skipped";
  case CheckState::cancelled: return "cancelled";
  }
  return "?";
}

const char* to_string(Status status) {
  switch (status) {
  case Status::green: return "green";
  case Status::red: return "red";
  case Status::pending: return "pending";
  case Status::unknown: return "unknown";
  }
  return "?";
}

CiResult not_green(std::string provider, const std::string& why) {
  CiResult r;
  r.provider = std::move(provider);
  r.status = Status::unknown;
  r.kind = ResultKind::fault;
  r.reason = "not green: " + why;
  return r;
}

CiResult combine(std::string provider, std::vector<Check> checks, const Requirements& req) {
  CiResult r;
  r.provider = std::move(provider);
  r.checks = std::move(checks);
  if (r.checks.empty()) {
    r.status = Status::unknown;
    r.kind = ResultKind::no_result;
    r.reason = "no CI result for this commit";
    return r;
  }
  std::vector<const Check*> judged;
  if (req.required.empty()) {
    for (const auto& c : r.checks) judged.push_back(&c);
  } else {
    for (const auto& name : req.required) {
      auto it = std::find_if(r.checks.begin(), r.checks.end(), [&](const Check& c) { return c.name == name; });
      if (it == r.checks.end()) r.missing.push_back(name);
      else judged.push_back(&*it);
    }
  }
  std::vector<std::string> red, pending;
  for (const Check* c : judged) {
    switch (c->state) {
    case CheckState::success: break;
    case CheckState::skipped:
      if (!req.skipped_is_green) red.push_back(c->name + " skipped");
      break;
    case CheckState::failure: red.push_back(c->name + " failed"); break;
    case CheckState::cancelled: red.push_back(c->name + " cancelled"); break;
    case CheckState::pending: pending.push_back(c->name + " pending"); break;
    }
  }
  if (!red.empty()) {
    r.status = Status::red;
    r.reason = join(red, ", ");
  } else if (!pending.empty() || !r.missing.empty()) {
    r.status = Status::pending;
    std::vector<std::string> parts = pending;
    for (const auto& m : r.missing) parts.push_back(m + " has not reported");
    r.reason = join(parts, ", ");
  } else {
    r.status = Status::green;
  }
  return r;
}

} // namespace relgate::ci
