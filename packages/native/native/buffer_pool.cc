#include "buffer_pool.h"

#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#define TAPESTRY_HUGE_PAGES 1
#endif

namespace tapestry {

namespace {

// Blocks come in size classes four to a power of two (at most 25 % slack), so the shapes
// of a training loop reuse each other's blocks.
std::size_t sizeClass(std::size_t bytes) {
  if (bytes <= 256) return (bytes + 63) / 64 * 64;
  std::size_t top = std::size_t(1) << (63 - __builtin_clzll(bytes - 1));  // largest power of two < bytes
  std::size_t step = top / 4;
  return (bytes + step - 1) / step * step;
}

constexpr std::size_t HUGE_PAGE = std::size_t(2) << 20;
constexpr std::size_t LARGE = std::size_t(1) << 20;  // larger blocks get their own mapping
constexpr std::size_t CHUNK = std::size_t(8) << 20;  // smaller ones are carved from chunks of this

// Fresh memory from the system, 2 MiB-aligned and (on Linux) backed by transparent huge
// pages where the system allows: the first write to a 4 KiB page costs a page fault —
// about 20 µs on a virtual machine, as long as a small product — and huge pages take one
// fault per 2 MiB.
void* systemBlock(std::size_t bytes) {
#ifdef TAPESTRY_HUGE_PAGES
  std::size_t length = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
  void* raw = mmap(nullptr, length + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return nullptr;
  std::uintptr_t start = reinterpret_cast<std::uintptr_t>(raw);
  std::uintptr_t aligned = (start + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
  if (aligned > start) munmap(raw, aligned - start);
  std::size_t tail = start + length + HUGE_PAGE - (aligned + length);
  if (tail > 0) munmap(reinterpret_cast<void*>(aligned + length), tail);
  madvise(reinterpret_cast<void*>(aligned), length, MADV_HUGEPAGE);
  return reinterpret_cast<void*>(aligned);
#else
  return std::aligned_alloc(64, (bytes + 63) / 64 * 64);
#endif
}

void releaseSystemBlock(void* block, std::size_t bytes) {
#ifdef TAPESTRY_HUGE_PAGES
  munmap(block, (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE);
#else
  (void)bytes;
  std::free(block);
#endif
}

struct Pool {
  std::mutex mutex;
  std::unordered_map<std::size_t, std::vector<void*>> free;  // by size class
  std::size_t held = 0;       // bytes in the free lists
  std::size_t heldLarge = 0;  // of which in large blocks
  // What the free lists may hold in large blocks: more than V8 lets become garbage
  // between two collections (it collects after some 64 MiB of new external memory), or
  // the blocks beyond are unmapped and mapped again, and the kernel clears every new page
  // (9 % of a W2 GRU step at a 64 MiB cap; 128 MiB ran the step 12 % faster, its peak
  // memory within the noise). Smaller caps refault (a 256² product loop at a 16 MiB cap
  // ran at 44 GFLOP/s, at 64 MiB at 180). Held blocks are resident memory.
  std::size_t cap = std::size_t(128) << 20;
  char* chunk = nullptr;  // where the next small block is carved
  std::size_t chunkLeft = 0;

  // Small blocks are carved from huge-page chunks — in the first collection cycles every
  // block is new, and 4 KiB pages faulted in for them cost more than a short benchmark's
  // arithmetic — and never returned to the system: they are reused, and their total is
  // the peak of what was live or awaiting collection at once, per size class. (Blocks from
  // malloc with a 64 MiB cap on the held ones measured a higher W2 peak than this.)
  void* carve(std::size_t size) {
    if (chunkLeft < size) {
      char* fresh = static_cast<char*>(systemBlock(CHUNK));
      if (fresh == nullptr) return nullptr;
      chunk = fresh;
      chunkLeft = CHUNK;
    }
    void* block = chunk;
    chunk += size;
    chunkLeft -= size;
    return block;
  }
};

// Never destroyed: V8 may free backing stores during process or worker teardown, after
// static destructors would have run.
Pool& thePool() {
  static Pool* pool = new Pool;
  return *pool;
}

}  // namespace

void* takeBlock(std::size_t bytes) {
  std::size_t size = sizeClass(bytes);
  Pool& p = thePool();
  std::lock_guard<std::mutex> lock(p.mutex);
  auto it = p.free.find(size);
  if (it != p.free.end() && !it->second.empty()) {
    void* block = it->second.back();
    it->second.pop_back();
    p.held -= size;
    if (size > LARGE) p.heldLarge -= size;
    return block;
  }
  return size > LARGE ? systemBlock(size) : p.carve(size);
}

void giveBlock(void* block, std::size_t bytes) {
  std::size_t size = sizeClass(bytes);
  Pool& p = thePool();
  {
    std::lock_guard<std::mutex> lock(p.mutex);
    bool large = size > LARGE;
    if (!large || p.heldLarge + size <= p.cap) {
      p.free[size].push_back(block);
      p.held += size;
      if (large) p.heldLarge += size;
      return;
    }
  }
  releaseSystemBlock(block, size);
}

std::size_t pooledBytes() {
  std::lock_guard<std::mutex> lock(thePool().mutex);
  return thePool().held;
}

void setPoolCap(std::size_t bytes) {
  Pool& p = thePool();
  std::vector<std::pair<void*, std::size_t>> drop;
  {
    std::lock_guard<std::mutex> lock(p.mutex);
    p.cap = bytes;
    for (auto it = p.free.begin(); it != p.free.end() && p.heldLarge > p.cap; ++it) {
      if (it->first <= LARGE) continue;
      while (!it->second.empty() && p.heldLarge > p.cap) {
        drop.emplace_back(it->second.back(), it->first);
        it->second.pop_back();
        p.held -= it->first;
        p.heldLarge -= it->first;
      }
    }
  }
  for (auto& [block, size] : drop) releaseSystemBlock(block, size);
}

}  // namespace tapestry
