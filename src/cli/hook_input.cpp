#include "cli/hook_input.hpp"

#include "util/error.hpp"
#include "util/text.hpp"

#include <algorithm>

namespace relgate::cli {

namespace {
std::string excerpt(std::string_view s) {
  constexpr std::size_t k_max = 60;
  return printable(s.substr(0, k_max)) + (s.size() > k_max ? "..." : "");
}

std::vector<std::string_view> lines_of(std::string_view text, const std::string& what) {
  std::vector<std::string_view> out;
  auto lines = split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].size() > k_max_line_bytes) {
      throw Error(what + " line " + std::to_string(i + 1) + " is longer than " + std::to_string(k_max_line_bytes) +
                  " bytes; this is not git's hook input");
    }
    out.push_back(lines[i]);
  }
  return out;
}

std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  for (auto f : split(line, ' ')) out.push_back(f);
  return out;
}
} // namespace

std::string read_all(std::istream& in, const std::string& what) {
  std::string data;
  char buf[65536];
  // Reserved, not touched: no doubling (and copying) on the way to the limit.
  data.reserve(k_max_input_bytes + sizeof buf);
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    data.append(buf, static_cast<std::size_t>(in.gcount()));
    if (data.size() > k_max_input_bytes) {
      throw Error(what + " is larger than " + std::to_string(k_max_input_bytes / (1024 * 1024)) + " MiB; refused");
    }
  }
  return data;
}

std::string parse_object_id(std::string_view id, const std::string& what) {
  if (!id.empty() && std::all_of(id.begin(), id.end(), [](char c) { return c == '0'; })) {
    return std::string(40, '0');
  }
  if ((id.size() != 40 && id.size() != 64) || !is_hex(id)) {
    throw Error(what + ": " + excerpt(id) + " is not an object id (40 or 64 hex digits)");
  }
  return std::string(id);
}

std::string parse_ref_name(std::string_view ref, const std::string& what) {
  if (!starts_with(ref, "refs/") || ref.size() <= 5) {
    throw Error(what + ": " + excerpt(ref) + " is not a full ref name (refs/...)");
  }
  return std::string(ref);
}

std::vector<policy::RefUpdate> parse_pre_receive(std::string_view text) {
  std::vector<policy::RefUpdate> out;
  int n = 0;
  for (auto line : lines_of(text, "pre-receive input")) {
    ++n;
    auto f = fields(line);
    std::string where = "pre-receive input line " + std::to_string(n);
    if (f.size() != 3) {
      throw Error(where + ": expected \"<old-id> <new-id> <ref>\", got " + excerpt(line));
    }
    out.push_back({parse_ref_name(f[2], where), parse_object_id(f[0], where), parse_object_id(f[1], where)});
  }
  return out;
}

std::vector<PushLine> parse_pre_push(std::string_view text) {
  std::vector<PushLine> out;
  int n = 0;
  for (auto line : lines_of(text, "pre-push input")) {
    ++n;
    auto f = fields(line);
    std::string where = "pre-push input line " + std::to_string(n);
    if (f.size() != 4) {
      throw Error(where + ": expected \"<local-ref> <local-id> <remote-ref> <remote-id>\", got " + excerpt(line));
    }
    PushLine p;
    p.local_ref = std::string(f[0]);
    p.local_id = parse_object_id(f[1], where);
    p.remote_ref = parse_ref_name(f[2], where);
    p.remote_id = parse_object_id(f[3], where);
    out.push_back(std::move(p));
  }
  return out;
}

} // namespace relgate::cli
