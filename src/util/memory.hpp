#pragma once
// Start-up memory preparation for short-lived hook processes.

#include <cstddef>

namespace relgate::memory {

// Prepares malloc for a process that reads many git objects and exits:
// - maps the first `bytes` of the heap in one system call and keeps them:
//   touching fresh heap pages one fault at a time costs far more than
//   populating them together, and was a large share of a short push's time
//   (figures: tests/bench/PERFORMANCE.md);
// - turns malloc's fast bins off: libgit2 allocates zlib's 40 KiB of state
//   for every object it reads, and each allocation that large first
//   consolidated the fast bins.
// No effect under AddressSanitizer; without MADV_POPULATE_WRITE (Linux before
// 5.14) the pages are faulted in as used, as before.
void warm_heap(std::size_t bytes);

} // namespace relgate::memory
