// Storage for the output tensors of native kernels, recycled by size class. A fresh
// ArrayBuffer from V8 is zero-filled memory the allocator usually takes from newly mapped
// pages, and the first write to each 4 KiB page is a page fault — measured at 19 µs each
// on a virtual machine, 605 of them per 1024² product (as long as the product itself).
// Kernels that overwrite every element need neither the zeros nor new pages: blocks are
// reused, and new large ones come from 2 MiB-aligned mappings advised to use transparent
// huge pages (one fault per 2 MiB where the system grants them). A block goes back to the pool only from the ArrayBuffer's deleter — when V8
// frees the backing store, so no JavaScript object can still see it.
#pragma once
#include <cstddef>

namespace tapestry {

// A 64-byte-aligned block of at least `bytes` bytes (contents unspecified), or nullptr.
void* takeBlock(std::size_t bytes);
// Returns a block from takeBlock(bytes); any thread may call it (V8 frees backing stores
// on its sweeper threads).
void giveBlock(void* block, std::size_t bytes);
// Bytes held by the pool for reuse, and the cap on those held in large (> 1 MiB) blocks.
std::size_t pooledBytes();
void setPoolCap(std::size_t bytes);

}  // namespace tapestry
