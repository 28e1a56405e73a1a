// ChunkedHistory's span-limited chunks (short retention, short chunks) and the XOR decoder's
// word-at-a-time bit reads at every bit offset.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <random>
#include <vector>

#include "rules/store/chunk.h"

namespace opsagent::rules {
namespace {

constexpr std::int64_t kT0 = 1'700'000'000'000;

std::vector<Point> Fill(ChunkedHistory& history, int samples, std::int64_t step_ms) {
  std::vector<Point> points;
  for (int i = 0; i < samples; ++i) {
    Point p{kT0 + i * step_ms, 100.0 + i * 0.5};
    EXPECT_TRUE(history.Append(p.t, p.v));
    points.push_back(p);
  }
  return points;
}

std::vector<Point> ReadAll(const ChunkedHistory& history) {
  std::vector<Point> out;
  history.AppendRange(kT0, kT0 + 1'000'000'000, &out);
  return out;
}

TEST(ChunkSpanTest, UnlimitedHistoryCutsAt120Samples) {
  ChunkedHistory history;
  std::vector<Point> points = Fill(history, 250, 1000);
  EXPECT_EQ(history.NumChunks(), 3u);
  EXPECT_EQ(ReadAll(history), points);
}

TEST(ChunkSpanTest, SpanLimitCutsOnceTheChunkSpansIt) {
  ChunkedHistory history(60'000);
  // 1 s apart: samples at +0..+59 s fill the first chunk; the one at +60 s opens the second.
  std::vector<Point> points = Fill(history, 100, 1000);
  EXPECT_EQ(history.NumChunks(), 2u);
  EXPECT_EQ(history.NumSamples(), 100u);
  EXPECT_EQ(ReadAll(history), points);
  history.DropBefore(kT0 + 60'000);
  EXPECT_EQ(history.NumSamples(), 40u);
  std::vector<Point> rest(points.begin() + 60, points.end());
  EXPECT_EQ(ReadAll(history), rest);
}

TEST(ChunkSpanTest, SpanLimitKeepsTheMinimumSamplesPerChunk) {
  ChunkedHistory history(5'000);
  std::vector<Point> points = Fill(history, 100, 1000);
  // 16 samples per chunk: 6 full chunks and one of 4.
  EXPECT_EQ(history.NumChunks(), 7u);
  EXPECT_EQ(ReadAll(history), points);
  std::vector<Point> middle;
  history.AppendRange(kT0 + 20'000, kT0 + 40'000, &middle);
  EXPECT_EQ(middle, std::vector<Point>(points.begin() + 20, points.begin() + 41));
}

TEST(ChunkSpanTest, RandomValuesRoundTripAtEveryBitOffset) {
  std::mt19937_64 rng(7);
  XorChunk chunk;
  std::vector<Point> points;
  std::int64_t t = kT0;
  for (int i = 0; i < 2000; ++i) {
    t += 1 + static_cast<std::int64_t>(rng() % 100'000);
    // Mix unchanged values, small changes and arbitrary bit patterns (wide XOR windows).
    double v = i % 3 == 0 && !points.empty() ? points.back().v
               : i % 3 == 1                  ? static_cast<double>(rng() % 1000)
                                             : std::bit_cast<double>(rng() & ~(0x7ffull << 52));
    chunk.Append(t, v);
    points.push_back({t, v});
  }
  std::vector<Point> decoded;
  XorIterator it = chunk.Iterator();
  while (it.Next()) decoded.push_back(it.At());
  EXPECT_FALSE(it.Corrupt());
  EXPECT_EQ(decoded, points);
}

}  // namespace
}  // namespace opsagent::rules
