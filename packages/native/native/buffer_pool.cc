#include "buffer_pool.h"

#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace tapestry {

namespace {

// Blocks are kept per exact (64-byte-rounded) size: a training loop allocates the same
// few shapes every step, so exact sizes are reused and no block is larger than asked.
struct Pool {
  std::mutex mutex;
  std::unordered_map<std::size_t, std::vector<void*>> free;
  std::size_t held = 0;
  std::size_t cap = std::size_t(128) << 20;  // about two of V8's external-memory GC intervals
};

// Never destroyed: V8 may free backing stores during process or worker teardown, after
// static destructors would have run.
Pool& thePool() {
  static Pool* pool = new Pool;
  return *pool;
}

std::size_t rounded(std::size_t bytes) { return (bytes + 63) / 64 * 64; }

}  // namespace

void* takeBlock(std::size_t bytes) {
  std::size_t size = rounded(bytes);
  Pool& p = thePool();
  {
    std::lock_guard<std::mutex> lock(p.mutex);
    auto it = p.free.find(size);
    if (it != p.free.end() && !it->second.empty()) {
      void* block = it->second.back();
      it->second.pop_back();
      p.held -= size;
      return block;
    }
  }
  return std::aligned_alloc(64, size);
}

void giveBlock(void* block, std::size_t bytes) {
  std::size_t size = rounded(bytes);
  Pool& p = thePool();
  {
    std::lock_guard<std::mutex> lock(p.mutex);
    if (p.held + size <= p.cap) {
      p.free[size].push_back(block);
      p.held += size;
      return;
    }
  }
  std::free(block);
}

std::size_t pooledBytes() {
  std::lock_guard<std::mutex> lock(thePool().mutex);
  return thePool().held;
}

void setPoolCap(std::size_t bytes) {
  Pool& p = thePool();
  std::vector<void*> drop;
  {
    std::lock_guard<std::mutex> lock(p.mutex);
    p.cap = bytes;
    for (auto it = p.free.begin(); it != p.free.end() && p.held > p.cap; ++it) {
      while (!it->second.empty() && p.held > p.cap) {
        drop.push_back(it->second.back());
        it->second.pop_back();
        p.held -= it->first;
      }
    }
  }
  for (void* block : drop) std::free(block);
}

}  // namespace tapestry
