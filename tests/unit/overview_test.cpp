#include "fixture.hpp"

#include "policy/overview.hpp"

#include <catch2/catch.hpp>

using namespace relgate;
using namespace relgate::test;
using policy::Phase;
using policy::StepKind;

namespace {

std::int64_t at(const char* date) { return *policy::parse_date(date); }

policy::ReleaseEvent release(const char* name, const char* date) {
  auto v = *policy::parse_release_tag(policy::builtin_policy(), name);
  return {name, v, at(date)};
}

std::vector<std::string> step_names(const std::vector<policy::NextStep>& steps) {
  std::vector<std::string> out;
  for (const auto& s : steps) out.push_back(std::string(policy::to_string(s.kind)) + " " + s.name);
  return out;
}

} // namespace

TEST_CASE("overview: an empty repository has only the first line in development") {
  History h;
  h.main_commit("feat: first");
  policy::ReleaseState state(h.refs, h.policy);
  auto lines = policy::overview_lines(state);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].line.str() == "0.1");
  CHECK(lines[0].phase == Phase::development);
  CHECK(step_names(policy::next_steps(state, h.policy)) == std::vector<std::string>{"rc v0.1.0-rc1"});
}

TEST_CASE("overview: phases of lines, end of life two lines later") {
  History h;
  h.release_line("0.1");
  h.release_line("0.2");
  h.release_line("0.3");
  auto c = h.main_commit("feat: more");
  h.tag("v0.4.0-rc1", c);
  h.tag("v0.4.0-rc2", c);
  policy::ReleaseState state(h.refs, h.policy);
  auto lines = policy::overview_lines(state);
  REQUIRE(lines.size() == 4); // no development line while 0.4 is in its RC phase
  CHECK(lines[0].phase == Phase::eol);
  CHECK(lines[0].eol_by == "v0.3.0");
  CHECK(lines[1].phase == Phase::supported);
  CHECK(lines[2].phase == Phase::supported);
  CHECK(lines[3].phase == Phase::rc);
  CHECK(lines[3].latest == "v0.4.0-rc2");
  CHECK(lines[3].rcs == std::vector<std::string>{"v0.4.0-rc1", "v0.4.0-rc2"});
  CHECK(step_names(policy::next_steps(state, h.policy)) ==
        std::vector<std::string>{"rc v0.4.0-rc3", "final v0.4.0", "patch v0.3.1", "patch v0.2.1"});
}

TEST_CASE("overview: a released line without its branch asks for it; majors count as the next line") {
  History h;
  h.release_line("0.9");
  auto c = h.main_commit("feat: 1.0");
  h.tag("v1.0.0-rc1", c);
  h.tag("v1.0.0", c);
  policy::ReleaseState state(h.refs, h.policy);
  auto steps = policy::next_steps(state, h.policy);
  CHECK(step_names(steps) == std::vector<std::string>{"branch release/v1.0", "patch v0.9.1", "rc v1.1.0-rc1"});
  CHECK(steps[0].from == "v1.0.0");
  CHECK(policy::next_line_after(state).str() == "1.1");
  auto lines = policy::overview_lines(state);
  CHECK(lines.back().line.str() == "1.1");
  CHECK(lines.back().phase == Phase::development);
}

TEST_CASE("overview: patch releases continue from the latest one") {
  History h;
  auto c = h.release_line("0.5");
  h.tag("v0.5.1", c);
  h.tag("v0.5.2", c);
  policy::ReleaseState state(h.refs, h.policy);
  auto steps = policy::next_steps(state, h.policy);
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].name == "v0.5.3");
  CHECK(steps[0].from == "release/v0.5");
}

TEST_CASE("dates: parsing with time zones, and UTC calendar dates") {
  CHECK(policy::parse_date("1970-01-01") == 0);
  CHECK(policy::parse_date("2025-02-25T08:26:14-08:00") == policy::parse_date("2025-02-25T16:26:14Z"));
  CHECK(policy::parse_date("2025-02-26T00:26:14+08:00") == policy::parse_date("2025-02-25T16:26:14"));
  CHECK(policy::parse_date("2025-02-26T00:26+0800") == policy::parse_date("2025-02-25T16:26:00Z"));
  CHECK_FALSE(policy::parse_date("2025-02-30"));
  CHECK_FALSE(policy::parse_date("2025-13-01"));
  CHECK_FALSE(policy::parse_date("yesterday"));
  CHECK_FALSE(policy::parse_date("2025-02-25T08"));
  CHECK(policy::parse_date("2024-02-29"));
  CHECK(policy::utc_date(at("2025-02-28T23:30:00-08:00")) == "2025-03-01");
  CHECK(policy::utc_date(at("1969-12-31T12:00:00Z")) == "1969-12-31");
}

TEST_CASE("cadence: no releases") {
  auto c = policy::cadence({}, at("2026-11-26"));
  CHECK_FALSE(c.last_release);
  CHECK(c.days_since_last == -1);
  CHECK_FALSE(c.released_this_month);
  CHECK_FALSE(c.stable_within_three_months);
  CHECK(c.month == "2026-11");
  CHECK(c.missed_months.empty());
}

TEST_CASE("cadence: month boundaries are UTC months") {
  // 23:30 on the last day of February in California is March in UTC.
  std::vector<policy::ReleaseEvent> r = {release("v0.1.0", "2025-02-28T23:30:00-08:00")};
  auto march = policy::cadence(r, at("2025-03-15"));
  CHECK(march.released_this_month);
  CHECK(march.days_since_last == 13); // 13 days and 16.5 hours
  auto feb = policy::cadence(r, at("2025-03-01T00:00:00Z") - 3600);
  CHECK_FALSE(feb.released_this_month); // not out yet at that time
  CHECK_FALSE(feb.last_release);
  auto april = policy::cadence(r, at("2025-04-01T00:00:00Z"));
  CHECK_FALSE(april.released_this_month);
  CHECK(april.missed_months.empty()); // March had one; April is not over
}

TEST_CASE("cadence: patch releases count for the month, final releases for the three months") {
  std::vector<policy::ReleaseEvent> r = {release("v0.1.0", "2025-01-10"), release("v0.1.1", "2025-03-05"),
                                         release("v0.1.0-rc1", "2025-04-02")};
  auto c = policy::cadence(r, at("2025-04-11T12:00:00Z"));
  CHECK(c.last_release->name == "v0.1.1");
  CHECK_FALSE(c.released_this_month); // an rc is not a release
  CHECK(c.last_stable->name == "v0.1.0");
  CHECK(c.stable_due_since == "2025-01-11");
  CHECK_FALSE(c.stable_within_three_months);
  CHECK(c.missed_months == std::vector<std::string>{"2025-02"});
  auto earlier = policy::cadence(r, at("2025-04-10T12:00:00Z"));
  CHECK(earlier.stable_within_three_months);
}

TEST_CASE("cadence: three months back from the 31st clamps to the month's end, across years") {
  auto c = policy::cadence({release("v1.0.0", "2024-02-29T10:00:00Z")}, at("2024-05-31"));
  CHECK(c.stable_due_since == "2024-02-29");
  CHECK(c.stable_within_three_months);
  auto jan = policy::cadence({release("v1.0.0", "2025-10-31")}, at("2026-01-31"));
  CHECK(jan.stable_due_since == "2025-10-31");
  CHECK(jan.stable_within_three_months);
  CHECK(jan.missed_months == std::vector<std::string>{"2025-11", "2025-12"});
}
