// Storage for the output tensors of native kernels, recycled by size. A fresh
// ArrayBuffer from V8 is zero-filled memory the allocator usually takes from newly mapped
// pages, and on this kind of machine the page faults of the kernel's first write cost as
// much as a 256² product; kernels that overwrite every element need neither the zeros nor
// new pages. A block goes back to the pool only from the ArrayBuffer's deleter — when V8
// frees the backing store, so no JavaScript object can still see it.
#pragma once
#include <cstddef>

namespace tapestry {

// A 64-byte-aligned block of at least `bytes` bytes (contents unspecified), or nullptr.
void* takeBlock(std::size_t bytes);
// Returns a block from takeBlock(bytes); any thread may call it (V8 frees backing stores
// on its sweeper threads).
void giveBlock(void* block, std::size_t bytes);
// Bytes held by the pool for reuse, and the cap on them.
std::size_t pooledBytes();
void setPoolCap(std::size_t bytes);

}  // namespace tapestry
