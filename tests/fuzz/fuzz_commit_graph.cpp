// Fuzz target: the commit-graph reader (src/git/commit_graph.cpp). The input
// is a graph file; a first byte that is odd makes it a chain of two layers,
// the next two bytes the size of the first (base names are not compared). Every commit the graph accepts is read back: its id, time and
// parents (a corrupt position throws Error, nothing else may go wrong), and
// finding its id gives a position holding that id.
#include "git/commit_graph.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using relgate::git::CommitGraph;
  if (size == 0) return 0;
  std::vector<std::string> layers;
  const std::vector<std::string> bases;
  if (data[0] & 1) {
    if (size < 3) return 0;
    const std::string rest(reinterpret_cast<const char*>(data) + 3, size - 3);
    const std::size_t first = std::min<std::size_t>((std::size_t(data[1]) << 8) | data[2], rest.size());
    layers = {rest.substr(0, first), rest.substr(first)};
  } else {
    layers = {std::string(reinterpret_cast<const char*>(data) + 1, size - 1)};
  }
  std::string why_not;
  auto g = CommitGraph::from_layers(std::move(layers), bases, why_not);
  if (!g) {
    if (why_not.empty()) __builtin_trap(); // a refusal says why
    return 0;
  }
  std::vector<std::uint32_t> parents;
  const std::uint32_t n = g->size() < 4096 ? g->size() : 4096;
  for (std::uint32_t pos = 0; pos < n; ++pos) {
    const unsigned char* id = g->oid(pos);
    (void)g->time(pos);
    const std::uint32_t found = g->find(id);
    if (found != CommitGraph::k_none && std::memcmp(g->oid(found), id, CommitGraph::k_oid_size) != 0) __builtin_trap();
    parents.clear();
    try {
      g->parents(pos, parents);
    } catch (const relgate::Error&) {
      continue;
    }
    for (std::uint32_t p : parents) {
      if (p >= g->size()) __builtin_trap();
    }
  }
  return 0;
}
