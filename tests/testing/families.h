// Test helpers: look up samples in collector output, locate fixture trees.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "collectors/collector.h"
#include "collectors/metric_set.h"

namespace opsagent::testing {

/// The value of the sample `name` whose labels include every pair in `labels`, or nullopt.
std::optional<double> FindSample(const collectors::Families& families, std::string_view name,
                                 const collectors::Labels& labels = {});

/// How many samples the family `name` holds (0 when absent).
std::size_t CountSamples(const collectors::Families& families, std::string_view name);

/// Whether a family of that name is present.
bool HasFamily(const collectors::Families& families, std::string_view name);

/// HostPaths rooted at tests/fixtures/<fixture>/{proc,sys,root}.
collectors::HostPaths FixturePaths(std::string_view fixture);

/// Collects with `collector` and fails the test (ADD_FAILURE) on error, returning no families.
collectors::Families CollectOrFail(collectors::Collector& collector,
                                   const collectors::HostPaths& paths);

}  // namespace opsagent::testing
