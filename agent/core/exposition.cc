// Exposition rendering and the cache that scrapes read from.
#include "agent/core/exposition.h"

#include <zlib.h>

#include <charconv>
#include <cmath>
#include <sstream>

#include "prometheus/text_serializer.h"

namespace opsagent::core {

namespace {

// Shortest text that reads back as the same double, as Go's strconv 'g' -1 does for
// node_exporter ("0.1", not prometheus-cpp's "0.10000000000000001").
void AppendValue(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
    out.append(buf, ec == std::errc() ? end : buf);
  }
}

void AppendEscaped(std::string& out, const std::string& text, bool quote) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out.push_back(c);
    }
  }
}

const char* TypeName(prometheus::MetricType type) {
  switch (type) {
    case prometheus::MetricType::Counter:
      return "counter";
    case prometheus::MetricType::Gauge:
      return "gauge";
    default:
      return "untyped";
  }
}

double SampleValue(prometheus::MetricType type, const prometheus::ClientMetric& metric) {
  switch (type) {
    case prometheus::MetricType::Counter:
      return metric.counter.value;
    case prometheus::MetricType::Gauge:
      return metric.gauge.value;
    default:
      return metric.untyped.value;
  }
}

void AppendFamily(std::string& out, const prometheus::MetricFamily& family) {
  out += "# HELP ";
  out += family.name;
  out += ' ';
  AppendEscaped(out, family.help, false);
  out += "\n# TYPE ";
  out += family.name;
  out += ' ';
  out += TypeName(family.type);
  out += '\n';
  for (const prometheus::ClientMetric& metric : family.metric) {
    out += family.name;
    if (!metric.label.empty()) {
      out += '{';
      for (std::size_t i = 0; i < metric.label.size(); ++i) {
        if (i > 0) out += ',';
        out += metric.label[i].name;
        out += "=\"";
        AppendEscaped(out, metric.label[i].value, true);
        out += '"';
      }
      out += '}';
    }
    out += ' ';
    AppendValue(out, SampleValue(family.type, metric));
    out += '\n';
  }
}

bool IsSimple(prometheus::MetricType type) {
  return type == prometheus::MetricType::Counter || type == prometheus::MetricType::Gauge ||
         type == prometheus::MetricType::Untyped;
}

}  // namespace

Exposition Render(const std::vector<prometheus::MetricFamily>& families) {
  Exposition out;
  out.text.reserve(64 * 1024);
  for (const auto& family : families) {
    if (IsSimple(family.type)) {
      AppendFamily(out.text, family);
    } else {
      // Summaries and histograms (none today) go through prometheus-cpp's serializer.
      std::ostringstream stream;
      prometheus::TextSerializer().Serialize(stream, {family});
      out.text += std::move(stream).str();
    }
    out.series += family.metric.size();
  }
  out.gzip = Gzip(out.text);
  return out;
}

namespace {

// One deflate state per thread, reset between cycles: deflateInit2 allocates ~270 KB, and doing
// that every cycle costs page faults on each. Level 1: the scraper does not care, and on a 40 KB
// exposition it is ~3x cheaper than level 6 for ~15% more bytes.
class Deflater {
 public:
  Deflater() { ok_ = deflateInit2(&zs_, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK; }
  ~Deflater() {
    if (ok_) deflateEnd(&zs_);
  }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  std::string Compress(const std::string& data) {
    if (!ok_ || deflateReset(&zs_) != Z_OK) return {};
    std::string out;
    out.resize(deflateBound(&zs_, data.size()) + 32);
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs_.avail_in = static_cast<uInt>(data.size());
    zs_.next_out = reinterpret_cast<Bytef*>(out.data());
    zs_.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&zs_, Z_FINISH);
    out.resize(zs_.total_out);
    if (rc != Z_STREAM_END) return {};
    return out;
  }

 private:
  z_stream zs_{};
  bool ok_ = false;
};

}  // namespace

std::string Gzip(const std::string& data) {
  thread_local Deflater deflater;
  return deflater.Compress(data);
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
