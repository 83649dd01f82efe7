#pragma once
// Reads git's commit-graph (gitformat-commit-graph(5)): each commit's
// parents and commit time without reading, inflating and parsing the commit
// object. This is how `git rev-list` walks a large history in milliseconds;
// libgit2 1.5 reads the file too, but only from the first object directory,
// which in a pre-receive hook is git's quarantine, and relgate's walks do
// not go through libgit2's revwalk (see libgit2_repository.cpp).
//
// Knows nothing of libgit2: object ids are 20 raw bytes. A file that is not
// a well-formed commit-graph is not used (load() says why); a position the
// graph names but does not have is found only when it is read, and throws
// Error (the graph is corrupt; git itself stops there too).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace relgate::git {

class CommitGraph {
public:
  static constexpr std::uint32_t k_none = 0xffffffffu;
  static constexpr std::size_t k_oid_size = 20;

  // The commit-graph of an object directory, as git finds it:
  // info/commit-graph, else the chain info/commit-graphs/commit-graph-chain.
  // nullptr when there is none or it cannot be used; `why_not` then says why
  // (empty when there is simply no graph).
  static std::unique_ptr<CommitGraph> load(const std::string& objects_dir, std::string& why_not);
  // The same from files' contents, base layer first (`bases` are the hex
  // ids a chain file lists for them; empty for a single file). The graph
  // keeps the buffers alive. For tests and fuzzing.
  static std::unique_ptr<CommitGraph> from_layers(std::vector<std::string> layers, const std::vector<std::string>& bases,
                                                  std::string& why_not);

  ~CommitGraph();
  CommitGraph(const CommitGraph&) = delete;
  CommitGraph& operator=(const CommitGraph&) = delete;

  // How many commits the graph holds; positions are 0 .. size()-1.
  std::uint32_t size() const { return m_size; }
  // The position of the commit `oid` (20 bytes), or k_none.
  std::uint32_t find(const unsigned char* oid) const;
  // The commit at `pos` (< size()): its id, commit time, parents in order.
  const unsigned char* oid(std::uint32_t pos) const;
  std::int64_t time(std::uint32_t pos) const;
  // Its topological level (generation number v1): greater than each of its
  // parents'; 0 when the graph was written without them.
  std::uint32_t generation(std::uint32_t pos) const;
  void parents(std::uint32_t pos, std::vector<std::uint32_t>& out) const; // appends; throws Error if corrupt

private:
  struct Layer {
    std::uint32_t first = 0; // position of its first commit
    std::uint32_t count = 0;
    const unsigned char* fanout = nullptr;
    const unsigned char* oids = nullptr;
    const unsigned char* cdat = nullptr;
    const unsigned char* edges = nullptr;
    std::size_t edge_count = 0;
    std::string name; // for messages
  };
  struct Mapping; // a file mapped into memory, or a buffer
  static std::unique_ptr<Mapping> map_file(const std::string& path, std::string& why_not);
  CommitGraph() = default;
  static std::unique_ptr<CommitGraph> build(std::vector<std::unique_ptr<Mapping>> maps, std::vector<std::string> names,
                                            const std::vector<std::string>& bases, std::string& why_not);
  const Layer& layer_of(std::uint32_t pos) const;
  // The commit data entry at `pos` of layer `l`: tree id, two parent words,
  // generation and time.
  static const unsigned char* entry(const Layer& l, std::uint32_t pos);
  [[noreturn]] void corrupt(const Layer& l, const std::string& what) const;

  std::vector<std::unique_ptr<Mapping>> m_maps;
  std::vector<Layer> m_layers; // base first
  std::uint32_t m_size = 0;
};

} // namespace relgate::git
