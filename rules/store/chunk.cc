// XOR chunk encoder/decoder (bit-compatible with Prometheus's chunkenc.XORChunk) and history.
#include "rules/store/chunk.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace opsagent::rules {
namespace {

constexpr std::size_t kHeaderBytes = 2;

// Two's-complement wrapping arithmetic, as Go's int64 does: extreme timestamps must round-trip
// rather than hit signed-overflow undefined behaviour.
std::int64_t WrapSub(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b));
}
std::int64_t WrapAdd(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
}

// Whether `x` fits the nbits two's-complement field as Prometheus reads it back: the reader maps
// values above 2^(nbits-1) to negatives, so the range is asymmetric.
bool FitsBits(std::int64_t x, int nbits) {
  std::int64_t half = std::int64_t{1} << (nbits - 1);
  return -(half - 1) <= x && x <= half;
}

struct DodBucket {
  std::uint64_t prefix;
  int prefix_bits;
  int value_bits;
};

// 10/110/1110 buckets after the single 0 bit of an unchanged delta; 1111 carries all 64 bits.
constexpr DodBucket kDodBuckets[] = {{0b10, 2, 14}, {0b110, 3, 17}, {0b1110, 4, 20}};

}  // namespace

// ---- XorChunk ---------------------------------------------------------------------------------

XorChunk::XorChunk() : bytes_(kHeaderBytes, 0) {}

void XorChunk::WriteBit(bool bit) {
  if (free_bits_ == 0) {
    bytes_.push_back(0);
    free_bits_ = 8;
  }
  --free_bits_;
  if (bit) bytes_.back() |= static_cast<std::uint8_t>(1u << free_bits_);
}

void XorChunk::WriteBits(std::uint64_t value, int nbits) {
  // Most significant bit first, a byte at a time where the stream is aligned.
  while (nbits > 0) {
    if (free_bits_ == 0) {
      bytes_.push_back(0);
      free_bits_ = 8;
    }
    int take = std::min<int>(nbits, free_bits_);
    std::uint64_t part = (value >> (nbits - take)) & ((std::uint64_t{1} << take) - 1);
    free_bits_ = static_cast<std::uint8_t>(free_bits_ - take);
    bytes_.back() |= static_cast<std::uint8_t>(part << free_bits_);
    nbits -= take;
  }
}

void XorChunk::WriteUvarint(std::uint64_t value) {
  while (value >= 0x80) {
    WriteBits((value & 0x7f) | 0x80, 8);
    value >>= 7;
  }
  WriteBits(value, 8);
}

void XorChunk::WriteVarint(std::int64_t value) {
  // Go's binary.PutVarint: zig-zag so small negative numbers stay short.
  std::uint64_t zigzag = static_cast<std::uint64_t>(value) << 1;
  if (value < 0) zigzag = ~zigzag;
  WriteUvarint(zigzag);
}

void XorChunk::WriteTimestampDelta(std::int64_t t) {
  std::int64_t delta = WrapSub(t, t_);
  std::int64_t dod = WrapSub(delta, t_delta_);
  t_delta_ = delta;
  if (dod == 0) {
    WriteBit(false);
    return;
  }
  for (const DodBucket& bucket : kDodBuckets) {
    if (FitsBits(dod, bucket.value_bits)) {
      WriteBits(bucket.prefix, bucket.prefix_bits);
      WriteBits(static_cast<std::uint64_t>(dod), bucket.value_bits);
      return;
    }
  }
  WriteBits(0b1111, 4);
  WriteBits(static_cast<std::uint64_t>(dod), 64);
}

void XorChunk::WriteValue(std::uint64_t v_bits) {
  std::uint64_t delta = v_bits ^ v_bits_;
  v_bits_ = v_bits;
  if (delta == 0) {
    WriteBit(false);
    return;
  }
  WriteBit(true);
  int leading = std::countl_zero(delta);
  int trailing = std::countr_zero(delta);
  if (leading >= 32) leading = 31;  // the field is 5 bits wide
  if (leading_ != 0xff && leading >= leading_ && trailing >= trailing_) {
    // The new significant bits fit the previous window: no need to repeat its geometry.
    WriteBit(false);
    WriteBits(delta >> trailing_, 64 - leading_ - trailing_);
    return;
  }
  leading_ = static_cast<std::uint8_t>(leading);
  trailing_ = static_cast<std::uint8_t>(trailing);
  int sigbits = 64 - leading - trailing;
  WriteBit(true);
  WriteBits(static_cast<std::uint64_t>(leading), 5);
  WriteBits(static_cast<std::uint64_t>(sigbits), 6);  // 64 wraps to 0; the reader undoes it
  WriteBits(delta >> trailing, sigbits);
}

void XorChunk::Append(std::int64_t t, double v) {
  std::uint64_t v_bits = std::bit_cast<std::uint64_t>(v);
  if (num_ == 0) {
    WriteVarint(t);
    WriteBits(v_bits, 64);
    min_t_ = t;
    v_bits_ = v_bits;
  } else if (num_ == 1) {
    t_delta_ = WrapSub(t, t_);
    WriteUvarint(static_cast<std::uint64_t>(t_delta_));
    WriteValue(v_bits);
  } else {
    WriteTimestampDelta(t);
    WriteValue(v_bits);
  }
  t_ = t;
  ++num_;
  bytes_[0] = static_cast<std::uint8_t>(num_ >> 8);
  bytes_[1] = static_cast<std::uint8_t>(num_ & 0xff);
}

// ---- XorIterator ------------------------------------------------------------------------------

XorIterator::XorIterator(std::span<const std::uint8_t> data) : data_(data) {
  if (data_.size() < kHeaderBytes) {
    corrupt_ = true;
    return;
  }
  total_ = static_cast<std::uint16_t>((data_[0] << 8) | data_[1]);
  bit_pos_ = kHeaderBytes * 8;
}

bool XorIterator::Fail() {
  corrupt_ = true;
  read_ = total_;  // every later Next() returns false
  return false;
}

bool XorIterator::ReadBit(bool* bit) {
  if (bit_pos_ >= data_.size() * 8) return false;
  *bit = (data_[bit_pos_ / 8] >> (7 - bit_pos_ % 8)) & 1;
  ++bit_pos_;
  return true;
}

bool XorIterator::ReadBits(int nbits, std::uint64_t* out) {
  const std::size_t end_pos = bit_pos_ + static_cast<std::size_t>(nbits);
  if (end_pos > data_.size() * 8) return false;
  const std::size_t byte_pos = bit_pos_ / 8;
  if (nbits > 0 && byte_pos + 9 <= data_.size()) {
    // One unaligned 8-byte load instead of a loop per byte: decoding is most of what range
    // selectors cost. The bit offset (<= 7) may push the last few wanted bits into a 9th byte.
    std::uint64_t word;
    std::memcpy(&word, data_.data() + byte_pos, sizeof(word));
    if constexpr (std::endian::native == std::endian::little) word = __builtin_bswap64(word);
    const int offset = static_cast<int>(bit_pos_ % 8);
    std::uint64_t value = (word << offset) >> (64 - nbits);
    const int extra = offset + nbits - 64;
    if (extra > 0) value |= data_[byte_pos + 8] >> (8 - extra);
    *out = value;
    bit_pos_ = end_pos;
    return true;
  }
  std::uint64_t value = 0;
  while (nbits > 0) {
    int offset = static_cast<int>(bit_pos_ % 8);
    int take = std::min(nbits, 8 - offset);
    std::uint64_t byte = data_[bit_pos_ / 8];
    std::uint64_t part = (byte >> (8 - offset - take)) & ((1u << take) - 1);
    value = (value << take) | part;
    bit_pos_ += static_cast<std::size_t>(take);
    nbits -= take;
  }
  *out = value;
  return true;
}

bool XorIterator::ReadUvarint(std::uint64_t* out) {
  std::uint64_t value = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    std::uint64_t byte;
    if (!ReadBits(8, &byte)) return false;
    value |= (byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *out = value;
      return true;
    }
  }
  return false;  // longer than any 64-bit varint
}

bool XorIterator::ReadVarint(std::int64_t* out) {
  std::uint64_t zigzag;
  if (!ReadUvarint(&zigzag)) return false;
  std::uint64_t value = zigzag >> 1;
  if (zigzag & 1) value = ~value;
  *out = static_cast<std::int64_t>(value);
  return true;
}

bool XorIterator::ReadTimestamp() {
  // Count the 1 bits of the prefix (at most four) to find the bucket.
  int ones = 0;
  while (ones < 4) {
    bool bit;
    if (!ReadBit(&bit)) return false;
    if (!bit) break;
    ++ones;
  }
  std::int64_t dod = 0;
  if (ones == 4) {
    std::uint64_t raw;
    if (!ReadBits(64, &raw)) return false;
    dod = static_cast<std::int64_t>(raw);
  } else if (ones > 0) {
    int nbits = kDodBuckets[ones - 1].value_bits;
    std::uint64_t raw;
    if (!ReadBits(nbits, &raw)) return false;
    dod = static_cast<std::int64_t>(raw);
    if (raw > (std::uint64_t{1} << (nbits - 1))) dod -= std::int64_t{1} << nbits;  // negative
  }
  t_delta_ = WrapAdd(t_delta_, dod);
  t_ = WrapAdd(t_, t_delta_);
  return true;
}

bool XorIterator::ReadValue() {
  bool changed;
  if (!ReadBit(&changed)) return false;
  if (!changed) return true;
  bool new_window;
  if (!ReadBit(&new_window)) return false;
  if (new_window) {
    std::uint64_t leading, sigbits;
    if (!ReadBits(5, &leading) || !ReadBits(6, &sigbits)) return false;
    if (sigbits == 0) sigbits = 64;
    if (leading + sigbits > 64) return false;
    leading_ = static_cast<std::uint8_t>(leading);
    trailing_ = static_cast<std::uint8_t>(64 - leading - sigbits);
  } else if (leading_ + trailing_ >= 64) {
    return false;  // a reused window before any was set
  }
  std::uint64_t bits;
  if (!ReadBits(64 - leading_ - trailing_, &bits)) return false;
  v_bits_ ^= bits << trailing_;
  return true;
}

bool XorIterator::Next() {
  if (read_ >= total_) return false;
  if (read_ == 0) {
    if (!ReadVarint(&t_) || !ReadBits(64, &v_bits_)) return Fail();
  } else if (read_ == 1) {
    std::uint64_t delta;
    if (!ReadUvarint(&delta)) return Fail();
    t_delta_ = static_cast<std::int64_t>(delta);
    t_ = WrapAdd(t_, t_delta_);
    if (!ReadValue()) return Fail();
  } else {
    if (!ReadTimestamp() || !ReadValue()) return Fail();
  }
  ++read_;
  return true;
}

// ---- ChunkedHistory ---------------------------------------------------------------------------

bool ChunkedHistory::ChunkFull(std::int64_t t) const {
  const XorChunk& last = chunks_.back();
  if (last.NumSamples() >= kMaxSamplesPerChunk) return true;
  if (max_chunk_span_ms_ <= 0 || last.NumSamples() < kMinSamplesPerChunk) return false;
  std::int64_t span;
  return __builtin_sub_overflow(t, last.MinTime(), &span) || span >= max_chunk_span_ms_;
}

bool ChunkedHistory::Append(std::int64_t t, double v) {
  if (!chunks_.empty() && t <= chunks_.back().MaxTime()) return false;
  if (chunks_.empty() || ChunkFull(t)) {
    if (!chunks_.empty()) chunks_.back().Compact();
    chunks_.emplace_back();
  }
  chunks_.back().Append(t, v);
  ++num_samples_;
  return true;
}

void ChunkedHistory::DropBefore(std::int64_t t) {
  auto keep = std::find_if(chunks_.begin(), chunks_.end(),
                           [t](const XorChunk& c) { return c.MaxTime() >= t; });
  for (auto it = chunks_.begin(); it != keep; ++it) {
    num_samples_ -= static_cast<std::size_t>(it->NumSamples());
  }
  chunks_.erase(chunks_.begin(), keep);
}

void ChunkedHistory::AppendRange(std::int64_t mint, std::int64_t maxt,
                                 std::vector<Point>* out) const {
  // One allocation per series instead of log2(points) regrowths of the caller's vector.
  std::size_t upper_bound = 0;
  for (const XorChunk& chunk : chunks_) {
    if (chunk.MaxTime() >= mint && chunk.MinTime() <= maxt) upper_bound += chunk.NumSamples();
  }
  out->reserve(out->size() + upper_bound + 1);  // + 1: the latest sample the store may add
  for (const XorChunk& chunk : chunks_) {
    if (chunk.MaxTime() < mint) continue;
    if (chunk.MinTime() > maxt) break;
    XorIterator it = chunk.Iterator();
    while (it.Next()) {
      Point p = it.At();
      if (p.t > maxt) break;
      if (p.t >= mint) out->push_back(p);
    }
  }
}

bool ChunkedHistory::HasSampleIn(std::int64_t mint, std::int64_t maxt) const {
  for (const XorChunk& chunk : chunks_) {
    if (chunk.MaxTime() < mint) continue;
    if (chunk.MinTime() > maxt) break;
    // A chunk's ends are samples, so only a range strictly inside it needs decoding.
    if (chunk.MinTime() >= mint || chunk.MaxTime() <= maxt) return true;
    XorIterator it = chunk.Iterator();
    while (it.Next()) {
      std::int64_t t = it.At().t;
      if (t > maxt) break;
      if (t >= mint) return true;
    }
  }
  return false;
}

std::optional<Point> ChunkedHistory::Last() const {
  if (chunks_.empty()) return std::nullopt;
  return chunks_.back().Last();
}

std::size_t ChunkedHistory::Bytes() const {
  std::size_t bytes = 0;
  for (const XorChunk& chunk : chunks_) bytes += chunk.Bytes();
  return bytes;
}

std::size_t ChunkedHistory::MemoryBytes() const {
  std::size_t bytes = sizeof(*this) + (chunks_.capacity() - chunks_.size()) * sizeof(XorChunk);
  for (const XorChunk& chunk : chunks_) bytes += chunk.MemoryBytes();
  return bytes;
}

}  // namespace opsagent::rules
