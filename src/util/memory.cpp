#include "util/memory.hpp"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RELGATE_NO_WARM_HEAP 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define RELGATE_NO_WARM_HEAP 1
#endif

namespace relgate::memory {

void warm_heap(std::size_t bytes) {
#ifndef RELGATE_NO_WARM_HEAP
  // Grow the heap by `bytes` in one step (not through mmap), map it, and
  // keep it: freed, it stays the top of the heap, below the trim threshold.
  mallopt(M_MMAP_THRESHOLD, static_cast<int>(bytes * 2));
  // No fast bins: libgit2 allocates zlib's 40 KiB of state for every object
  // it reads, and each allocation that large first consolidated the fast
  // bins that many small frees had filled (7-25 % of a push of 100,000
  // commits here).
  mallopt(M_MXFAST, 0);
  mallopt(M_TRIM_THRESHOLD, static_cast<int>(bytes * 4));
  void* block = std::malloc(bytes);
  if (!block) return;
  auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  auto from = reinterpret_cast<std::uintptr_t>(block) & ~(page - 1);
  auto to = reinterpret_cast<std::uintptr_t>(sbrk(0));
  if (to > from) (void)madvise(reinterpret_cast<void*>(from), to - from, MADV_POPULATE_WRITE);
  std::free(block);
#else
  (void)bytes;
#endif
}

} // namespace relgate::memory
