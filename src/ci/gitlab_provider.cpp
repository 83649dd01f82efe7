#include "ci/gitlab_provider.hpp"

#include "ci/http.hpp"
#include "util/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>

namespace relgate::ci {

namespace gitlab {

CheckState map_pipeline_status(std::string_view s) {
  if (s == "success") return CheckState::success;
  if (s == "running" || s == "pending" || s == "created" || s == "waiting_for_resource" || s == "preparing" ||
      s == "scheduled") {
    return CheckState::pending;
  }
  if (s == "canceled" || s == "canceling") return CheckState::cancelled;
  if (s == "skipped" || s == "manual") return CheckState::skipped;
  return CheckState::failure; // failed, and whatever else: not green
}

std::vector<Pipeline> decode_pipelines(const std::string& text) {
  using nlohmann::json;
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) throw Error("malformed or truncated JSON in the pipelines answer");
  if (!doc.is_array()) throw Error("unexpected JSON in the pipelines answer (not an array)");
  std::vector<Pipeline> out;
  for (const auto& p : doc) {
    if (!p.is_object()) throw Error("unexpected JSON in the pipelines answer (a pipeline is not an object)");
    Pipeline pl;
    auto id = p.find("id");
    if (id == p.end() || !id->is_number_integer()) throw Error("unexpected JSON in the pipelines answer (a pipeline without id)");
    pl.id = id->get<std::int64_t>();
    auto str = [&p](const char* key) {
      auto it = p.find(key);
      return it != p.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    pl.ref = str("ref");
    pl.status = str("status");
    pl.web_url = str("web_url");
    out.push_back(std::move(pl));
  }
  return out;
}

std::vector<Check> latest_per_ref(const std::vector<Pipeline>& pipelines) {
  std::map<std::string, const Pipeline*> latest;
  std::vector<std::string> order;
  for (const auto& p : pipelines) {
    auto [it, fresh] = latest.emplace(p.ref, &p);
    if (fresh) order.push_back(p.ref);
    else if (p.id > it->second->id) it->second = &p;
  }
  std::vector<Check> out;
  for (const auto& ref : order) {
    const Pipeline* p = latest[ref];
    out.push_back({ref.empty() ? std::string("pipeline") : ref, map_pipeline_status(p->status), p->web_url});
  }
  return out;
}

std::string project_segment(const std::string& project) {
  bool numeric = !project.empty() &&
                 std::all_of(project.begin(), project.end(), [](unsigned char c) { return std::isdigit(c); });
  return numeric ? project : http::url_encode(project);
}

} // namespace gitlab

GitlabProvider::GitlabProvider(GitlabSettings settings, Requirements req, int timeout_ms)
    : m_settings(std::move(settings)), m_req(std::move(req)), m_timeout_ms(timeout_ms) {}

CiResult GitlabProvider::status(const repo::ObjectId& commit, const RefLookup&) const {
  const auto deadline = http::Clock::now() + std::chrono::milliseconds(m_timeout_ms);
  try {
    if (m_settings.project.empty()) return not_green("gitlab", "ci.gitlab.project is not set");
    std::vector<std::string> headers = {"Accept: application/json"};
    if (const char* token = std::getenv(m_settings.token_env.c_str()); token && *token) {
      headers.push_back(std::string("PRIVATE-TOKEN: ") + token);
    }
    const std::string origin = http::origin_of(m_settings.api_url);
    std::string url = m_settings.api_url + "/projects/" + gitlab::project_segment(m_settings.project) +
                      "/pipelines?sha=" + commit + "&per_page=100";
    std::vector<gitlab::Pipeline> pipelines;
    for (int page = 0; !url.empty(); ++page) {
      if (page == 50) throw Error("more than 50 pages of pipelines");
      auto r = http::get(url, headers, deadline);
      if (r.status != 200) throw Error(http::status_fault("GitLab", r, m_settings.token_env));
      auto batch = gitlab::decode_pipelines(r.body);
      pipelines.insert(pipelines.end(), batch.begin(), batch.end());
      url = http::next_link(r.header("link"));
      if (!url.empty() && http::origin_of(url) != origin) throw Error("a pagination link leads away from " + origin);
    }
    auto result = combine("gitlab", gitlab::latest_per_ref(pipelines), m_req);
    if (result.checks.empty()) {
      result.reason = "no CI result: GitLab has no pipeline for " + repo::short_id(commit) + " in " + m_settings.project;
    }
    return result;
  } catch (const std::exception& e) {
    return not_green("gitlab", e.what());
  } catch (...) {
    return not_green("gitlab", "unexpected failure");
  }
}

} // namespace relgate::ci
