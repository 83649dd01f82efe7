#include "ci/http.hpp"

#include "util/error.hpp"
#include "util/text.hpp"

#include <curl/curl.h>
#include <dlfcn.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

namespace relgate::ci::http {

namespace {

struct Transfer {
  Response response;
  bool too_large = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::size_t n = size * count;
  if (t->response.body.size() + n > k_max_body) {
    t->too_large = true;
    return 0; // aborts the transfer (CURLE_WRITE_ERROR)
  }
  t->response.body.append(data, n);
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::size_t n = size * count;
  std::string_view line(data, n);
  // A new status line starts a new response (100 Continue, proxies): keep
  // only the headers of the last one.
  if (line.substr(0, 5) == "HTTP/") {
    t->response.headers.clear();
    return n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name(trim(line.substr(0, colon)));
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string value(trim(line.substr(colon + 1)));
  auto& slot = t->response.headers[name];
  slot = slot.empty() ? value : slot + ", " + value;
  return n;
}

// libcurl is loaded when a CI provider first needs HTTP, not linked: with
// its TLS, HTTP/2, LDAP, Kerberos, IDN and compression libraries it is
// dozens of shared objects, and loading them cost every hook run more time than git
// takes to answer the hook's question (tests/bench/PERFORMANCE.md, "Start-up").
struct Curl {
  CURLcode (*global_init)(long);
  CURL* (*easy_init)();
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_perform)(CURL*);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  const char* (*easy_strerror)(CURLcode);
  void (*easy_cleanup)(CURL*);
  curl_slist* (*slist_append)(curl_slist*, const char*);
  void (*slist_free_all)(curl_slist*);
};

template <typename F>
void bind(void* lib, F& fn, const char* name, std::string& missing) {
  void* sym = dlsym(lib, name);
  if (!sym) missing = name;
  fn = reinterpret_cast<F>(sym);
}

const Curl& curl_api() {
  static std::once_flag once;
  static Curl api{};
  static std::string fault;
  std::call_once(once, [] {
    void* lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      const char* why = dlerror();
      fault = "cannot load libcurl.so.4 (install libcurl4): " + std::string(why ? why : "not found");
      return;
    }
    std::string missing;
    bind(lib, api.global_init, "curl_global_init", missing);
    bind(lib, api.easy_init, "curl_easy_init", missing);
    bind(lib, api.easy_setopt, "curl_easy_setopt", missing);
    bind(lib, api.easy_perform, "curl_easy_perform", missing);
    bind(lib, api.easy_getinfo, "curl_easy_getinfo", missing);
    bind(lib, api.easy_strerror, "curl_easy_strerror", missing);
    bind(lib, api.easy_cleanup, "curl_easy_cleanup", missing);
    bind(lib, api.slist_append, "curl_slist_append", missing);
    bind(lib, api.slist_free_all, "curl_slist_free_all", missing);
    if (!missing.empty()) {
      fault = "libcurl.so.4 has no " + missing;
      return;
    }
    if (api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) fault = "libcurl failed to start";
  });
  if (!fault.empty()) throw Error(fault);
  return api;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_api().easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* s) const { curl_api().slist_free_all(s); }
};

} // namespace

std::string Response::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

Response get(const std::string& url, const std::vector<std::string>& headers, Clock::time_point deadline) {
  const Curl& api = curl_api();
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  if (left <= 0) throw Error("no time left for " + url);
  std::unique_ptr<CURL, CurlDeleter> curl(api.easy_init());
  if (!curl) throw Error("cannot start an HTTP transfer");
  std::unique_ptr<curl_slist, SlistDeleter> list;
  for (const auto& h : headers) {
    curl_slist* next = api.slist_append(list.get(), h.c_str());
    if (!next) throw Error("cannot start an HTTP transfer");
    (void)list.release();
    list.reset(next);
  }
  Transfer t;
  char error[CURL_ERROR_SIZE] = {0};
  CURL* c = curl.get();
  api.easy_setopt(c, CURLOPT_URL, url.c_str());
  api.easy_setopt(c, CURLOPT_HTTPGET, 1L);
  api.easy_setopt(c, CURLOPT_HTTPHEADER, list.get());
  api.easy_setopt(c, CURLOPT_USERAGENT, "relgate");
  api.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  api.easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(left));
  api.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(left));
  // A drip of bytes must not keep a transfer alive until the deadline: under
  // 16 bytes/s for a while (half the budget, 1 to 5 s) ends it early.
  api.easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 16L);
  api.easy_setopt(c, CURLOPT_LOW_SPEED_TIME, std::clamp(static_cast<long>(left / 2000), 1L, 5L));
  api.easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(k_max_body));
  api.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  api.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  api.easy_setopt(c, CURLOPT_ACCEPT_ENCODING, ""); // whatever curl can decode
  api.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  api.easy_setopt(c, CURLOPT_WRITEDATA, &t);
  api.easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  api.easy_setopt(c, CURLOPT_HEADERDATA, &t);
  api.easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  CURLcode rc = api.easy_perform(c);
  if (t.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    throw Error("the response is larger than " + std::to_string(k_max_body >> 20) + " MiB");
  }
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    // Either the deadline or the low-speed limit: both are "too slow".
    throw Error("no complete answer in time from " + origin_of(url));
  }
  if (rc != CURLE_OK) {
    std::string why = error[0] ? std::string(error) : std::string(api.easy_strerror(rc));
    throw Error(why);
  }
  api.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &t.response.status);
  return std::move(t.response);
}

std::string status_fault(const std::string& service, const Response& r, const std::string& token_env) {
  const std::string code = "HTTP " + std::to_string(r.status);
  const std::string remaining = r.header("x-ratelimit-remaining");
  const std::string retry_after = r.header("retry-after");
  if (r.status == 429 || (r.status == 403 && (remaining == "0" || !retry_after.empty()))) {
    std::string when;
    if (!retry_after.empty() && retry_after.size() < 12 && is_digits(retry_after)) {
      when = ", retry in " + retry_after + " s";
    } else {
      auto reset = r.header("x-ratelimit-reset");
      if (reset.empty()) reset = r.header("ratelimit-reset");
      if (auto reset_at = parse_uint(reset, 99'999'999'999)) { // 11 digits at most
        auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
        const auto at = static_cast<long long>(*reset_at);
        // GitHub sends an epoch time, GitLab's RateLimit-Reset too.
        when = at > now ? ", retry in " + std::to_string(at - now) + " s" : std::string();
      }
    }
    return service + " rate limit reached (" + code + ")" + when;
  }
  if (r.status == 401) {
    return service + " answered " + code + ": the token in $" + token_env + " is missing or was refused";
  }
  if (r.status == 403) return service + " answered " + code + ": the token in $" + token_env + " may not read this";
  if (r.status == 404) return service + " answered " + code + ": no such repository or commit, or the token may not see it";
  if (r.status >= 300 && r.status < 400) return service + " answered " + code + " (a redirect, not followed: check api_url)";
  return service + " answered " + code;
}

std::string next_link(const std::string& link_header) {
  // <https://api/x?page=2>; rel="next", <https://api/x?page=5>; rel="last"
  std::size_t pos = 0;
  while (pos < link_header.size()) {
    auto open = link_header.find('<', pos);
    if (open == std::string::npos) break;
    auto close = link_header.find('>', open);
    if (close == std::string::npos) break;
    auto end = link_header.find('<', close);
    std::string params = link_header.substr(close + 1, end == std::string::npos ? std::string::npos : end - close - 1);
    if (params.find("rel=\"next\"") != std::string::npos || params.find("rel=next") != std::string::npos) {
      return link_header.substr(open + 1, close - open - 1);
    }
    pos = close + 1;
  }
  return {};
}

std::string origin_of(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return {};
  auto slash = url.find_first_of("/?#", scheme + 3);
  return url.substr(0, slash);
}

std::string url_encode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

} // namespace relgate::ci::http
