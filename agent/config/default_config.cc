// The embedded default configuration: what `opsagent run` uses without --config.
// Keep it in sync with docs/configuration.md (a test loads it and checks every key is documented).
#include "agent/config/config.h"

namespace opsagent::config {

std::string_view EmbeddedDefaultConfig() {
  return R"yaml(# opsagent embedded default configuration
global:
  collect_interval: 10s
web:
  listen_address: 0.0.0.0:9810
paths:
  procfs: /proc
  sysfs: /sys
  rootfs: /
log:
  level: info
  format: text
collectors:
  process:
    top_n: 10
    groups: []
)yaml";
}

}  // namespace opsagent::config
