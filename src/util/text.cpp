#include "util/text.hpp"

#include <algorithm>
#include <cstdio>

namespace relgate {

std::string_view trim(std::string_view s) {
  const auto* ws = " \t\r\n";
  auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    auto pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += sep;
    out += items[i];
  }
  return out;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::optional<std::string_view> strip_prefix(std::string_view s, std::string_view prefix) {
  if (!starts_with(s, prefix)) return std::nullopt;
  return s.substr(prefix.size());
}

bool is_digits(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), is_digit); }

bool is_hex(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), is_hex_digit); }

std::optional<std::uint64_t> parse_uint(std::string_view s, std::uint64_t max) {
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (d > max || v > (max - d) / 10) return std::nullopt; // v * 10 + d > max, without overflowing
    v = v * 10 + d;
  }
  return v;
}

bool is_zero_id(std::string_view id) {
  return (id.size() == 40 || id.size() == 64) &&
         std::all_of(id.begin(), id.end(), [](char c) { return c == '0'; });
}

std::string_view first_line(std::string_view message) {
  auto pos = message.find('\n');
  return trim(pos == std::string_view::npos ? message : message.substr(0, pos));
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = 0;
  for (const auto& c : candidates) {
    auto dist = edit_distance(word, c);
    if (best.empty() || dist < best_distance) {
      best = c;
      best_distance = dist;
    }
  }
  // A typo is a small fraction of the word: "alow" -> "allow", not "x" -> "allow".
  std::size_t limit = std::max<std::size_t>(1, std::min(word.size(), best.size()) / 3);
  return (!best.empty() && best_distance <= limit) ? best : std::string();
}

std::string printable(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

std::string shell_quote(std::string_view s) {
  bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.' || c == '/' || c == ':' || c == '^' || c == '{' ||
           c == '}' || c == '@' || c == '+' || c == '=' || c == ',';
  });
  if (plain) return std::string(s);
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  out += '\'';
  return out;
}

namespace {
// One path segment against one pattern segment: `*` any run of characters,
// `?` one. Greedy, returning to the last `*` only: O(|p| * |s|) at worst.
bool segment_match(std::string_view p, std::string_view s) {
  std::size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '*') { // before the literal test: a '*' in the path is a character too
      star = pi++;
      mark = si;
    } else if (pi < p.size() && (p[pi] == '?' || p[pi] == s[si])) {
      ++pi;
      ++si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}
} // namespace

// The pattern's segments are the states of an automaton; after each path
// segment it is in every state that path can reach (a `**` state keeps
// itself and lets the next state in too). Nothing is tried twice, so a
// pattern of many `**` costs what a plain one costs: O(|pattern| * |path|).
// (A recursive matcher is exponential in the number of `**`.)
bool glob_match(std::string_view pattern, std::string_view path) {
  const std::vector<std::string_view> p = split(pattern, '/');
  const std::size_t n = p.size();
  std::vector<char> now(n + 1, 0), next(n + 1, 0);
  // A `**` state may be left without taking a segment.
  auto skip_double_stars = [&](std::vector<char>& states) {
    for (std::size_t i = 0; i < n; ++i) {
      if (states[i] && p[i] == "**") states[i + 1] = 1;
    }
  };
  now[0] = 1;
  skip_double_stars(now);
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = path.find('/', start);
    const std::string_view segment = path.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    std::fill(next.begin(), next.end(), 0);
    bool alive = false;
    for (std::size_t i = 0; i < n; ++i) {
      if (!now[i]) continue;
      if (p[i] == "**") next[i] = 1;
      else if (segment_match(p[i], segment)) next[i + 1] = 1;
      else continue;
      alive = true;
    }
    if (!alive) return false;
    skip_double_stars(next);
    now.swap(next);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return now[n] != 0;
}

} // namespace relgate
