#include "thread_pool.h"

#include <cstdlib>
#include <memory>

#include "ieee_mode.h"

namespace tapestry {

// One step of a spin-wait: a pause, and every 64th a yield to the scheduler. When another
// process keeps the other core busy, the threads of a job can share one core, and a pure
// spin then took the processor from the very thread it waited for: two-thread 256³ and
// 1024³ products ran at about half the one-thread speed under load (medians 106 and 134
// GFLOP/s, while PyTorch, whose OpenBLAS threads yield, kept 169 and 185). On an idle
// core the yield returns at once.
static inline void relax(int spin) {
  if ((spin & 63) == 63) {
    std::this_thread::yield();
    return;
  }
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Set on a thread while it runs tasks of a job. A task that calls run() again (a kernel
// inside a loop split by rows is meant to stay on its thread) gets its tasks run inline:
// the pool has one job at a time, and a nested one would overwrite it.
static thread_local bool inJob = false;

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < threads; i++) workers_.emplace_back([this] { work(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
    generation_.fetch_add(1);
  }
  wake_.notify_all();
  for (auto& w : workers_) w.join();
}

void ThreadPool::drain() {
  IeeeMode ieee;
  bool outer = inJob;
  inJob = true;
  for (int t = next_.fetch_add(1); t < tasks_; t = next_.fetch_add(1)) {
    fn_(ctx_, t);
    done_.fetch_add(1, std::memory_order_release);
  }
  inJob = outer;
}

void ThreadPool::work() {
  uint64_t seen = 0;
  for (;;) {
    // Spin a little for the next job (≈ 0.4 ms), then sleep.
    for (int spin = 0; spin < 20000 && generation_.load(std::memory_order_acquire) == seen; spin++) relax(spin);
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return generation_.load() != seen; });
      seen = generation_.load();
      if (stop_) return;
    }
    drain();
  }
}

void ThreadPool::run(int tasks, Task fn, void* ctx) {
  if (tasks <= 0) return;
  if (tasks == 1 || workers_.empty() || inJob) {
    for (int t = 0; t < tasks; t++) fn(ctx, t);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    tasks_.store(tasks);
    fn_ = fn;
    ctx_ = ctx;
    done_.store(0);  // before next_: a task of this job can only be claimed after both
    next_.store(0);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  drain();
  for (int spin = 0; done_.load(std::memory_order_acquire) < tasks; spin++) relax(spin);
}

static int defaultThreads() {
  const char* env = std::getenv("TAPESTRY_NUM_THREADS");
  if (env != nullptr) {
    int n = std::atoi(env);
    if (n >= 1 && n <= 1024) return n;
  }
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

static std::unique_ptr<ThreadPool>& poolSlot() {
  static std::unique_ptr<ThreadPool> slot;
  return slot;
}

ThreadPool& pool() {
  auto& slot = poolSlot();
  if (!slot) slot = std::make_unique<ThreadPool>(defaultThreads());
  return *slot;
}

void setPoolSize(int threads) { poolSlot() = std::make_unique<ThreadPool>(threads < 1 ? 1 : threads); }

}  // namespace tapestry
