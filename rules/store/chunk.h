// XOR chunks (Prometheus TSDB's Gorilla-style encoding) and a series history made of them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "rules/store/series.h"

namespace opsagent::rules {

/// Sequential decoder over the bytes of one XorChunk. Stops (Next() returns false) at the end of
/// the samples or at the first truncated field, so a damaged buffer never reads out of bounds.
/// Thread-safety: a value type; several iterators may read the same bytes concurrently.
class XorIterator {
 public:
  explicit XorIterator(std::span<const std::uint8_t> data);

  /// Advances to the next sample; false when there is none (or the data is truncated).
  bool Next();
  /// The current sample; valid after Next() returned true.
  Point At() const { return {t_, std::bit_cast<double>(v_bits_)}; }
  /// True when decoding stopped on truncated data rather than at the recorded sample count.
  bool Corrupt() const { return corrupt_; }

 private:
  bool ReadBit(bool* bit);
  bool ReadBits(int nbits, std::uint64_t* out);
  bool ReadVarint(std::int64_t* out);
  bool ReadUvarint(std::uint64_t* out);
  bool ReadTimestamp();
  bool ReadValue();
  bool Fail();

  std::span<const std::uint8_t> data_;
  std::size_t bit_pos_ = 0;
  std::uint16_t total_ = 0;
  std::uint16_t read_ = 0;
  std::int64_t t_ = 0;
  std::int64_t t_delta_ = 0;
  std::uint64_t v_bits_ = 0;
  std::uint8_t leading_ = 0;
  std::uint8_t trailing_ = 0;
  bool corrupt_ = false;
};

/// An append-only chunk in Prometheus's XOR format: a 2-byte big-endian sample count, the first
/// timestamp as a zig-zag varint and its value as 64 raw bits, the second timestamp as a uvarint
/// delta, then delta-of-delta timestamps (0 / 10+14 / 110+17 / 1110+20 / 1111+64 bits) and values
/// XOR'd with the previous one, reusing the previous leading/trailing zero window when it fits.
/// Appends must be in strictly increasing time order (the caller checks). At most 65535 samples.
/// Thread-safety: none; the owner synchronises.
class XorChunk {
 public:
  XorChunk();

  void Append(std::int64_t t, double v);
  int NumSamples() const { return num_; }
  std::int64_t MinTime() const { return min_t_; }
  std::int64_t MaxTime() const { return t_; }
  /// The newest sample; only meaningful when NumSamples() > 0.
  Point Last() const { return {t_, std::bit_cast<double>(v_bits_)}; }
  /// Encoded size (the bytes Prometheus would store).
  std::size_t Bytes() const { return bytes_.size(); }
  /// Heap and object footprint, for the store's memory estimate.
  std::size_t MemoryBytes() const { return sizeof(*this) + bytes_.capacity(); }
  /// Releases spare capacity once the chunk is full.
  void Compact() { bytes_.shrink_to_fit(); }

  std::span<const std::uint8_t> data() const { return bytes_; }
  XorIterator Iterator() const { return XorIterator(bytes_); }

 private:
  void WriteBit(bool bit);
  void WriteBits(std::uint64_t value, int nbits);
  void WriteVarint(std::int64_t value);
  void WriteUvarint(std::uint64_t value);
  void WriteTimestampDelta(std::int64_t t);
  void WriteValue(std::uint64_t v_bits);

  std::vector<std::uint8_t> bytes_;
  std::int64_t min_t_ = 0;
  std::int64_t t_ = 0;
  std::int64_t t_delta_ = 0;
  std::uint64_t v_bits_ = 0;
  std::uint16_t num_ = 0;
  std::uint8_t free_bits_ = 0;   ///< unused low bits of the last byte
  std::uint8_t leading_ = 0xff;  ///< 0xff: no XOR window yet
  std::uint8_t trailing_ = 0;
};

/// A series' history: XOR chunks of at most kMaxSamplesPerChunk samples, oldest first.
/// Thread-safety: none; the owner synchronises.
class ChunkedHistory {
 public:
  /// Prometheus's target too: small enough that trimming by whole chunks wastes little.
  static constexpr int kMaxSamplesPerChunk = 120;
  /// The span limit below never cuts a chunk shorter than this (each chunk costs ~16 bytes of
  /// header and a heap block).
  static constexpr int kMinSamplesPerChunk = 16;

  ChunkedHistory() = default;
  /// Also cuts a chunk once it spans `max_chunk_span_ms` (0: no limit). Reads decode a chunk
  /// from its start and trimming drops whole chunks, so a series kept for minutes wants chunks
  /// of minutes: its range reads decode less and it holds less than a 120-sample chunk.
  explicit ChunkedHistory(std::int64_t max_chunk_span_ms) : max_chunk_span_ms_(max_chunk_span_ms) {}

  /// Appends a sample; false (and nothing stored) when t is not after the last sample.
  bool Append(std::int64_t t, double v);
  /// Drops every chunk whose samples are all older than `t` (a partly older chunk stays whole).
  void DropBefore(std::int64_t t);
  /// Appends the samples with mint <= t <= maxt to `out`, in time order.
  void AppendRange(std::int64_t mint, std::int64_t maxt, std::vector<Point>* out) const;
  /// True when some sample has mint <= t <= maxt.
  bool HasSampleIn(std::int64_t mint, std::int64_t maxt) const;

  std::optional<Point> Last() const;
  std::size_t NumSamples() const { return num_samples_; }
  std::size_t NumChunks() const { return chunks_.size(); }
  std::size_t Bytes() const;
  std::size_t MemoryBytes() const;
  bool empty() const { return chunks_.empty(); }

 private:
  bool ChunkFull(std::int64_t t) const;

  std::vector<XorChunk> chunks_;
  std::size_t num_samples_ = 0;
  std::int64_t max_chunk_span_ms_ = 0;
};

}  // namespace opsagent::rules
