// Parallel collection with per-cycle deadline.
#include "agent/core/collection.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace opsagent::core {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Per-cycle bookkeeping, touched only on the io thread.
struct CycleState {
  Clock::time_point start;
  std::vector<CollectorOutcome> outcomes;
  std::vector<bool> finished;
  std::size_t pending = 0;
  bool reported = false;
  std::unique_ptr<boost::asio::steady_timer> deadline;
  std::function<void(CycleResult)> done;

  void Report() {
    if (reported) return;
    reported = true;
    deadline->cancel();
    CycleResult result;
    result.duration_seconds = SecondsSince(start);
    result.outcomes = std::move(outcomes);
    done(std::move(result));
  }
};

}  // namespace

CollectorSet::CollectorSet(std::vector<std::unique_ptr<collectors::Collector>> collectors,
                           collectors::HostPaths paths, std::shared_ptr<std::atomic<int>> in_flight)
    : paths_(std::make_shared<const collectors::HostPaths>(std::move(paths))),
      in_flight_(std::move(in_flight)) {
  for (auto& collector : collectors) {
    auto slot = std::make_shared<Slot>();
    slot->name = std::string(collector->Name());
    slot->collector = std::move(collector);
    slots_.push_back(std::move(slot));
  }
}

bool CollectorSet::AnyRunning() const {
  for (const auto& slot : slots_) {
    if (slot->running.load()) return true;
  }
  return false;
}

void CollectorSet::RunCycle(boost::asio::io_context& io, boost::asio::thread_pool& pool,
                            std::chrono::milliseconds timeout,
                            std::function<void(CycleResult)> done) {
  auto cycle = std::make_shared<CycleState>();
  cycle->start = Clock::now();
  cycle->done = std::move(done);
  cycle->deadline = std::make_unique<boost::asio::steady_timer>(io, timeout);
  cycle->outcomes.resize(slots_.size());
  cycle->finished.assign(slots_.size(), false);

  for (std::size_t i = 0; i < slots_.size(); ++i) {
    std::shared_ptr<Slot> slot = slots_[i];
    cycle->outcomes[i].name = slot->name;
    if (slot->running.exchange(true)) {
      // Still stuck in an earlier cycle: counts as a timeout now, without a second thread.
      cycle->outcomes[i].timed_out = true;
      cycle->outcomes[i].error = "still running from an earlier cycle";
      cycle->finished[i] = true;
      continue;
    }
    ++cycle->pending;
    in_flight_->fetch_add(1);
    boost::asio::post(pool, [slot, cycle, i, paths = paths_, in_flight = in_flight_, &io] {
      Clock::time_point start = Clock::now();
      collectors::CollectResult result = slot->collector->Collect(*paths);
      double duration = SecondsSince(start);
      slot->running.store(false);
      in_flight->fetch_sub(1);
      boost::asio::post(io, [cycle, i, duration, result = std::move(result)]() mutable {
        if (cycle->reported) return;  // arrived after the deadline: already counted as timeout
        CollectorOutcome& outcome = cycle->outcomes[i];
        outcome.duration_seconds = duration;
        outcome.success = result.ok();
        if (result.ok()) {
          outcome.families = std::move(result).value();
        } else {
          outcome.error = result.error().message;
        }
        cycle->finished[i] = true;
        if (--cycle->pending == 0) cycle->Report();
      });
    });
  }

  cycle->deadline->async_wait([cycle, n = slots_.size()](const boost::system::error_code& ec) {
    if (ec || cycle->reported) return;
    for (std::size_t i = 0; i < n; ++i) {
      if (cycle->finished[i]) continue;
      CollectorOutcome& outcome = cycle->outcomes[i];
      outcome.timed_out = true;
      outcome.error = "deadline exceeded";
      outcome.duration_seconds = SecondsSince(cycle->start);
    }
    cycle->Report();
  });
  if (cycle->pending == 0) {
    boost::asio::post(io, [cycle] { cycle->Report(); });
  }
}

}  // namespace opsagent::core
