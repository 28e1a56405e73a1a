// MetricSet: the builder a collector fills with samples and hands back as MetricFamily[].
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "prometheus/client_metric.h"
#include "prometheus/metric_family.h"

namespace opsagent::collectors {

using Label = prometheus::ClientMetric::Label;
using Labels = std::vector<Label>;

/// Groups samples into families by metric name, keeping first-seen order so output is stable.
/// A family's help and type come from its first sample. Thread-safety: not thread-safe; one
/// MetricSet belongs to one Collect() call.
class MetricSet {
 public:
  void Gauge(std::string_view name, std::string_view help, double value, Labels labels = {});
  void Counter(std::string_view name, std::string_view help, double value, Labels labels = {});
  void Untyped(std::string_view name, std::string_view help, double value, Labels labels = {});
  void Add(std::string_view name, std::string_view help, prometheus::MetricType type, double value,
           Labels labels);

  /// Moves the families out; the set is empty afterwards.
  std::vector<prometheus::MetricFamily> Take();

  std::size_t family_count() const { return families_.size(); }

 private:
  prometheus::MetricFamily& FamilyFor(std::string_view name, std::string_view help,
                                      prometheus::MetricType type);

  std::vector<prometheus::MetricFamily> families_;
  std::unordered_map<std::string, std::size_t> index_;
};

}  // namespace opsagent::collectors
