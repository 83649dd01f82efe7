#include "ci/github_provider.hpp"

#include "ci/http.hpp"
#include "util/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <map>

namespace relgate::ci {

namespace github {

namespace {

using nlohmann::json;

json parse(const std::string& text, const char* what) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) throw Error(std::string("malformed or truncated JSON in the ") + what + " answer");
  if (!doc.is_object()) throw Error(std::string("unexpected JSON in the ") + what + " answer (not an object)");
  return doc;
}

std::string string_field(const json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int rank(CheckState s) {
  switch (s) {
  case CheckState::success: return 0;
  case CheckState::skipped: return 1;
  case CheckState::pending: return 2;
  case CheckState::cancelled: return 3;
  case CheckState::failure: return 4;
  }
  return 4;
}

} // namespace

CheckState map_status_state(std::string_view state) {
  if (state == "success") return CheckState::success;
  if (state == "pending") return CheckState::pending;
  return CheckState::failure; // failure, error, and whatever else: not green
}

CheckState map_check_run(std::string_view status, std::string_view conclusion) {
  if (status != "completed") return CheckState::pending; // queued, in_progress, pending, waiting, requested
  if (conclusion == "success") return CheckState::success;
  if (conclusion == "cancelled") return CheckState::cancelled;
  if (conclusion == "neutral" || conclusion == "skipped") return CheckState::skipped;
  // failure, timed_out, action_required, startup_failure, stale, null, ...
  return CheckState::failure;
}

std::vector<Check> decode_statuses(const std::string& text) {
  json doc = parse(text, "commit status");
  auto it = doc.find("statuses");
  if (it == doc.end() || !it->is_array()) throw Error("unexpected JSON in the commit status answer (no \"statuses\" array)");
  std::vector<Check> out;
  for (const auto& s : *it) {
    if (!s.is_object()) throw Error("unexpected JSON in the commit status answer (a status is not an object)");
    std::string context = string_field(s, "context");
    if (context.empty()) continue;
    out.push_back({context, map_status_state(string_field(s, "state")), string_field(s, "target_url")});
  }
  return out;
}

std::vector<CheckRun> decode_check_runs(const std::string& text) {
  json doc = parse(text, "check runs");
  auto it = doc.find("check_runs");
  if (it == doc.end() || !it->is_array()) throw Error("unexpected JSON in the check runs answer (no \"check_runs\" array)");
  std::vector<CheckRun> out;
  for (const auto& r : *it) {
    if (!r.is_object()) throw Error("unexpected JSON in the check runs answer (a run is not an object)");
    CheckRun run;
    auto id = r.find("id");
    if (id != r.end() && id->is_number_integer()) run.id = id->get<std::int64_t>();
    run.name = string_field(r, "name");
    if (run.name.empty()) continue;
    run.state = map_check_run(string_field(r, "status"), string_field(r, "conclusion"));
    run.started_at = string_field(r, "started_at");
    run.url = string_field(r, "html_url");
    if (run.url.empty()) run.url = string_field(r, "details_url");
    out.push_back(std::move(run));
  }
  return out;
}

std::vector<Check> merge_checks(const std::vector<Check>& statuses, const std::vector<CheckRun>& runs) {
  // Latest run per name: the later start (ISO 8601 in UTC compares as text),
  // then the higher id (a re-run not started yet has no start).
  std::map<std::string, const CheckRun*> latest;
  std::vector<std::string> order;
  for (const auto& r : runs) {
    auto [it, fresh] = latest.emplace(r.name, &r);
    if (fresh) {
      order.push_back(r.name);
      continue;
    }
    const CheckRun* have = it->second;
    bool newer = (!r.started_at.empty() && !have->started_at.empty() && r.started_at != have->started_at)
                     ? r.started_at > have->started_at
                     : r.id > have->id;
    if (newer) it->second = &r;
  }
  std::vector<Check> out;
  auto add = [&out](Check c) {
    for (auto& have : out) {
      if (have.name == c.name) {
        if (rank(c.state) > rank(have.state)) have = std::move(c);
        return;
      }
    }
    out.push_back(std::move(c));
  };
  for (const auto& s : statuses) add(s);
  for (const auto& name : order) {
    const CheckRun* r = latest[name];
    add({r->name, r->state, r->url});
  }
  return out;
}

} // namespace github

GithubProvider::GithubProvider(GithubSettings settings, Requirements req, int timeout_ms)
    : m_settings(std::move(settings)), m_req(std::move(req)), m_timeout_ms(timeout_ms) {}

CiResult GithubProvider::status(const repo::ObjectId& commit, const RefLookup&) const {
  const auto deadline = http::Clock::now() + std::chrono::milliseconds(m_timeout_ms);
  try {
    if (m_settings.repository.empty()) return not_green("github", "ci.github.repository is not set");
    std::vector<std::string> headers = {"Accept: application/vnd.github+json", "X-GitHub-Api-Version: 2022-11-28"};
    if (const char* token = std::getenv(m_settings.token_env.c_str()); token && *token) {
      headers.push_back(std::string("Authorization: Bearer ") + token);
    }
    const std::string origin = http::origin_of(m_settings.api_url);
    const std::string base = m_settings.api_url + "/repos/" + m_settings.repository + "/commits/" + commit;
    // Every page of one listing; `decode` takes one page's body.
    auto each_page = [&](std::string url, const std::function<void(const std::string&)>& decode) {
      for (int page = 0; !url.empty(); ++page) {
        if (page == 50) throw Error("more than 50 pages of results");
        auto r = http::get(url, headers, deadline);
        if (r.status != 200) throw Error(http::status_fault("GitHub", r, m_settings.token_env));
        decode(r.body);
        url = http::next_link(r.header("link"));
        // The token goes only to the configured API.
        if (!url.empty() && http::origin_of(url) != origin) throw Error("a pagination link leads away from " + origin);
      }
    };
    std::vector<Check> statuses;
    each_page(base + "/status?per_page=100", [&](const std::string& body) {
      auto page = github::decode_statuses(body);
      statuses.insert(statuses.end(), page.begin(), page.end());
    });
    std::vector<github::CheckRun> runs;
    each_page(base + "/check-runs?per_page=100", [&](const std::string& body) {
      auto page = github::decode_check_runs(body);
      runs.insert(runs.end(), page.begin(), page.end());
    });
    auto result = combine("github", github::merge_checks(statuses, runs), m_req);
    if (result.checks.empty()) {
      result.reason = "no CI result: GitHub has no status and no check run for " + repo::short_id(commit) + " in " +
                      m_settings.repository;
    }
    return result;
  } catch (const std::exception& e) {
    return not_green("github", e.what());
  } catch (...) {
    return not_green("github", "unexpected failure");
  }
}

} // namespace relgate::ci
