// MetricSet: groups samples into prometheus-cpp families.
#include "collectors/metric_set.h"

#include <utility>

namespace opsagent::collectors {

void MetricSet::Gauge(std::string_view name, std::string_view help, double value, Labels labels) {
  Add(name, help, prometheus::MetricType::Gauge, value, std::move(labels));
}

void MetricSet::Counter(std::string_view name, std::string_view help, double value, Labels labels) {
  Add(name, help, prometheus::MetricType::Counter, value, std::move(labels));
}

void MetricSet::Untyped(std::string_view name, std::string_view help, double value, Labels labels) {
  Add(name, help, prometheus::MetricType::Untyped, value, std::move(labels));
}

void MetricSet::Add(std::string_view name, std::string_view help, prometheus::MetricType type,
                    double value, Labels labels) {
  prometheus::MetricFamily& family = FamilyFor(name, help, type);
  prometheus::ClientMetric& metric = family.metric.emplace_back();
  metric.label = std::move(labels);
  switch (family.type) {
    case prometheus::MetricType::Counter:
      metric.counter.value = value;
      break;
    case prometheus::MetricType::Gauge:
      metric.gauge.value = value;
      break;
    default:
      metric.untyped.value = value;
      break;
  }
}

prometheus::MetricFamily& MetricSet::FamilyFor(std::string_view name, std::string_view help,
                                               prometheus::MetricType type) {
  auto [it, inserted] = index_.try_emplace(std::string(name), families_.size());
  if (inserted) {
    prometheus::MetricFamily& family = families_.emplace_back();
    family.name = std::string(name);
    family.help = std::string(help);
    family.type = type;
  }
  return families_[it->second];
}

std::vector<prometheus::MetricFamily> MetricSet::Take() {
  index_.clear();
  return std::exchange(families_, {});
}

}  // namespace opsagent::collectors
