// Test helpers for inspecting collector output.
#include "tests/testing/families.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace opsagent::testing {
namespace {

bool HasAllLabels(const prometheus::ClientMetric& metric, const collectors::Labels& wanted) {
  return std::all_of(wanted.begin(), wanted.end(), [&](const collectors::Label& w) {
    return std::find(metric.label.begin(), metric.label.end(), w) != metric.label.end();
  });
}

double ValueOf(const prometheus::MetricFamily& family, const prometheus::ClientMetric& metric) {
  switch (family.type) {
    case prometheus::MetricType::Counter:
      return metric.counter.value;
    case prometheus::MetricType::Gauge:
      return metric.gauge.value;
    default:
      return metric.untyped.value;
  }
}

}  // namespace

std::optional<double> FindSample(const collectors::Families& families, std::string_view name,
                                 const collectors::Labels& labels) {
  for (const auto& family : families) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      if (HasAllLabels(metric, labels)) return ValueOf(family, metric);
    }
  }
  return std::nullopt;
}

std::size_t CountSamples(const collectors::Families& families, std::string_view name) {
  std::size_t n = 0;
  for (const auto& family : families) {
    if (family.name == name) n += family.metric.size();
  }
  return n;
}

bool HasFamily(const collectors::Families& families, std::string_view name) {
  return std::any_of(families.begin(), families.end(),
                     [&](const auto& family) { return family.name == name; });
}

collectors::HostPaths FixturePaths(std::string_view fixture) {
  std::string base = std::string(OPSAGENT_FIXTURES_DIR) + "/" + std::string(fixture);
  return collectors::HostPaths(base + "/proc", base + "/sys", base + "/root");
}

collectors::Families CollectOrFail(collectors::Collector& collector,
                                   const collectors::HostPaths& paths) {
  collectors::CollectResult result = collector.Collect(paths);
  if (!result.ok()) {
    ADD_FAILURE() << collector.Name() << ": " << result.error().message;
    return {};
  }
  return std::move(result).value();
}

}  // namespace opsagent::testing
