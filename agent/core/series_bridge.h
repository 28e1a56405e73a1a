// Conversions between collected metric families and the rule engine's labelled samples.
#pragma once

#include <string_view>
#include <utility>
#include <vector>

#include "collectors/collector.h"
#include "rules/store/labels.h"

namespace opsagent::core {

using LabeledSamples = std::vector<std::pair<rules::Labels, double>>;

/// Flattens families into one sample per series, as Prometheus would ingest a scrape of them:
/// counters/gauges/untyped by name, histograms as _bucket{le}/_sum/_count, summaries as
/// {quantile}/_sum/_count.
LabeledSamples FamiliesToSamples(const collectors::Families& families);

/// Groups samples into untyped families by metric name (as Prometheus federates rule results),
/// sorted by name; `help` is given to every family.
collectors::Families SamplesToFamilies(const LabeledSamples& samples, std::string_view help);

}  // namespace opsagent::core
