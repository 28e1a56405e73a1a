// BoundedTaskQueue: an httplib task queue with a fixed worker count and a bounded backlog.
#pragma once

#include <httplib.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace opsagent::http {

/// httplib 0.11's own ThreadPool queues connections without bound. Here, when `max_queued`
/// connections already wait, the accepting thread serves the new one itself: accepting pauses,
/// and further clients wait in the kernel's listen backlog, which is bounded too. Dropping the job
/// instead is not possible: it owns the socket. Thread-safety: enqueue from the accept thread,
/// shutdown once.
class BoundedTaskQueue final : public httplib::TaskQueue {
 public:
  BoundedTaskQueue(std::size_t workers, std::size_t max_queued);
  ~BoundedTaskQueue() override;

  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

 private:
  void Stop();  // non-virtual, so the destructor can call it
  void Work();

  std::size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  bool shutting_down_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace opsagent::http
