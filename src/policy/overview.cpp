#include "policy/overview.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <set>

namespace relgate::policy {

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// days_from_civil), and back.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

Civil civil_of(std::int64_t t) { return civil_from_days(floor_div(t, 86400)); }

std::int64_t month_index(const Civil& c) { return c.year * 12 + (c.month - 1); }

std::string month_text(std::int64_t index) {
  const std::int64_t year = floor_div(index, 12);
  const auto month = static_cast<unsigned>(index - year * 12 + 1);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u", static_cast<long long>(year), month);
  return buf;
}

unsigned days_in_month(std::int64_t y, unsigned m) {
  static const unsigned k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : k_days[m - 1];
}

std::optional<unsigned> digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  auto v = parse_uint(s.substr(pos, n), std::numeric_limits<unsigned>::max());
  if (!v) return std::nullopt;
  return static_cast<unsigned>(*v);
}

std::string rc_name(const Policy& p, Line l, std::uint64_t n) { return p.rc_tag.render({l.major, l.minor, 0, n}); }
std::string final_name(const Policy& p, Line l, std::uint64_t patch = 0) {
  return p.final_tag.render({l.major, l.minor, patch, {}});
}

} // namespace

const char* to_string(Phase phase) {
  switch (phase) {
  case Phase::development: return "development";
  case Phase::rc: return "rc";
  case Phase::supported: return "supported";
  case Phase::eol: return "eol";
  }
  return "?";
}

const char* to_string(StepKind kind) {
  switch (kind) {
  case StepKind::rc: return "rc";
  case StepKind::final: return "final";
  case StepKind::branch: return "branch";
  case StepKind::patch: return "patch";
  }
  return "?";
}

Line next_line_after(const ReleaseState& state) {
  auto h = state.highest_line();
  return h ? Line{h->major, h->minor + 1} : Line{0, 1};
}

Line freezable_line(const ReleaseState& state) {
  auto h = state.highest_line();
  if (h) {
    const auto* ls = state.line(*h);
    if (ls && !ls->released()) return *h;
  }
  return next_line_after(state);
}

std::vector<LineOverview> overview_lines(const ReleaseState& state) {
  std::vector<LineOverview> out;
  bool any_rc_phase = false;
  for (const auto& [line, ls] : state.lines()) {
    if (!ls.has_tags()) continue; // a release branch alone does not make a line
    LineOverview o;
    o.line = line;
    for (const auto& [n, tag] : ls.rcs) o.rcs.push_back(tag.name);
    o.has_branch = ls.branch.has_value();
    if (const auto* rel = ls.latest_release()) o.latest = rel->name;
    else if (const auto* rc = ls.highest_rc()) o.latest = rc->name;
    if (!ls.released()) {
      // Only rc tags (or patch tags without a final, which T7 refuses):
      // without a final the line is still in its RC phase.
      o.phase = Phase::rc;
      any_rc_phase = any_rc_phase || !ls.rcs.empty();
    } else if (const auto* by = state.eol_by(line)) {
      o.phase = Phase::eol;
      o.eol_by = by->name;
    } else {
      o.phase = Phase::supported;
    }
    out.push_back(std::move(o));
  }
  if (!any_rc_phase) {
    LineOverview dev;
    dev.line = next_line_after(state);
    out.push_back(std::move(dev));
  }
  return out;
}

std::vector<NextStep> next_steps(const ReleaseState& state, const Policy& policy) {
  std::vector<NextStep> out;
  const std::string main = policy.main_branch;
  bool any_rc_phase = false;
  for (auto it = state.lines().rbegin(); it != state.lines().rend(); ++it) {
    const Line l = it->first;
    const LineState& ls = it->second;
    if (!ls.has_tags()) continue;
    const std::string branch = policy.release_branch.render({l.major, l.minor, 0, {}});
    if (!ls.released()) {
      const TagEntry* rc = ls.highest_rc();
      if (!rc) continue;
      any_rc_phase = true;
      const std::uint64_t n = *rc->version.rc;
      out.push_back({StepKind::rc, l, rc_name(policy, l, n + 1), main,
                     "a fix for " + rc->name + " landed on " + main + ": test it as the next release candidate"});
      out.push_back({StepKind::final, l, final_name(policy, l), rc->name,
                     rc->name + " is stable: release exactly what it tested"});
      continue;
    }
    if (state.eol_by(l)) continue;
    if (!ls.branch) {
      out.push_back({StepKind::branch, l, branch, ls.final_tag()->name,
                     ls.final_tag()->name + " is released: create " + branch + " from it for backports"});
      continue;
    }
    const TagEntry* latest = ls.latest_release();
    out.push_back({StepKind::patch, l, final_name(policy, l, latest->version.patch + 1), branch,
                   "backported fixes on " + branch + " since " + latest->name + " ship as the next patch release"});
  }
  if (!any_rc_phase) {
    Line next = next_line_after(state);
    out.push_back({StepKind::rc, next, rc_name(policy, next, 1), main,
                   "no line is in its RC phase: the next release starts with " + rc_name(policy, next, 1)});
  }
  return out;
}

Cadence cadence(const std::vector<ReleaseEvent>& releases, std::int64_t now) {
  Cadence c;
  const Civil today = civil_of(now);
  const std::int64_t this_month = month_index(today);
  c.month = month_text(this_month);
  // Three calendar months back, the day clamped to the month's length.
  std::int64_t back = this_month - 3;
  std::int64_t by = floor_div(back, 12);
  auto bm = static_cast<unsigned>(back - by * 12 + 1);
  unsigned bd = std::min(today.day, days_in_month(by, bm));
  const std::int64_t stable_due = days_from_civil(by, bm, bd) * 86400;
  c.stable_due_since = utc_date(stable_due);

  std::set<std::int64_t> months;
  std::optional<std::int64_t> first_month;
  for (const auto& r : releases) {
    if (r.version.rc || r.time > now) continue; // not a release, or not yet (RELGATE_NOW in the past)
    const std::int64_t m = month_index(civil_of(r.time));
    months.insert(m);
    if (!first_month || m < *first_month) first_month = m;
    if (!c.last_release || r.time > c.last_release->time) c.last_release = r;
    if (r.version.patch == 0 && (!c.last_stable || r.time > c.last_stable->time)) c.last_stable = r;
  }
  if (c.last_release) {
    c.days_since_last = floor_div(now - c.last_release->time, 86400);
    c.released_this_month = months.count(this_month) > 0;
  }
  c.stable_within_three_months = c.last_stable && c.last_stable->time >= stable_due;
  if (first_month) {
    for (std::int64_t m = *first_month; m < this_month; ++m) {
      if (!months.count(m)) c.missed_months.push_back(month_text(m));
    }
  }
  return c;
}

std::string utc_date(std::int64_t t) {
  Civil c = civil_of(t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(c.year), c.month, c.day);
  return buf;
}

std::optional<std::int64_t> parse_date(std::string_view s) {
  auto y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
  if (!y || !mo || !d || s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (*mo < 1 || *mo > 12 || *d < 1 || *d > days_in_month(*y, *mo)) return std::nullopt;
  std::int64_t t = days_from_civil(*y, *mo, *d) * 86400;
  std::size_t pos = 10;
  if (pos == s.size()) return t;
  if (s[pos] != 'T' && s[pos] != ' ') return std::nullopt;
  auto h = digits(s, pos + 1, 2), mi = digits(s, pos + 4, 2);
  if (!h || !mi || s.size() < pos + 6 || s[pos + 3] != ':' || *h > 23 || *mi > 59) return std::nullopt;
  t += *h * 3600 + *mi * 60;
  pos += 6;
  if (pos < s.size() && s[pos] == ':') {
    auto sec = digits(s, pos + 1, 2);
    if (!sec || *sec > 60) return std::nullopt;
    t += *sec;
    pos += 3;
  }
  if (pos == s.size()) return t; // no zone: UTC
  if (s[pos] == 'Z' && pos + 1 == s.size()) return t;
  if (s[pos] != '+' && s[pos] != '-') return std::nullopt;
  auto zh = digits(s, pos + 1, 2);
  std::optional<unsigned> zm;
  if (s.size() == pos + 6 && s[pos + 3] == ':') zm = digits(s, pos + 4, 2);
  else if (s.size() == pos + 5) zm = digits(s, pos + 3, 2);
  if (!zh || !zm || *zh > 23 || *zm > 59) return std::nullopt;
  const std::int64_t offset = *zh * 3600 + *zm * 60;
  return s[pos] == '+' ? t - offset : t + offset;
}

} // namespace relgate::policy
