// Tests for parallel collection with deadlines: a blocked collector never blocks the cycle,
// is not started twice while stuck, and does not leak threads.
#include "agent/core/collection.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <condition_variable>
#include <mutex>

#include "collectors/metric_set.h"

namespace opsagent::core {
namespace {

// A test double standing in for a collector whose read blocks in the kernel (a hung NFS statfs):
// it waits on a gate the test opens. Real threads, real blocking.
class GatedCollector : public collectors::Collector {
 public:
  struct Gate {
    std::mutex mutex;
    std::condition_variable cv;
    bool open = false;
    int calls = 0;
  };

  explicit GatedCollector(std::shared_ptr<Gate> gate) : gate_(std::move(gate)) {}
  const collectors::CollectorInfo& Info() const override {
    static const collectors::CollectorInfo info{"gated", "test", {}, true};
    return info;
  }
  collectors::CollectResult Collect(const collectors::HostPaths&) override {
    std::unique_lock lock(gate_->mutex);
    ++gate_->calls;
    gate_->cv.wait(lock, [&] { return gate_->open; });
    collectors::MetricSet set;
    set.Gauge("gated_value", "h", 1);
    return set.Take();
  }

 private:
  std::shared_ptr<Gate> gate_;
};

class ValueCollector : public collectors::Collector {
 public:
  explicit ValueCollector(bool fail) : fail_(fail) {}
  const collectors::CollectorInfo& Info() const override {
    static const collectors::CollectorInfo ok{"value", "test", {}, true};
    static const collectors::CollectorInfo bad{"failing", "test", {}, true};
    return fail_ ? bad : ok;
  }
  collectors::CollectResult Collect(const collectors::HostPaths&) override {
    if (fail_) return Error{"cannot read /proc/nothing"};
    collectors::MetricSet set;
    set.Gauge("value", "h", 42);
    return set.Take();
  }

 private:
  bool fail_;
};

struct Fixture {
  boost::asio::io_context io;
  boost::asio::thread_pool pool{2};
  std::shared_ptr<std::atomic<int>> in_flight = std::make_shared<std::atomic<int>>(0);
  std::shared_ptr<GatedCollector::Gate> gate = std::make_shared<GatedCollector::Gate>();

  std::unique_ptr<CollectorSet> MakeSet() {
    std::vector<std::unique_ptr<collectors::Collector>> list;
    list.push_back(std::make_unique<GatedCollector>(gate));
    list.push_back(std::make_unique<ValueCollector>(false));
    list.push_back(std::make_unique<ValueCollector>(true));
    return std::make_unique<CollectorSet>(std::move(list), collectors::HostPaths(), in_flight);
  }

  CycleResult RunOnce(CollectorSet& set, std::chrono::milliseconds timeout) {
    CycleResult out;
    bool done = false;
    set.RunCycle(io, pool, 2, timeout, [&](CycleResult r) {
      out = std::move(r);
      done = true;
    });
    io.restart();
    while (!done) io.run_one();
    return out;
  }

  void OpenGate() {
    std::lock_guard lock(gate->mutex);
    gate->open = true;
    gate->cv.notify_all();
  }
};

TEST(CollectorSet, BlockedCollectorTimesOutOthersComplete) {
  Fixture f;
  auto set = f.MakeSet();
  CycleResult result = f.RunOnce(*set, std::chrono::milliseconds(100));
  ASSERT_EQ(result.outcomes.size(), 3u);
  EXPECT_EQ(result.outcomes[0].name, "gated");
  EXPECT_TRUE(result.outcomes[0].timed_out);
  EXPECT_FALSE(result.outcomes[0].success);
  EXPECT_TRUE(result.outcomes[1].success);
  ASSERT_EQ(result.outcomes[1].families.size(), 1u);
  EXPECT_EQ(result.outcomes[1].families[0].name, "value");
  EXPECT_FALSE(result.outcomes[2].success);
  EXPECT_FALSE(result.outcomes[2].timed_out);
  EXPECT_EQ(result.outcomes[2].error, "cannot read /proc/nothing");
  f.OpenGate();
  f.pool.join();
}

TEST(CollectorSet, StuckCollectorIsNotStartedAgain) {
  Fixture f;
  auto set = f.MakeSet();
  (void)f.RunOnce(*set, std::chrono::milliseconds(50));
  CycleResult second = f.RunOnce(*set, std::chrono::milliseconds(50));
  EXPECT_TRUE(second.outcomes[0].timed_out);
  EXPECT_EQ(second.outcomes[0].error, "still running from an earlier cycle");
  EXPECT_TRUE(second.outcomes[1].success);
  {
    std::lock_guard lock(f.gate->mutex);
    EXPECT_EQ(f.gate->calls, 1);  // one pool thread held, not two
  }
  EXPECT_EQ(f.in_flight->load(), 1);
  f.OpenGate();
  f.pool.join();
  EXPECT_EQ(f.in_flight->load(), 0);
}

TEST(CollectorSet, RecoversOnceUnblocked) {
  Fixture f;
  auto set = f.MakeSet();
  (void)f.RunOnce(*set, std::chrono::milliseconds(50));
  f.OpenGate();
  while (set->AnyRunning()) std::this_thread::yield();
  CycleResult result = f.RunOnce(*set, std::chrono::seconds(30));
  EXPECT_TRUE(result.outcomes[0].success);
  EXPECT_FALSE(result.outcomes[0].timed_out);
  f.pool.join();
}

TEST(CollectorSet, SurvivesBeingDestroyedWhileACollectorIsStuck) {
  Fixture f;
  auto set = f.MakeSet();
  (void)f.RunOnce(*set, std::chrono::milliseconds(50));
  set.reset();  // a reload replaced it; the stuck run must not touch freed memory
  f.OpenGate();
  f.pool.join();
  f.io.restart();
  f.io.poll();  // the late completion is delivered and ignored
  EXPECT_EQ(f.in_flight->load(), 0);
}

TEST(CollectorSet, CarriesOverAStuckCollectorInsteadOfStartingAnother) {
  Fixture f;
  auto first = f.MakeSet();
  (void)f.RunOnce(*first, std::chrono::milliseconds(50));  // "gated" is now stuck
  std::vector<CollectorSet::Member> members;
  members.push_back({"gated", nullptr});  // carried over
  members.push_back({"value", std::make_unique<ValueCollector>(false)});
  CollectorSet second(std::move(members), first.get(), collectors::HostPaths(), f.in_flight);
  first.reset();
  EXPECT_TRUE(second.Has("gated"));
  EXPECT_FALSE(second.Has("failing"));
  CycleResult result = f.RunOnce(second, std::chrono::milliseconds(50));
  ASSERT_EQ(result.outcomes.size(), 2u);
  EXPECT_EQ(result.outcomes[0].error, "still running from an earlier cycle");
  EXPECT_TRUE(result.outcomes[1].success);
  {
    std::lock_guard lock(f.gate->mutex);
    EXPECT_EQ(f.gate->calls, 1);  // the carried-over instance, not a second blocked one
  }
  f.OpenGate();
  f.pool.join();
}

}  // namespace
}  // namespace opsagent::core
