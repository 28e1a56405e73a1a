// Exposition rendering and the cache that scrapes read from.
#include "agent/core/exposition.h"

#include <zlib.h>

#include <sstream>

#include "prometheus/text_serializer.h"

namespace opsagent::core {

Exposition Render(const std::vector<prometheus::MetricFamily>& families) {
  Exposition out;
  std::ostringstream stream;
  prometheus::TextSerializer().Serialize(stream, families);
  out.text = std::move(stream).str();
  out.gzip = Gzip(out.text);
  for (const auto& family : families) out.series += family.metric.size();
  return out;
}

std::string Gzip(const std::string& data) {
  z_stream zs{};
  // windowBits 15 + 16 selects the gzip wrapper; level 6 is zlib's (and Go's) default trade-off.
  if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out;
  out.resize(deflateBound(&zs, data.size()) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return {};
  return out;
}

void ExpositionCache::Publish(std::shared_ptr<const Exposition> exposition) {
  std::lock_guard lock(mutex_);
  current_ = std::move(exposition);
}

std::shared_ptr<const Exposition> ExpositionCache::Current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

}  // namespace opsagent::core
