#include "cli/status_command.hpp"

#include "cli/clone_view.hpp"
#include "git/libgit2_repository.hpp"
#include "policy/follow_ups.hpp"
#include "policy/freeze.hpp"
#include "policy/known_refs.hpp"
#include "policy/overview.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <iostream>

namespace relgate::cli {

namespace {

bool use_colour() {
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return !(no_color && *no_color) && term && *term && std::string_view(term) != "dumb" && ::isatty(STDOUT_FILENO);
}

std::string paint(const std::string& text, const char* code, bool colour) {
  return colour ? std::string("\033[") + code + "m" + text + "\033[0m" : text;
}

const char* phase_colour(policy::Phase p) {
  switch (p) {
  case policy::Phase::development: return "36";
  case policy::Phase::rc: return "33";
  case policy::Phase::supported: return "32";
  case policy::Phase::eol: return "90";
  }
  return "0";
}

// Columns padded to the widest cell; colour codes do not count.
void print_table(const std::vector<std::vector<std::string>>& rows, const std::vector<std::string>& colours,
                 bool colour) {
  std::vector<std::size_t> width;
  for (const auto& r : rows) {
    if (width.size() < r.size()) width.resize(r.size(), 0);
    for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  for (std::size_t row = 0; row < rows.size(); ++row) {
    std::string line = "  ";
    for (std::size_t i = 0; i < rows[row].size(); ++i) {
      std::string cell = rows[row][i];
      bool last = i + 1 == rows[row].size();
      std::string pad = last ? "" : std::string(width[i] - cell.size() + 2, ' ');
      if (row == 0) cell = paint(cell, "1", colour);
      else if (i == 1 && row - 1 < colours.size()) cell = paint(cell, colours[row - 1].c_str(), colour);
      line += cell + pad;
    }
    std::cout << line << '\n';
  }
}

struct LineFacts {
  policy::LineOverview overview;
  std::vector<policy::NextStep> steps;
};

std::string step_text(const policy::NextStep& s) {
  return s.name + " from " + s.from;
}

} // namespace

std::int64_t now_seconds() {
  if (const char* v = std::getenv("RELGATE_NOW"); v && *v) {
    char* end = nullptr;
    long long t = std::strtoll(v, &end, 10);
    if (!end || *end != '\0') throw Error("RELGATE_NOW must be seconds since the epoch, not \"" + std::string(v) + "\"");
    return t;
  }
  return static_cast<std::int64_t>(std::time(nullptr));
}

int run_status(const GlobalOptions& global, const StatusOptions& opts) {
  if (opts.format != "text" && opts.format != "json") {
    throw Error("unknown format \"" + opts.format + "\" (use text or json)");
  }
  auto repo = git::Libgit2Repository::open(global.repo_dir);
  policy::Policy pol = load_policy(global, *repo);
  const std::string remote = view_remote(*repo, opts.remote);
  auto refs = clone_refs(*repo, pol, remote, true);
  const auto age = view_age(*repo, remote);
  const auto local_only = local_only_release_tags(*repo, pol, remote);
  policy::ReleaseState state(refs, pol);
  const std::int64_t now = now_seconds();
  // The server dates a release by when it was pushed (the reflog that
  // install --server turns on); a clone only knows when it was made.
  auto times = policy::tag_times(*repo, refs, repo->is_bare() ? policy::TagDates::pushed : policy::TagDates::made);

  std::vector<policy::ReleaseEvent> releases;
  for (const auto& [line, ls] : state.lines()) {
    for (const auto& [patch, tag] : ls.releases) {
      auto t = times.find(tag.ref);
      if (t != times.end()) releases.push_back({tag.name, tag.version, t->second});
    }
  }
  auto pace = policy::cadence(releases, now);
  auto reasons = policy::freeze_reasons(state, refs, pol);
  auto steps = policy::next_steps(state, pol);
  auto lines = policy::overview_lines(state);
  std::optional<repo::ObjectId> main_tip;
  if (auto it = refs.find(pol.main_ref()); it != refs.end()) main_tip = repo->peel_to_commit(it->second);
  auto follow_ups = policy::follow_ups(*repo, state, pol, main_tip, policy::FollowUpScope::latest_supported);

  auto steps_of = [&](policy::Line l) {
    std::vector<policy::NextStep> out;
    for (const auto& s : steps) {
      if (s.line == l) out.push_back(s);
    }
    return out;
  };
  // A patch release needs something on the release branch since the last one.
  auto nothing_to_ship = [&](const policy::NextStep& s) {
    if (s.kind != policy::StepKind::patch) return false;
    const auto* ls = state.line(s.line);
    auto tip = ls && ls->branch ? repo->peel_to_commit(*ls->branch) : std::nullopt;
    auto rel = ls ? repo->peel_to_commit(ls->latest_release()->target) : std::nullopt;
    return tip && rel && *tip == *rel;
  };

  if (opts.format == "json") {
    nlohmann::json j;
    j["main"] = pol.main_branch;
    j["policy"] = {{"source", pol.source},
                   {"pinned", pol.host.pins},
                   {"ci_results_verified", pol.ci.provider != "notes" || !pol.access.ci_writers.empty()}};
    j["now"] = policy::utc_date(now);
    auto& jl = j["lines"] = nlohmann::json::array();
    for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
      nlohmann::json o;
      o["line"] = it->line.str();
      o["phase"] = policy::to_string(it->phase);
      o["latest"] = it->latest.empty() ? nlohmann::json() : nlohmann::json(it->latest);
      o["rcs"] = it->rcs;
      o["branch"] = it->has_branch ? nlohmann::json(pol.release_branch.render({it->line.major, it->line.minor, 0, {}}))
                                   : nlohmann::json();
      o["eol_by"] = it->eol_by.empty() ? nlohmann::json() : nlohmann::json(it->eol_by);
      auto& jn = o["next"] = nlohmann::json::array();
      for (const auto& s : steps_of(it->line)) {
        const bool idle = nothing_to_ship(s);
        nlohmann::json step{{"step", policy::to_string(s.kind)}, {"name", s.name}, {"from", s.from},
                            {"why", s.why},                      {"ready", !idle}};
        // A step that is not ready says why, as the text does.
        step["reason"] = idle ? nlohmann::json(s.from + " has nothing since " +
                                               state.line(s.line)->latest_release()->name + "; backport a fix first")
                              : nlohmann::json();
        jn.push_back(std::move(step));
      }
      jl.push_back(std::move(o));
    }
    j["frozen"] = !reasons.empty();
    auto& jr = j["freeze_reasons"] = nlohmann::json::array();
    for (const auto& r : reasons) jr.push_back({{"release", r.release}, {"because", r.because}, {"ref", r.ref}});
    nlohmann::json c;
    c["month"] = pace.month;
    c["last_release"] = pace.last_release ? nlohmann::json(pace.last_release->name) : nlohmann::json();
    c["last_release_date"] =
        pace.last_release ? nlohmann::json(policy::utc_date(pace.last_release->time)) : nlohmann::json();
    c["days_since_last_release"] = pace.last_release ? nlohmann::json(pace.days_since_last) : nlohmann::json();
    c["released_this_month"] = pace.released_this_month;
    c["last_stable"] = pace.last_stable ? nlohmann::json(pace.last_stable->name) : nlohmann::json();
    c["stable_within_three_months"] = pace.stable_within_three_months;
    c["stable_due_since"] = pace.stable_due_since;
    c["missed_months"] = pace.missed_months;
    j["cadence"] = std::move(c);
    auto& jf = j["follow_ups"] = nlohmann::json::array();
    for (const auto& f : follow_ups) {
      jf.push_back({{"kind", policy::to_string(f.kind)}, {"release", f.release}, {"message", f.message}, {"hint", f.hint}});
    }
    j["view"] = age ? nlohmann::json(*age) : nlohmann::json();
    j["local_only_tags"] = local_only;
    std::cout << j.dump() << '\n';
    return 0;
  }

  const bool colour = use_colour();
  if (age) std::cout << "(" << *age << ")\n";
  std::cout << "Release lines (newest first):\n";
  std::vector<std::vector<std::string>> rows = {{"LINE", "PHASE", "LATEST", "RCS", "BRANCH", "NEXT"}};
  std::vector<std::string> colours;
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    std::string phase = policy::to_string(it->phase);
    if (it->phase == policy::Phase::eol) phase += " since " + it->eol_by;
    if (it->phase == policy::Phase::rc) phase = "rc phase";
    const std::string rcs = join(it->rcs, " ");
    const std::string next = join(steps_of(it->line), " or ", [&](const policy::NextStep& s) {
      return step_text(s) + (nothing_to_ship(s) ? " (nothing to ship yet)" : "");
    });
    rows.push_back({it->line.str(), phase, it->latest.empty() ? "-" : it->latest, rcs.empty() ? "-" : rcs,
                    it->has_branch ? pol.release_branch.render({it->line.major, it->line.minor, 0, {}}) : "-",
                    next.empty() ? "-" : next});
    colours.push_back(phase_colour(it->phase));
  }
  print_table(rows, colours, colour);

  std::cout << '\n';
  if (reasons.empty()) {
    std::cout << pol.main_branch << " is not frozen.\n";
  } else {
    std::cout << paint(pol.main_branch + " is frozen", "33", colour) << ": " << policy::describe(reasons)
              << " (only fixes, security fixes and docs land)\n";
  }

  std::cout << "\nCadence (RELEASES.md: a release every calendar month, a stable one every three months; UTC):\n";
  auto yes_no = [&](bool ok, const std::string& text) { return paint(text, ok ? "32" : "31", colour); };
  if (!pace.last_release) {
    std::cout << "  no release yet\n";
  } else {
    std::cout << "  last release:   " << pace.last_release->name << " on " << policy::utc_date(pace.last_release->time)
              << ", " << pace.days_since_last << (pace.days_since_last == 1 ? " day" : " days") << " ago"
              << (repo->is_bare() ? "" : " (dated by its tag or commit here; the server's status knows when it was pushed)")
              << '\n';
    std::cout << "  this month:     "
              << yes_no(pace.released_this_month,
                        pace.month + (pace.released_this_month ? " has a release" : " has no release yet"))
              << '\n';
    std::cout << "  stable release: "
              << yes_no(pace.stable_within_three_months,
                        pace.last_stable ? pace.last_stable->name + " on " + policy::utc_date(pace.last_stable->time) +
                                               (pace.stable_within_three_months ? ", within three months"
                                                                                : ", more than three months ago")
                                         : std::string("none yet"))
              << '\n';
    if (!pace.missed_months.empty()) {
      std::cout << "  months without a release: " << join(pace.missed_months, ", ") << '\n';
    }
  }

  std::cout << "\nFollow-ups (RELEASES.md, after a release; not blocking):\n";
  if (follow_ups.empty()) std::cout << "  none open\n";
  for (const auto& f : follow_ups) {
    std::cout << "  " << paint(f.release, "33", colour) << " " << policy::to_string(f.kind) << ": " << f.message << '\n'
              << "    hint: " << f.hint << '\n';
  }
  if (!local_only.empty()) {
    std::cout << "\nLocal tags that " << remote << " does not have (not releases): " << join(local_only, ", ")
              << "\n  hint: delete one that was refused: git tag -d " << local_only.front() << '\n';
  }
  std::cout << "\nPolicy: " << pol.source << '\n';
  if (!pol.host.pins.empty()) std::cout << "  pinned by the host: " << join(pol.host.pins, ", ") << '\n';
  if (pol.ci.provider == "notes" && pol.access.ci_writers.empty()) {
    std::cout << "  CI results on " << pol.ci.notes_ref
              << " are unverified: anyone who may push can write them (access.ci_writers names CI's account)\n";
  }
  return 0;
}

} // namespace relgate::cli
