// FamiliesToSamples / SamplesToFamilies: the bridge between collectors and rules.
#include "agent/core/series_bridge.h"

#include <charconv>
#include <limits>
#include <map>

namespace opsagent::core {
namespace {

std::string FormatBound(double v) {
  if (v == std::numeric_limits<double>::infinity()) return "+Inf";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : "NaN";
}

rules::Labels MakeLabels(std::string_view name, const prometheus::ClientMetric& metric,
                         std::string_view extra_name = {}, std::string_view extra_value = {}) {
  std::vector<rules::Label> labels;
  labels.reserve(metric.label.size() + 2);
  labels.push_back({std::string(rules::kMetricNameLabel), std::string(name)});
  for (const auto& label : metric.label) labels.push_back({label.name, label.value});
  if (!extra_name.empty()) labels.push_back({std::string(extra_name), std::string(extra_value)});
  return rules::Labels::FromVector(std::move(labels));
}

void AppendMetric(const prometheus::MetricFamily& family, const prometheus::ClientMetric& metric,
                  LabeledSamples& out) {
  const std::string& name = family.name;
  switch (family.type) {
    case prometheus::MetricType::Counter:
      out.emplace_back(MakeLabels(name, metric), metric.counter.value);
      break;
    case prometheus::MetricType::Gauge:
      out.emplace_back(MakeLabels(name, metric), metric.gauge.value);
      break;
    case prometheus::MetricType::Untyped:
      out.emplace_back(MakeLabels(name, metric), metric.untyped.value);
      break;
    case prometheus::MetricType::Histogram:
      for (const auto& bucket : metric.histogram.bucket) {
        out.emplace_back(
            MakeLabels(name + "_bucket", metric, "le", FormatBound(bucket.upper_bound)),
            static_cast<double>(bucket.cumulative_count));
      }
      out.emplace_back(MakeLabels(name + "_sum", metric), metric.histogram.sample_sum);
      out.emplace_back(MakeLabels(name + "_count", metric),
                       static_cast<double>(metric.histogram.sample_count));
      break;
    case prometheus::MetricType::Summary:
      for (const auto& q : metric.summary.quantile) {
        out.emplace_back(MakeLabels(name, metric, "quantile", FormatBound(q.quantile)), q.value);
      }
      out.emplace_back(MakeLabels(name + "_sum", metric), metric.summary.sample_sum);
      out.emplace_back(MakeLabels(name + "_count", metric),
                       static_cast<double>(metric.summary.sample_count));
      break;
    default:
      break;
  }
}

}  // namespace

LabeledSamples FamiliesToSamples(const collectors::Families& families) {
  LabeledSamples out;
  std::size_t total = 0;
  for (const auto& family : families) total += family.metric.size();
  out.reserve(total);
  for (const auto& family : families) {
    for (const auto& metric : family.metric) AppendMetric(family, metric, out);
  }
  return out;
}

collectors::Families SamplesToFamilies(const LabeledSamples& samples, std::string_view help) {
  std::map<std::string_view, prometheus::MetricFamily> by_name;
  for (const auto& [labels, value] : samples) {
    std::string_view name = labels.MetricName();
    if (name.empty()) continue;
    prometheus::MetricFamily& family = by_name[name];
    if (family.name.empty()) {
      family.name = std::string(name);
      family.help = std::string(help);
      family.type = prometheus::MetricType::Untyped;
    }
    prometheus::ClientMetric metric;
    for (const auto& label : labels) {
      if (label.name != rules::kMetricNameLabel) metric.label.push_back({label.name, label.value});
    }
    metric.untyped.value = value;
    family.metric.push_back(std::move(metric));
  }
  collectors::Families out;
  out.reserve(by_name.size());
  for (auto& [name, family] : by_name) out.push_back(std::move(family));
  return out;
}

}  // namespace opsagent::core
