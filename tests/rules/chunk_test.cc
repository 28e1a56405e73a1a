// XOR chunk and ChunkedHistory: bit-exact round trips, the wire layout, range reads and trimming.
#include "rules/store/chunk.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace opsagent::rules {
namespace {

double FromBits(std::uint64_t bits) { return std::bit_cast<double>(bits); }

std::vector<Point> Decode(const XorChunk& chunk) {
  std::vector<Point> out;
  XorIterator it = chunk.Iterator();
  while (it.Next()) out.push_back(it.At());
  EXPECT_FALSE(it.Corrupt());
  return out;
}

// Encodes, decodes and compares bit for bit (Point::operator== compares the value bits).
void ExpectRoundTrip(const std::vector<Point>& points) {
  XorChunk chunk;
  for (const Point& p : points) chunk.Append(p.t, p.v);
  ASSERT_EQ(chunk.NumSamples(), static_cast<int>(points.size()));
  std::vector<Point> decoded = Decode(chunk);
  ASSERT_EQ(decoded.size(), points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    EXPECT_EQ(decoded[i].t, points[i].t) << "sample " << i;
    EXPECT_EQ(std::bit_cast<std::uint64_t>(decoded[i].v), std::bit_cast<std::uint64_t>(points[i].v))
        << "sample " << i;
  }
}

TEST(XorChunkTest, WireLayoutMatchesPrometheus) {
  // Header 0x0003; zig-zag varint(1000) = d0 0f; 1.0 as raw bits; uvarint(1000) = e8 07; then
  // three 0 bits (same value; delta-of-delta 0; same value) padded with zeros.
  XorChunk chunk;
  chunk.Append(1000, 1.0);
  chunk.Append(2000, 1.0);
  chunk.Append(3000, 1.0);
  std::vector<std::uint8_t> expected = {0x00, 0x03, 0xd0, 0x0f, 0x3f, 0xf0, 0x00, 0x00,
                                        0x00, 0x00, 0x00, 0x00, 0xe8, 0x07, 0x00};
  EXPECT_EQ(std::vector<std::uint8_t>(chunk.data().begin(), chunk.data().end()), expected);
  EXPECT_EQ(chunk.Bytes(), expected.size());
  EXPECT_EQ(chunk.MinTime(), 1000);
  EXPECT_EQ(chunk.MaxTime(), 3000);
}

TEST(XorChunkTest, BytesEqualAChunkWrittenByPrometheus) {
  // Golden bytes: the one XOR chunk in the block `promtool tsdb create-blocks-from openmetrics`
  // (Prometheus 2.42) wrote for these samples. They cover every delta-of-delta bucket, new and
  // reused XOR windows, infinities and Go's math.NaN() (0x7ff8000000000001).
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<Point> points = {
      {1700000000000, 1},         {1700000015000, 1},
      {1700000030000, 2.5},       {1700000045001, -3.75},
      {1700000059990, 1e300},     {1700000075000, inf},
      {1700000090000, -inf},      {1700000105000, 0},
      {1700000165000, 123456.78}, {1700000180000, 123457.91},
      {1700000195000, 4096},      {1700004000000, 8192},
      {1700004015000, 8192},      {1700004030000, FromBits(0x7ff8000000000001ull)},
      {1700004030001, -0.001},    {1700004045000, 42},
  };
  std::vector<std::uint8_t> expected = {
      0x00, 0x10, 0x80, 0xa0, 0xab, 0xfe, 0xf9, 0x62, 0x3f, 0xf0, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x98, 0x75, 0x30, 0x9b, 0xff, 0xd8, 0x00, 0x1c, 0x07, 0xc0, 0x05, 0xbf, 0xf4, 0xc1,
      0xf5, 0xf1, 0xcf, 0x21, 0xe4, 0x40, 0x03, 0xac, 0xf0, 0x02, 0xb0, 0x0e, 0x3f, 0x21, 0xe4,
      0x40, 0x03, 0xac, 0xf7, 0xfe, 0xd4, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b, 0xff,
      0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0xaf, 0xc8, 0xc3, 0xf4, 0x0f, 0xe2, 0x40, 0xc7,
      0xae, 0x14, 0x7a, 0xfa, 0xa0, 0x71, 0x00, 0x00, 0x00, 0x12, 0xf5, 0xbd, 0x6f, 0x58, 0x80,
      0x27, 0x12, 0x0f, 0x47, 0xae, 0x14, 0x7b, 0xf0, 0x00, 0x00, 0x00, 0x00, 0x03, 0x9d, 0x4b,
      0x08, 0x03, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc6,
      0x2b, 0x50, 0x31, 0x7d, 0xf9, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0e, 0xe2, 0xb4, 0xe0,
      0x03, 0x02, 0xa1, 0x89, 0x37, 0x4b, 0xc6, 0xa7, 0xf7, 0x0e, 0xa5, 0xaf, 0xf1, 0x56, 0x24,
      0xdd, 0x2f, 0x1a, 0x9f, 0xc0};
  XorChunk chunk;
  for (const Point& p : points) chunk.Append(p.t, p.v);
  EXPECT_EQ(std::vector<std::uint8_t>(chunk.data().begin(), chunk.data().end()), expected);
  XorIterator it(expected);
  for (const Point& p : points) {
    ASSERT_TRUE(it.Next());
    EXPECT_EQ(it.At(), p);
  }
  EXPECT_FALSE(it.Next());
  EXPECT_FALSE(it.Corrupt());
}

TEST(XorChunkTest, DeltaOfDeltaBuckets) {
  // 14-bit bucket (0b10): dod = +1 ms -> 10 then 00000000000001, value unchanged -> 0.
  XorChunk chunk;
  chunk.Append(0, 0.0);
  chunk.Append(10, 0.0);
  chunk.Append(21, 0.0);
  // Header, varint(0) = 00, 0.0 as 8 zero bytes, uvarint(10) = 0a, then the bits
  // 0 (value) 10 00000000000001 (dod) 0 (value) -> 0100 0000 0000 0000 10(pad) = 40 00 80.
  std::vector<std::uint8_t> expected = {0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                        0x00, 0x00, 0x00, 0x0a, 0x40, 0x00, 0x80};
  EXPECT_EQ(std::vector<std::uint8_t>(chunk.data().begin(), chunk.data().end()), expected);
}

TEST(XorChunkTest, BucketBoundariesRoundTrip) {
  // The edges of each two's-complement field, where Prometheus's reader switches sign.
  std::vector<std::int64_t> dods = {0,      1,       -1,      8191,    8192,      -8191,
                                    -8192,  65535,   65536,   -65535,  -65536,    524287,
                                    524288, -524287, -524288, 1 << 22, -(1 << 22)};
  std::vector<Point> points;
  std::int64_t t = 1'700'000'000'000;
  std::int64_t delta = 1'000'000;  // big enough that no negative dod makes time go backwards
  points.push_back({t, 1});
  t += delta;
  points.push_back({t, 2});
  for (std::int64_t dod : dods) {
    delta += dod;
    t += delta;
    points.push_back({t, static_cast<double>(points.size())});
  }
  ExpectRoundTrip(points);
}

TEST(XorChunkTest, EdgeValuesRoundTrip) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<Point> points = {
      {0, 0.0},
      {1, -0.0},
      {2, 0.0},
      {3, inf},
      {4, -inf},
      {5, StaleMarker()},
      {6, std::numeric_limits<double>::quiet_NaN()},
      {7, FromBits(0x7ff8000000000001ull)},  // NaN payloads must survive
      {8, FromBits(0xfff0000000000001ull)},  // negative signalling NaN
      {9, StaleMarker()},
      {10, std::numeric_limits<double>::denorm_min()},
      {11, std::numeric_limits<double>::max()},
      {12, std::numeric_limits<double>::lowest()},
      {13, -1.5},
      {14, -1.5},
      {15, 1e-300},
      {16, FromBits(0xffffffffffffffffull)},  // all bits set: 64 significant bits
      {17, 0.0},
  };
  ExpectRoundTrip(points);
}

TEST(XorChunkTest, StaleMarkerIsBitExact) {
  XorChunk chunk;
  chunk.Append(1000, 5);
  chunk.Append(2000, StaleMarker());
  std::vector<Point> decoded = Decode(chunk);
  ASSERT_EQ(decoded.size(), 2u);
  EXPECT_TRUE(IsStaleMarker(decoded[1].v));
  EXPECT_EQ(std::bit_cast<std::uint64_t>(decoded[1].v), kStaleNaNBits);
}

TEST(XorChunkTest, EqualValuesCostTwoBitsPerSample) {
  XorChunk chunk;
  for (int i = 0; i < 120; ++i) chunk.Append(1'700'000'000'000 + i * 15'000, 42.0);
  // 2 header + 6 varint(t0) + 8 value + 2 uvarint(15000), then 1 bit + 118 x 2 bits (30 bytes).
  EXPECT_EQ(chunk.Bytes(), 2u + 6u + 8u + 2u + 30u);
}

TEST(XorChunkTest, HugeDeltasAndNegativeTimestamps) {
  ExpectRoundTrip({{-5'000'000'000'000, 1},
                   {-1, 2},
                   {0, 3},
                   {std::int64_t{1} << 40, 4},
                   {(std::int64_t{1} << 41) + 7, 5},
                   {(std::int64_t{1} << 62), 6},
                   {(std::int64_t{1} << 62) + 1, 7}});
  ExpectRoundTrip({{std::numeric_limits<std::int64_t>::min(), 0},
                   {0, 1},
                   {std::numeric_limits<std::int64_t>::max(), 2}});
}

TEST(XorChunkTest, OneAndTwoSampleChunks) {
  ExpectRoundTrip({{123, -7.25}});
  ExpectRoundTrip({{-123, 7.25}, {-122, 7.5}});
  ExpectRoundTrip({});
}

TEST(XorChunkTest, RandomRoundTrips) {
  std::mt19937_64 rng(12345);
  for (int round = 0; round < 200; ++round) {
    std::vector<Point> points;
    std::int64_t t = static_cast<std::int64_t>(rng() % 2'000'000'000'000ull);
    double counter = static_cast<double>(rng() % 1000000);
    int n = 1 + static_cast<int>(rng() % 300);
    int kind = round % 4;
    for (int i = 0; i < n; ++i) {
      t += 15'000 + static_cast<std::int64_t>(rng() % 21) - 10;  // jittered by a few ms
      double v;
      switch (kind) {
        case 0:  // counter with irregular increments
          counter += static_cast<double>(rng() % 5000) * 0.01;
          v = counter;
          break;
        case 1:  // gauge with few values
          v = static_cast<double>(rng() % 3) * 1024.0;
          break;
        case 2:  // arbitrary bit patterns, NaNs and infinities included
          v = FromBits(rng());
          break;
        default:  // negative and signed values with varied magnitudes
          v = (static_cast<double>(rng() % 2000000) - 1e6) *
              std::pow(10.0, double(rng() % 20) - 10);
      }
      if (rng() % 50 == 0) t += static_cast<std::int64_t>(rng() % 10'000'000);  // a gap
      points.push_back({t, v});
    }
    ExpectRoundTrip(points);
  }
}

TEST(XorIteratorTest, TruncatedDataStopsWithoutOverrun) {
  XorChunk chunk;
  for (int i = 0; i < 50; ++i) chunk.Append(i * 1000 + (i % 3), i * 1.5);
  std::vector<std::uint8_t> bytes(chunk.data().begin(), chunk.data().end());
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    std::vector<std::uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<long>(cut));
    XorIterator it(prefix);
    int n = 0;
    while (it.Next()) ++n;
    EXPECT_LT(n, 50) << "cut at " << cut;
    EXPECT_TRUE(it.Corrupt()) << "cut at " << cut;
  }
}

TEST(ChunkedHistoryTest, SplitsAt120SamplesAndReadsRanges) {
  ChunkedHistory h;
  for (int i = 0; i < 250; ++i) ASSERT_TRUE(h.Append(i * 1000, i));
  EXPECT_EQ(h.NumSamples(), 250u);
  EXPECT_EQ(h.NumChunks(), 3u);  // 120 + 120 + 10
  ASSERT_TRUE(h.Last().has_value());
  EXPECT_EQ(*h.Last(), (Point{249'000, 249}));

  std::vector<Point> out;
  h.AppendRange(118'000, 121'000, &out);  // spans the first chunk boundary, both ends inclusive
  EXPECT_EQ(out,
            (std::vector<Point>{{118'000, 118}, {119'000, 119}, {120'000, 120}, {121'000, 121}}));
  out.clear();
  h.AppendRange(500, 999, &out);
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(h.HasSampleIn(500, 999));
  EXPECT_TRUE(h.HasSampleIn(500, 1000));
  EXPECT_TRUE(h.HasSampleIn(-5, 0));
  EXPECT_FALSE(h.HasSampleIn(249'001, 300'000));
}

TEST(ChunkedHistoryTest, RejectsOutOfOrderAndDuplicates) {
  ChunkedHistory h;
  EXPECT_TRUE(h.Append(10, 1));
  EXPECT_FALSE(h.Append(10, 2));
  EXPECT_FALSE(h.Append(9, 2));
  EXPECT_TRUE(h.Append(11, 3));
  EXPECT_EQ(h.NumSamples(), 2u);
}

TEST(ChunkedHistoryTest, DropBeforeDropsOnlyWholeOlderChunks) {
  ChunkedHistory h;
  for (int i = 0; i < 250; ++i) ASSERT_TRUE(h.Append(i * 1000, i));
  h.DropBefore(119'000);  // first chunk ends at 119000: still needed
  EXPECT_EQ(h.NumChunks(), 3u);
  h.DropBefore(119'001);
  EXPECT_EQ(h.NumChunks(), 2u);
  EXPECT_EQ(h.NumSamples(), 130u);
  std::vector<Point> out;
  h.AppendRange(0, 1'000'000, &out);
  ASSERT_EQ(out.size(), 130u);
  EXPECT_EQ(out.front(), (Point{120'000, 120}));
  h.DropBefore(1'000'000);
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.NumSamples(), 0u);
  EXPECT_FALSE(h.Last().has_value());
  EXPECT_EQ(h.Bytes(), 0u);
}

TEST(ChunkedHistoryTest, BytesSumsChunks) {
  ChunkedHistory h;
  XorChunk a, b;
  for (int i = 0; i < 130; ++i) {
    h.Append(i * 15'000, 7);
    (i < 120 ? a : b).Append(i * 15'000, 7);
  }
  EXPECT_EQ(h.Bytes(), a.Bytes() + b.Bytes());
}

}  // namespace
}  // namespace opsagent::rules
