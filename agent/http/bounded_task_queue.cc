// A bounded worker pool for httplib connections.
#include "agent/http/bounded_task_queue.h"

namespace opsagent::http {

BoundedTaskQueue::BoundedTaskQueue(std::size_t workers, std::size_t max_queued)
    : max_queued_(max_queued) {
  for (std::size_t i = 0; i < workers; ++i) workers_.emplace_back([this] { Work(); });
}

BoundedTaskQueue::~BoundedTaskQueue() { Stop(); }

void BoundedTaskQueue::enqueue(std::function<void()> fn) {
  {
    std::unique_lock lock(mutex_);
    if (!shutting_down_ && jobs_.size() < max_queued_) {
      jobs_.push_back(std::move(fn));
      ready_.notify_one();
      return;
    }
  }
  fn();  // backpressure: serve on the accepting thread
}

void BoundedTaskQueue::shutdown() { Stop(); }

void BoundedTaskQueue::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (shutting_down_) return;
    shutting_down_ = true;
  }
  ready_.notify_all();
  for (std::thread& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
}

void BoundedTaskQueue::Work() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return shutting_down_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // shutting down and drained
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

}  // namespace opsagent::http
