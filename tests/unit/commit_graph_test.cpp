// The commit-graph reader over graph files built here, byte by byte, as
// gitformat-commit-graph(5) describes them (tests/blackbox/commit_graph.sh
// reads the files git itself writes).
#include "git/commit_graph.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <map>

using relgate::git::CommitGraph;

namespace {

struct GraphCommit {
  std::string oid;                  // 20 raw bytes
  std::vector<std::uint32_t> parents; // global positions
  std::uint64_t time = 0;
};

std::string oid_of(int n) {
  std::string id(20, '\0');
  // Spread over the fanout: the first byte varies.
  id[0] = static_cast<char>((n * 37) & 0xff);
  id[19] = static_cast<char>(n + 1); // never all zeros
  return id;
}

void put32(std::string& s, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) s += static_cast<char>((v >> (8 * i)) & 0xff);
}
void put64(std::string& s, std::uint64_t v) {
  put32(s, static_cast<std::uint32_t>(v >> 32));
  put32(s, static_cast<std::uint32_t>(v));
}

// One layer: `commits` must be sorted by oid (their positions are `first` +
// index); `bases` the raw ids of the layers below.
std::string layer(const std::vector<GraphCommit>& commits, const std::vector<std::string>& bases = {}) {
  std::string fanout, oidl, cdat, edge, base;
  std::uint32_t counts[256] = {};
  for (const auto& c : commits) ++counts[static_cast<unsigned char>(c.oid[0])];
  std::uint32_t sum = 0;
  for (auto n : counts) put32(fanout, sum += n);
  for (const auto& c : commits) {
    oidl += c.oid;
    cdat += std::string(20, 't'); // the root tree
    std::uint32_t p1 = 0x70000000u, p2 = 0x70000000u;
    if (!c.parents.empty()) p1 = c.parents[0];
    if (c.parents.size() == 2) p2 = c.parents[1];
    if (c.parents.size() > 2) {
      p2 = 0x80000000u | static_cast<std::uint32_t>(edge.size() / 4);
      for (std::size_t i = 1; i < c.parents.size(); ++i) {
        put32(edge, c.parents[i] | (i + 1 == c.parents.size() ? 0x80000000u : 0));
      }
    }
    put32(cdat, p1);
    put32(cdat, p2);
    put32(cdat, (7u << 2) | static_cast<std::uint32_t>(c.time >> 32)); // generation 7, time's top bits
    put32(cdat, static_cast<std::uint32_t>(c.time));
  }
  for (const auto& b : bases) base += b;
  std::vector<std::pair<std::string, std::string*>> chunks = {{"OIDF", &fanout}, {"OIDL", &oidl}, {"CDAT", &cdat}};
  if (!edge.empty()) chunks.push_back({"EDGE", &edge});
  if (!base.empty()) chunks.push_back({"BASE", &base});
  std::string out = "CGPH";
  out += '\1';
  out += '\1';
  out += static_cast<char>(chunks.size());
  out += static_cast<char>(bases.size());
  std::uint64_t offset = 8 + (chunks.size() + 1) * 12;
  for (const auto& [id, data] : chunks) {
    out += id;
    put64(out, offset);
    offset += data->size();
  }
  put32(out, 0);
  put64(out, offset);
  for (const auto& c : chunks) out += *c.second;
  out += std::string(20, 'h'); // the checksum (not verified)
  return out;
}

std::vector<GraphCommit> sorted(std::vector<GraphCommit> v) {
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.oid < b.oid; });
  return v;
}

const unsigned char* raw(const std::string& s) { return reinterpret_cast<const unsigned char*>(s.data()); }

std::unique_ptr<CommitGraph> open(std::vector<std::string> layers, std::string& why_not,
                                  const std::vector<std::string>& bases = {}) {
  return CommitGraph::from_layers(std::move(layers), bases, why_not);
}

std::string hex(const std::string& oid) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (unsigned char c : oid) {
    s += d[c >> 4];
    s += d[c & 15];
  }
  return s;
}

} // namespace

TEST_CASE("commit-graph: ids, times and parents by position", "[commit-graph]") {
  // Positions follow oid order; build the history first, then the layer.
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(oid_of(i));
  std::vector<std::string> order = ids;
  std::sort(order.begin(), order.end());
  auto pos = [&](int i) { return static_cast<std::uint32_t>(std::find(order.begin(), order.end(), ids[i]) - order.begin()); };
  // 0 <- 1 <- 2, 0 <- 3, merge 4 of (2, 3), octopus 5 of (4, 1, 2, 3)
  std::vector<GraphCommit> commits = {
      {ids[0], {}, 100},
      {ids[1], {pos(0)}, 200},
      {ids[2], {pos(1)}, 300},
      {ids[3], {pos(0)}, 250},
      {ids[4], {pos(2), pos(3)}, 400},
      {ids[5], {pos(4), pos(1), pos(2), pos(3)}, (std::uint64_t(3) << 32) + 5}, // a time past 2106
  };
  std::string why;
  auto g = open({layer(sorted(commits))}, why);
  REQUIRE(g);
  CHECK(why.empty());
  CHECK(g->size() == 6);
  for (int i = 0; i < 6; ++i) {
    const std::uint32_t p = g->find(raw(ids[i]));
    REQUIRE(p == pos(i));
    CHECK(std::memcmp(g->oid(p), ids[i].data(), 20) == 0);
    std::vector<std::uint32_t> parents;
    g->parents(p, parents);
    CHECK(parents == commits[i].parents);
    CHECK(g->time(p) == static_cast<std::int64_t>(commits[i].time));
    CHECK(g->generation(p) == 7);
  }
  CHECK(g->find(raw(oid_of(99))) == CommitGraph::k_none);
  std::string low(20, '\0'), high(20, '\xff');
  CHECK(g->find(raw(low)) == CommitGraph::k_none);
  CHECK(g->find(raw(high)) == CommitGraph::k_none);
  CHECK_THROWS_AS(g->oid(6), relgate::Error);
}

TEST_CASE("commit-graph: a chain of layers numbers its commits across them", "[commit-graph]") {
  // Base layer: 0 <- 1; top layer: 2 (parent 1), 3 (parents 2 and 0).
  auto base = sorted({{oid_of(0), {}, 10}, {oid_of(1), {}, 20}});
  const std::uint32_t p0 = base[0].oid == oid_of(0) ? 0 : 1, p1 = 1 - p0;
  base[p1].parents = {p0};
  std::string base_bytes = layer(base);
  // The top layer's positions start after the base's two commits.
  std::vector<GraphCommit> top_sorted = sorted({{oid_of(2), {p1}, 30}, {oid_of(3), {}, 40}});
  const std::uint32_t p2 = 2 + (top_sorted[0].oid == oid_of(2) ? 0u : 1u), p3 = (p2 == 2 ? 3u : 2u);
  top_sorted[p3 - 2].parents = {p2, p0};
  const std::string base_id(20, 'B');
  std::string why;
  auto g = open({base_bytes, layer(top_sorted, {base_id})}, why, {hex(std::string(20, 'x')), hex(base_id)});
  // The chain file names the base layer's checksum id; here the second name is the top's.
  REQUIRE(!g);
  CHECK_THAT(why, Catch::Contains("names other base graphs than the chain"));
  g = open({base_bytes, layer(top_sorted, {base_id})}, why, {hex(base_id), hex(std::string(20, 'T'))});
  REQUIRE(g);
  CHECK(g->size() == 4);
  CHECK(g->find(raw(oid_of(3))) == p3);
  CHECK(g->find(raw(oid_of(0))) == p0);
  std::vector<std::uint32_t> parents;
  g->parents(p3, parents);
  CHECK(parents == std::vector<std::uint32_t>{p2, p0});
  CHECK(g->time(p3) == 40);
  CHECK(g->time(p0) == 10);
  // A layer that does not say how many bases it has is not used.
  CHECK(!open({base_bytes, layer(top_sorted)}, why, {hex(base_id), hex(base_id)}));
  CHECK_THAT(why, Catch::Contains("base graphs"));
}

TEST_CASE("commit-graph: a malformed file is not used, and says why", "[commit-graph]") {
  const std::string good = layer(sorted({{oid_of(0), {}, 1}, {oid_of(1), {}, 2}}));
  std::string why;
  REQUIRE(open({good}, why));
  auto refused = [&](std::string bytes, const std::string& reason) {
    INFO(reason);
    CHECK(!open({std::move(bytes)}, why));
    CHECK_THAT(why, Catch::Contains(reason));
  };
  refused("", "too small");
  refused(good.substr(0, 40), "past the end");
  refused("XGPH" + good.substr(4), "signature");
  std::string v2 = good;
  v2[4] = 2;
  refused(v2, "version 2");
  std::string sha256 = good;
  sha256[5] = 2;
  refused(sha256, "SHA-1");
  std::string bases = good;
  bases[7] = 1;
  refused(bases, "base graphs");
  // A chunk offset past the end.
  std::string far = good;
  far[8 + 4 + 7] = '\x7f';
  far[8 + 4 + 6] = '\x7f';
  refused(far, "outside the file");
  // The fanout's last count disagrees with the lookup table.
  std::string fan = good;
  const std::size_t fanout_at = 8 + 4 * 12;
  fan[fanout_at + 255 * 4 + 3] = 9;
  refused(fan, "disagree");
  // A decreasing fanout.
  std::string dec = good;
  for (int i = 0; i < 4; ++i) dec[fanout_at + i] = '\x01';
  refused(dec, "decreases");
  // A CDAT chunk (the last) one entry short: the table's end moved back.
  std::string short_cdat = good;
  const std::size_t end_at = 8 + 3 * 12 + 4; // the terminating entry's offset
  std::uint64_t end = 0;
  for (int i = 0; i < 8; ++i) end = (end << 8) | static_cast<unsigned char>(short_cdat[end_at + i]);
  end -= 36;
  for (int i = 7; i >= 0; --i, end >>= 8) short_cdat[end_at + i] = static_cast<char>(end & 0xff);
  refused(short_cdat, "commit data chunk of the wrong size");
  // No OIDF chunk: its id renamed.
  std::string missing = good;
  missing[8] = 'X';
  refused(missing, "required chunk");
}

TEST_CASE("commit-graph: a parent the graph does not have is an error when read", "[commit-graph]") {
  auto commits = sorted({{oid_of(0), {}, 1}, {oid_of(1), {}, 2}});
  commits[1].parents = {5}; // only 0 and 1 exist
  std::string why;
  auto g = open({layer(commits)}, why);
  REQUIRE(g);
  std::vector<std::uint32_t> parents;
  CHECK_THROWS_WITH(g->parents(1, parents), Catch::Contains("is corrupt (a parent position out of range)"));
  // An octopus whose edge list runs off the end of its chunk.
  auto octo = sorted({{oid_of(0), {}, 1}, {oid_of(1), {}, 2}, {oid_of(2), {}, 3}, {oid_of(3), {}, 4}});
  octo[3].parents = {0, 1, 2};
  std::string bytes = layer(octo);
  // Clear the last-edge mark of the final EDGE entry (just before the checksum).
  bytes[bytes.size() - 20 - 4] &= 0x7f;
  g = open({bytes}, why);
  REQUIRE(g);
  parents.clear();
  CHECK_THROWS_WITH(g->parents(3, parents), Catch::Contains("runs past its chunk"));
}
