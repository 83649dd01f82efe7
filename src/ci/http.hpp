#pragma once
// A bounded HTTP GET for the CI providers (libcurl). Every transfer stops at
// the deadline, at a response size cap and on a slow drip of bytes; redirects
// are not followed (a token must not travel to another host).

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace relgate::ci::http {

using Clock = std::chrono::steady_clock;

struct Response {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers; // of the final response; names in lower case
  std::string header(const std::string& lower_name) const;
};

constexpr std::size_t k_max_body = 8u << 20; // 8 MiB

// GETs `url` with the extra request headers ("Name: value"). Throws
// relgate::Error with a one-line reason (never containing header values) on a
// transport fault: refused, timed out at `deadline`, too large, too slow.
// HTTP error statuses are returned, not thrown.
Response get(const std::string& url, const std::vector<std::string>& headers, Clock::time_point deadline);

// Why a response with an HTTP error status is not an answer, in one line:
// "GitHub rate limit reached (HTTP 403), retry in 60 s", "GitHub answered
// HTTP 500", ... `service` names the API ("GitHub"); `token_env` the variable
// the token came from, named (never shown) when it was refused.
std::string status_fault(const std::string& service, const Response& r, const std::string& token_env);

// The URL of rel="next" in a Link header, or empty.
std::string next_link(const std::string& link_header);

// "scheme://host[:port]" of a URL (empty if it has none): pagination links
// are followed only to the origin of the configured API.
std::string origin_of(const std::string& url);

// Percent-encodes everything but unreserved characters (RFC 3986).
std::string url_encode(const std::string& text);

} // namespace relgate::ci::http
