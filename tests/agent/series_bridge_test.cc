#include "agent/core/series_bridge.h"

#include <gtest/gtest.h>

#include <limits>

#include "collectors/metric_set.h"

namespace opsagent::core {
namespace {

TEST(SeriesBridge, FlattensEveryTypeLikeAScrape) {
  collectors::MetricSet set;
  set.Gauge("g", "h", 1.5, {{"a", "x"}});
  set.Counter("c_total", "h", 7);
  collectors::Families families = set.Take();
  prometheus::MetricFamily histogram;
  histogram.name = "lat_seconds";
  histogram.type = prometheus::MetricType::Histogram;
  prometheus::ClientMetric m;
  m.histogram.sample_count = 3;
  m.histogram.sample_sum = 0.6;
  m.histogram.bucket = {{1, 0.1}, {3, std::numeric_limits<double>::infinity()}};
  histogram.metric.push_back(m);
  families.push_back(histogram);

  LabeledSamples samples = FamiliesToSamples(families);
  std::vector<std::string> rendered;
  for (const auto& [labels, v] : samples)
    rendered.push_back(labels.ToString() + " " + std::to_string(v));
  EXPECT_EQ(rendered, (std::vector<std::string>{
                          R"({__name__="g", a="x"} 1.500000)",
                          R"({__name__="c_total"} 7.000000)",
                          R"({__name__="lat_seconds_bucket", le="0.1"} 1.000000)",
                          R"({__name__="lat_seconds_bucket", le="+Inf"} 3.000000)",
                          R"({__name__="lat_seconds_sum"} 0.600000)",
                          R"({__name__="lat_seconds_count"} 3.000000)",
                      }));
}

TEST(SeriesBridge, GroupsSamplesIntoSortedUntypedFamilies) {
  LabeledSamples samples = {
      {rules::Labels::FromPairs({{"__name__", "b"}, {"x", "1"}}), 1},
      {rules::Labels::FromPairs({{"__name__", "a"}}), 2},
      {rules::Labels::FromPairs({{"__name__", "b"}, {"x", "2"}}), 3},
  };
  collectors::Families families = SamplesToFamilies(samples, "rule output");
  ASSERT_EQ(families.size(), 2u);
  EXPECT_EQ(families[0].name, "a");
  EXPECT_EQ(families[1].name, "b");
  ASSERT_EQ(families[1].metric.size(), 2u);
  EXPECT_EQ(families[1].metric[1].label.at(0).value, "2");
  EXPECT_EQ(families[1].type, prometheus::MetricType::Untyped);
}

}  // namespace
}  // namespace opsagent::core
