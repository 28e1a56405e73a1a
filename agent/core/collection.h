// Collection: runs every enabled collector in parallel on a bounded pool with a deadline.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "collectors/collector.h"
#include "collectors/host_paths.h"

namespace opsagent::core {

/// What one collector produced in one cycle.
struct CollectorOutcome {
  std::string name;
  bool success = false;
  bool timed_out = false;
  double duration_seconds = 0;
  std::string error;
  collectors::Families families;
};

struct CycleResult {
  std::vector<CollectorOutcome> outcomes;  // in registry order
  double duration_seconds = 0;
};

/// A configured set of collectors with the paths they read. Each collector lives in a slot shared
/// with the pool task running it, so a collector stuck in the kernel past its deadline (and past
/// a reload that replaced this set) never touches freed memory; a slot whose previous run is still
/// in flight is not started again, so a stuck collector occupies at most one pool thread.
/// Thread-safety: RunCycle and the completion callback run on the io_context's thread; collectors
/// run on the pool.
class CollectorSet {
 public:
  /// One collector of a new set: a fresh instance, or nullptr to carry over the previous set's
  /// instance of that name with its state (previous counters, stuck mount points and their
  /// threads), so a reload neither resets it nor multiplies threads blocked in the kernel.
  struct Member {
    std::string name;
    std::unique_ptr<collectors::Collector> fresh;
  };

  /// `in_flight` counts collector runs posted and not yet returned, across every set the owner
  /// ever created, so shutdown can tell whether joining the pool would block.
  CollectorSet(std::vector<Member> members, const CollectorSet* previous,
               collectors::HostPaths paths, std::shared_ptr<std::atomic<int>> in_flight);
  /// A set of fresh collectors only.
  CollectorSet(std::vector<std::unique_ptr<collectors::Collector>> collectors,
               collectors::HostPaths paths, std::shared_ptr<std::atomic<int>> in_flight);

  /// Whether a collector of that name is in the set (and so can be carried over).
  bool Has(std::string_view name) const;

  /// Starts one cycle: up to `workers` tasks on `pool` run every idle collector; `done` runs on
  /// `io` once all have finished or `timeout` has passed, whichever is first.
  void RunCycle(boost::asio::io_context& io, boost::asio::thread_pool& pool, std::size_t workers,
                std::chrono::milliseconds timeout, std::function<void(CycleResult)> done);

  /// Whether any collector is still running (a stuck one, or a cycle in flight).
  bool AnyRunning() const;

  std::size_t size() const { return slots_.size(); }

 private:
  struct Cycle;
  struct Slot {
    std::unique_ptr<collectors::Collector> collector;
    std::string name;
    std::atomic<bool> running{false};
  };

  std::vector<std::shared_ptr<Slot>> slots_;
  std::shared_ptr<const collectors::HostPaths> paths_;
  std::shared_ptr<std::atomic<int>> in_flight_;
};

}  // namespace opsagent::core
