// Exposition: the /metrics body serialized once per cycle, plain and gzip, shared with scrapes.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "prometheus/metric_family.h"

namespace opsagent::core {

/// One cycle's serialized output. Immutable once published.
struct Exposition {
  std::string text;
  std::string gzip;
  std::size_t series = 0;
};

/// Renders families in the Prometheus text format 0.0.4 and gzips the result.
Exposition Render(const std::vector<prometheus::MetricFamily>& families);

/// gzip (RFC 1952) of `data`; empty on failure.
std::string Gzip(const std::string& data);

/// Holds the latest Exposition. Thread-safety: Publish and Current may be called from any thread;
/// readers keep the snapshot they got alive for as long as they need it (scrapes in flight).
class ExpositionCache {
 public:
  void Publish(std::shared_ptr<const Exposition> exposition);
  std::shared_ptr<const Exposition> Current() const;

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Exposition> current_;
};

}  // namespace opsagent::core
