// pressure collector: pressure stall information (PSI) totals from /proc/pressure/{cpu,io,memory}.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "collectors/collector.h"

namespace opsagent::collectors {

/// One "some" or "full" line: averages in percent, total stall time in microseconds.
struct PsiLine {
  double avg10 = 0;
  double avg60 = 0;
  double avg300 = 0;
  std::uint64_t total_us = 0;
};

/// A /proc/pressure/<resource> file. "full" is absent for cpu before Linux 5.13.
struct PsiStats {
  std::optional<PsiLine> some;
  std::optional<PsiLine> full;
};

/// Parses "some avg10=.. avg60=.. avg300=.. total=.." and the "full" line. Lines with another
/// prefix are skipped, so a future line kind does not break collection (as in Go procfs).
/// Errors name the line: a missing, misnamed, extra or non-numeric column, or a repeated line.
Result<PsiStats> ParsePressure(std::string_view content);

/// Emits node_exporter 1.5's node_pressure_{cpu,io,memory}_waiting_seconds_total (from "some")
/// and node_pressure_{io,memory}_stalled_seconds_total (from "full"). cpu's "full" line (Linux
/// 5.13+) is ignored, as in node_exporter 1.5. A resource file that is absent (kernel < 4.20,
/// CONFIG_PSI off, psi=0) or refuses reads with EOPNOTSUPP (psi=0 on some kernels) is skipped,
/// not an error; one that can be read must be well-formed.
/// Thread-safety: see Collector.
class PressureCollector : public Collector {
 public:
  static const CollectorInfo& StaticInfo();
  const CollectorInfo& Info() const override { return StaticInfo(); }
  CollectResult Collect(const HostPaths& paths) override;

 private:
  std::string buffer_;  // reused across cycles and resources
};

}  // namespace opsagent::collectors
