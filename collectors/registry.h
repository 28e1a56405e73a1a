// CollectorRegistry: the list of built-in collectors and how to construct each.
#pragma once

#include <functional>
#include <memory>
#include <string_view>
#include <type_traits>
#include <vector>

#include "collectors/collector.h"
#include "collectors/options.h"

namespace opsagent::collectors {

/// Maps collector names to their info and factory. Thread-safety: filled once at startup, then
/// read-only.
class CollectorRegistry {
 public:
  using Factory = std::function<std::unique_ptr<Collector>(const CollectorOptions&)>;
  struct Entry {
    const CollectorInfo* info;
    Factory make;
  };

  /// Registers T, which provides `static const CollectorInfo& StaticInfo()` and a constructor
  /// taking either `const CollectorOptions&` or nothing.
  template <typename T>
  void Register() {
    Add(T::StaticInfo(), [](const CollectorOptions& options) -> std::unique_ptr<Collector> {
      if constexpr (std::is_constructible_v<T, const CollectorOptions&>) {
        return std::make_unique<T>(options);
      } else {
        return std::make_unique<T>();
      }
    });
  }

  void Add(const CollectorInfo& info, Factory make);
  const std::vector<Entry>& entries() const { return entries_; }
  const Entry* Find(std::string_view name) const;

 private:
  std::vector<Entry> entries_;
};

/// One explicit line per collector; no static-initialisation tricks.
void RegisterBuiltinCollectors(CollectorRegistry& registry);

/// The registry of built-in collectors, built on first use.
const CollectorRegistry& BuiltinCollectors();

}  // namespace opsagent::collectors
