// A persistent pool of worker threads. `run(tasks, fn)` calls fn(ctx, t) for every task
// t in [0, tasks) on the caller and the workers, and returns when all are done. Workers
// spin briefly after a job (the next product of a recurrent scan arrives within
// microseconds) and then sleep on a condition variable, so an idle pool costs nothing.
#pragma once
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace tapestry {

class ThreadPool {
 public:
  using Task = void (*)(void* ctx, int task);
  explicit ThreadPool(int threads);
  ~ThreadPool();
  int size() const { return static_cast<int>(workers_.size()) + 1; }
  void run(int tasks, Task fn, void* ctx);

 private:
  void work();
  void drain();
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> next_{0};
  std::atomic<int> done_{0};
  std::atomic<int> tasks_{0};
  Task fn_ = nullptr;
  void* ctx_ = nullptr;
  bool stop_ = false;
};

// The process-wide pool (TAPESTRY_NUM_THREADS threads, default the core count).
ThreadPool& pool();
// Replaces the pool with one of `threads` threads (tests run the kernels at 1, 2 and 7).
void setPoolSize(int threads);

}  // namespace tapestry
