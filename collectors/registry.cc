// Registration of the built-in collectors: one line each.
#include "collectors/registry.h"

#include "collectors/conntrack.h"
#include "collectors/cpu.h"
#include "collectors/diskstats.h"
#include "collectors/filefd.h"
#include "collectors/filesystem.h"
#include "collectors/hwmon.h"
#include "collectors/loadavg.h"
#include "collectors/meminfo.h"
#include "collectors/netclass.h"
#include "collectors/netdev.h"
#include "collectors/netstat.h"
#include "collectors/os.h"
#include "collectors/pressure.h"
#include "collectors/process.h"
#include "collectors/sockstat.h"
#include "collectors/stat.h"
#include "collectors/tcpstat.h"
#include "collectors/thermal_zone.h"
#include "collectors/time.h"
#include "collectors/uname.h"
#include "collectors/vmstat.h"

namespace opsagent::collectors {

void CollectorRegistry::Add(const CollectorInfo& info, Factory make) {
  entries_.push_back(Entry{&info, std::move(make)});
}

const CollectorRegistry::Entry* CollectorRegistry::Find(std::string_view name) const {
  for (const Entry& entry : entries_) {
    if (entry.info->name == name) return &entry;
  }
  return nullptr;
}

void RegisterBuiltinCollectors(CollectorRegistry& registry) {
  registry.Register<CpuCollector>();
  registry.Register<StatCollector>();
  registry.Register<LoadavgCollector>();
  registry.Register<MeminfoCollector>();
  registry.Register<VmstatCollector>();
  registry.Register<PressureCollector>();
  registry.Register<TimeCollector>();
  registry.Register<UnameCollector>();
  registry.Register<OsCollector>();
  registry.Register<FilefdCollector>();
  registry.Register<FilesystemCollector>();
  registry.Register<DiskstatsCollector>();
  registry.Register<HwmonCollector>();
  registry.Register<ThermalZoneCollector>();
  registry.Register<NetdevCollector>();
  registry.Register<NetclassCollector>();
  registry.Register<NetstatCollector>();
  registry.Register<SockstatCollector>();
  registry.Register<ConntrackCollector>();
  registry.Register<TcpstatCollector>();
  registry.Register<ProcessCollector>();
}

const CollectorRegistry& BuiltinCollectors() {
  static const CollectorRegistry registry = [] {
    CollectorRegistry r;
    RegisterBuiltinCollectors(r);
    return r;
  }();
  return registry;
}

}  // namespace opsagent::collectors
