// Tests for rendering, gzip and the exposition cache.
#include "agent/core/exposition.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <limits>

#include "collectors/metric_set.h"

namespace opsagent::core {
namespace {

std::string Gunzip(const std::string& data) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return out;
}

TEST(Render, WritesTextFormatAndMatchingGzip) {
  collectors::MetricSet set;
  set.Counter("node_cpu_seconds_total", "Seconds the CPUs spent in each mode.", 12.5,
              {{"cpu", "0"}, {"mode", "idle"}});
  set.Gauge("node_load1", "1m load average.", 0.25);
  Exposition e = Render(set.Take());
  EXPECT_NE(e.text.find("# TYPE node_cpu_seconds_total counter\n"), std::string::npos);
  EXPECT_NE(e.text.find("node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 12.5\n"),
            std::string::npos);
  EXPECT_NE(e.text.find("node_load1 0.25\n"), std::string::npos);
  EXPECT_EQ(e.series, 2u);
  ASSERT_FALSE(e.gzip.empty());
  EXPECT_EQ(Gunzip(e.gzip), e.text);
}

TEST(Render, EscapesLabelValues) {
  collectors::MetricSet set;
  set.Gauge("node_filesystem_readonly", "h", 0, {{"mountpoint", "/mnt/a \"b\"\\c\nd"}});
  Exposition e = Render(set.Take());
  EXPECT_NE(e.text.find(R"(mountpoint="/mnt/a \"b\"\\c\nd")"), std::string::npos) << e.text;
}

TEST(Render, WritesShortestRoundTripValuesAndSpecials) {
  collectors::MetricSet set;
  set.Gauge("a", "h", 0.1 + 0.2);
  set.Gauge("b", "h", 1795480378.0);
  set.Gauge("c", "h", std::numeric_limits<double>::quiet_NaN());
  set.Gauge("d", "h", -std::numeric_limits<double>::infinity());
  set.Gauge("e", "h", 9.3);
  set.Untyped("f", "multi\nline \\ help", 1e21);
  Exposition e = Render(set.Take());
  EXPECT_NE(e.text.find("\na 0.30000000000000004\n"), std::string::npos) << e.text;
  EXPECT_NE(e.text.find("\nb 1795480378\n"), std::string::npos) << e.text;
  EXPECT_NE(e.text.find("\nc NaN\n"), std::string::npos);
  EXPECT_NE(e.text.find("\nd -Inf\n"), std::string::npos);
  EXPECT_NE(e.text.find("\ne 9.3\n"), std::string::npos);
  EXPECT_NE(e.text.find("# HELP f multi\\nline \\\\ help\n# TYPE f untyped\nf 1e+21\n"),
            std::string::npos)
      << e.text;
}

TEST(ExpositionCache, PublishReplacesButKeepsOldSnapshotsAlive) {
  ExpositionCache cache;
  EXPECT_EQ(cache.Current(), nullptr);
  auto first = std::make_shared<const Exposition>(Exposition{"a", "", 1});
  cache.Publish(first);
  std::shared_ptr<const Exposition> held = cache.Current();
  cache.Publish(std::make_shared<const Exposition>(Exposition{"b", "", 1}));
  EXPECT_EQ(held->text, "a");  // a scrape in flight keeps its bytes
  EXPECT_EQ(cache.Current()->text, "b");
}

}  // namespace
}  // namespace opsagent::core
