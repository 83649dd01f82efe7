#include "git/commit_graph.hpp"

#include "util/error.hpp"
#include "util/fd.hpp"
#include "util/text.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace relgate::git {

namespace {

constexpr std::size_t k_header = 8;
constexpr std::size_t k_chunk_entry = 12;
constexpr std::size_t k_cdat_width = CommitGraph::k_oid_size + 16;
constexpr std::uint32_t k_parent_none = 0x70000000u;
constexpr std::uint32_t k_octopus = 0x80000000u;
constexpr std::uint32_t k_last_edge = 0x80000000u;
// At most (1 << 30) + (1 << 29) + (1 << 28) - 1 commits (the special values
// above); relgate takes the same bound.
constexpr std::uint64_t k_max_commits = (1u << 30) + (1u << 29) + (1u << 28) - 1;

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | std::uint32_t(p[3]);
}
std::uint64_t be64(const unsigned char* p) { return (std::uint64_t(be32(p)) << 32) | be32(p + 4); }

std::string hex(const unsigned char* oid) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < CommitGraph::k_oid_size; ++i) {
    s += digits[oid[i] >> 4];
    s += digits[oid[i] & 15];
  }
  return s;
}

} // namespace

struct CommitGraph::Mapping {
  const unsigned char* data = nullptr;
  std::size_t size = 0;
  void* mapped = nullptr; // from mmap, else `buffer` holds the bytes
  std::string buffer;
  ~Mapping() {
    if (mapped) munmap(mapped, size);
  }
};

CommitGraph::~CommitGraph() = default;

std::unique_ptr<CommitGraph> CommitGraph::from_layers(std::vector<std::string> layers,
                                                      const std::vector<std::string>& bases, std::string& why_not) {
  std::vector<std::unique_ptr<Mapping>> maps;
  std::vector<std::string> names;
  for (auto& bytes : layers) {
    auto m = std::make_unique<Mapping>();
    m->buffer = std::move(bytes);
    m->data = reinterpret_cast<const unsigned char*>(m->buffer.data());
    m->size = m->buffer.size();
    maps.push_back(std::move(m));
    names.push_back("commit-graph layer " + std::to_string(names.size()));
  }
  return build(std::move(maps), std::move(names), bases, why_not);
}

std::unique_ptr<CommitGraph> CommitGraph::load(const std::string& objects_dir, std::string& why_not) {
  why_not.clear();
  std::string dir = objects_dir;
  if (!dir.empty() && dir.back() != '/') dir += '/';
  std::vector<std::unique_ptr<Mapping>> maps;
  std::vector<std::string> names, bases;
  const std::string single = dir + "info/commit-graph";
  if (auto m = map_file(single, why_not)) {
    maps.push_back(std::move(m));
    names.push_back(single);
    return build(std::move(maps), std::move(names), {}, why_not);
  }
  if (!why_not.empty()) return nullptr;
  const std::string chain = dir + "info/commit-graphs/commit-graph-chain";
  std::ifstream in(chain);
  if (!in) return nullptr;
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() != 2 * k_oid_size || !is_hex(line)) {
      why_not = chain + ": not a list of graph ids";
      return nullptr;
    }
    const std::string path = dir + "info/commit-graphs/graph-" + line + ".graph";
    auto m = map_file(path, why_not);
    if (!m) {
      if (why_not.empty()) why_not = path + ": missing";
      return nullptr;
    }
    maps.push_back(std::move(m));
    names.push_back(path);
    bases.push_back(line);
  }
  if (maps.empty()) return nullptr;
  return build(std::move(maps), std::move(names), bases, why_not);
}

// Maps `path` read-only; nullptr when it does not exist (why_not stays
// empty) or cannot be read (why_not says why).
std::unique_ptr<CommitGraph::Mapping> CommitGraph::map_file(const std::string& path, std::string& why_not) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno != ENOENT && errno != ENOTDIR) why_not = path + ": " + std::strerror(errno);
    return nullptr;
  }
  struct stat st {};
  if (fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
    why_not = path + ": not a readable file";
    return nullptr;
  }
  void* p = mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd.get(), 0);
  if (p == MAP_FAILED) {
    why_not = path + ": " + std::strerror(errno);
    return nullptr;
  }
  auto m = std::make_unique<CommitGraph::Mapping>();
  m->mapped = p;
  m->data = static_cast<const unsigned char*>(p);
  m->size = static_cast<std::size_t>(st.st_size);
  return m;
}

std::unique_ptr<CommitGraph> CommitGraph::build(std::vector<std::unique_ptr<Mapping>> maps,
                                                std::vector<std::string> names, const std::vector<std::string>& bases,
                                                std::string& why_not) {
  std::unique_ptr<CommitGraph> g(new CommitGraph());
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < maps.size(); ++i) {
    Layer l;
    l.name = names[i];
    auto bad = [&](const std::string& what) {
      why_not = l.name + ": " + what;
      return nullptr;
    };
    const unsigned char* d = maps[i]->data;
    const std::size_t size = maps[i]->size;
    // Header, chunk table and the trailing checksum.
    if (size < k_header + k_chunk_entry + k_oid_size) return bad("too small for a commit-graph");
    if (std::memcmp(d, "CGPH", 4) != 0) return bad("not a commit-graph (signature)");
    if (d[4] != 1) return bad("commit-graph version " + std::to_string(d[4]) + " (relgate reads version 1)");
    if (d[5] != 1) return bad("not a SHA-1 commit-graph");
    const std::size_t chunks = d[6];
    if (d[7] != i) return bad("names " + std::to_string(d[7]) + " base graphs, the chain " + std::to_string(i));
    const std::size_t table_end = k_header + (chunks + 1) * k_chunk_entry;
    const std::size_t body_end = size - k_oid_size;
    if (table_end > body_end) return bad("chunk table runs past the end");
    const unsigned char* base_chunk = nullptr;
    std::size_t cdat_size = 0;
    std::size_t base_size = 0;
    for (std::size_t c = 0; c < chunks; ++c) {
      const unsigned char* e = d + k_header + c * k_chunk_entry;
      const std::uint32_t id = be32(e);
      const std::uint64_t start = be64(e + 4), end = be64(e + 4 + k_chunk_entry);
      if (id == 0) return bad("chunk table ends early");
      if (start < table_end || end < start || end > body_end) return bad("a chunk lies outside the file");
      const unsigned char* p = d + start;
      const std::size_t n = static_cast<std::size_t>(end - start);
      switch (id) {
      case 0x4f494446: // OIDF
        if (n != 256 * 4) return bad("OID fanout chunk of the wrong size");
        l.fanout = p;
        break;
      case 0x4f49444c: // OIDL
        l.oids = p;
        l.count = static_cast<std::uint32_t>(std::min<std::size_t>(n / k_oid_size, 0xffffffffu));
        if (n % k_oid_size != 0) return bad("OID lookup chunk of the wrong size");
        break;
      case 0x43444154: // CDAT
        l.cdat = p;
        cdat_size = n;
        break;
      case 0x45444745: // EDGE
        if (n % 4 != 0) return bad("extra edge chunk of the wrong size");
        l.edges = p;
        l.edge_count = n / 4;
        break;
      case 0x42415345: // BASE
        base_chunk = p;
        base_size = n;
        break;
      default: // generation data, Bloom filters: not needed
        break;
      }
      if (c + 1 == chunks && be32(e + k_chunk_entry) != 0) return bad("chunk table does not end");
    }
    if (!l.fanout || !l.oids || !l.cdat) return bad("lacks a required chunk (OIDF, OIDL, CDAT)");
    // The fanout counts the ids by first byte: non-decreasing, ending at the count.
    std::uint32_t prev = 0;
    for (std::size_t b = 0; b < 256; ++b) {
      const std::uint32_t v = be32(l.fanout + 4 * b);
      if (v < prev) return bad("OID fanout decreases");
      prev = v;
    }
    if (prev != l.count) return bad("OID fanout and lookup disagree on the number of commits");
    if (cdat_size != std::size_t(l.count) * k_cdat_width) return bad("commit data chunk of the wrong size");
    // A chain's layer names the layers below it, base first.
    if (i > 0) {
      if (!base_chunk || base_size != i * k_oid_size) return bad("does not name its " + std::to_string(i) + " base graphs");
      for (std::size_t b = 0; b < i; ++b) {
        if (b < bases.size() && hex(base_chunk + b * k_oid_size) != bases[b]) {
          return bad("names other base graphs than the chain");
        }
      }
    }
    l.first = static_cast<std::uint32_t>(total);
    total += l.count;
    if (total > k_max_commits) return bad("more commits than a commit-graph can hold");
    g->m_layers.push_back(std::move(l));
  }
  g->m_size = static_cast<std::uint32_t>(total);
  g->m_maps = std::move(maps);
  return g;
}

std::uint32_t CommitGraph::find(const unsigned char* oid) const {
  for (auto it = m_layers.rbegin(); it != m_layers.rend(); ++it) {
    const Layer& l = *it;
    std::uint32_t lo = oid[0] == 0 ? 0 : be32(l.fanout + 4 * (oid[0] - 1));
    std::uint32_t hi = be32(l.fanout + 4 * oid[0]);
    while (lo < hi) {
      const std::uint32_t mid = lo + (hi - lo) / 2;
      const int c = std::memcmp(l.oids + std::size_t(mid) * k_oid_size, oid, k_oid_size);
      if (c == 0) return l.first + mid;
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
  }
  return k_none;
}

const CommitGraph::Layer& CommitGraph::layer_of(std::uint32_t pos) const {
  for (auto it = m_layers.rbegin(); it != m_layers.rend(); ++it) {
    if (pos >= it->first) {
      if (pos - it->first >= it->count) break;
      return *it;
    }
  }
  throw Error("commit-graph: no commit at position " + std::to_string(pos));
}

void CommitGraph::corrupt(const Layer& l, const std::string& what) const {
  throw Error(l.name + " is corrupt (" + what + "); remove it or run `git commit-graph write --reachable`");
}

const unsigned char* CommitGraph::entry(const Layer& l, std::uint32_t pos) {
  return l.cdat + std::size_t(pos - l.first) * k_cdat_width;
}

const unsigned char* CommitGraph::oid(std::uint32_t pos) const {
  const Layer& l = layer_of(pos);
  return l.oids + std::size_t(pos - l.first) * k_oid_size;
}

std::int64_t CommitGraph::time(std::uint32_t pos) const {
  const Layer& l = layer_of(pos);
  const unsigned char* e = entry(l, pos) + k_oid_size + 8;
  return static_cast<std::int64_t>((std::uint64_t(be32(e) & 3u) << 32) | be32(e + 4));
}

std::uint32_t CommitGraph::generation(std::uint32_t pos) const {
  const Layer& l = layer_of(pos);
  return be32(entry(l, pos) + k_oid_size + 8) >> 2;
}

void CommitGraph::parents(std::uint32_t pos, std::vector<std::uint32_t>& out) const {
  const Layer& l = layer_of(pos);
  const unsigned char* e = entry(l, pos) + k_oid_size;
  // A parent lies in the commit's own layer or below it.
  const std::uint64_t limit = std::uint64_t(l.first) + l.count;
  auto add = [&](std::uint32_t p) {
    if (p >= limit) corrupt(l, "a parent position out of range");
    out.push_back(p);
  };
  const std::uint32_t p1 = be32(e), p2 = be32(e + 4);
  if (p1 == k_parent_none) return;
  add(p1);
  if (p2 == k_parent_none) return;
  if (!(p2 & k_octopus)) {
    add(p2);
    return;
  }
  for (std::size_t i = p2 & ~k_octopus;; ++i) {
    if (i >= l.edge_count) corrupt(l, "an extra edge list runs past its chunk");
    const std::uint32_t v = be32(l.edges + 4 * i);
    add(v & ~k_last_edge);
    if (v & k_last_edge) return;
  }
}

} // namespace relgate::git
