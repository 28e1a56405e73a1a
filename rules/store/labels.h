// Labels: the sorted label set that identifies a series, shared by the store, PromQL and rules.
#pragma once

#include <compare>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace opsagent::rules {

inline constexpr std::string_view kMetricNameLabel = "__name__";

struct Label {
  std::string name;
  std::string value;
  auto operator<=>(const Label&) const = default;
};

/// A set of labels sorted by name with unique names and no empty values (an empty value means
/// "absent", as in Prometheus). Thread-safety: a value type; const methods are safe to share.
class Labels {
 public:
  Labels() = default;
  /// Sorts; a later duplicate name wins; empty values are dropped.
  static Labels FromPairs(
      std::initializer_list<std::pair<std::string_view, std::string_view>> pairs);
  static Labels FromVector(std::vector<Label> labels);

  /// The value of `name`, or "" when absent.
  std::string_view Get(std::string_view name) const;
  bool Has(std::string_view name) const;
  std::string_view MetricName() const { return Get(kMetricNameLabel); }

  const std::vector<Label>& items() const { return labels_; }
  auto begin() const { return labels_.begin(); }
  auto end() const { return labels_.end(); }
  std::size_t size() const { return labels_.size(); }
  bool empty() const { return labels_.empty(); }

  /// A 64-bit hash of every label (stable within one process).
  std::uint64_t Hash() const;
  /// Hash of only the labels in `names` (include = true, PromQL `on`/`by`) or of all labels but
  /// those (include = false, `ignoring`/`without`; `__name__` is then dropped too, as Prometheus
  /// does). `names` need not be sorted.
  std::uint64_t HashFor(std::span<const std::string> names, bool include) const;

  Labels WithoutMetricName() const;
  /// Only the labels in `names` (include = true) or all but `names` and `__name__` (false).
  Labels Keep(std::span<const std::string> names, bool include) const;

  /// Prometheus's Labels.String(): `{__name__="up", job="x"}`; values escaped as Go %q.
  std::string ToString() const;

  auto operator<=>(const Labels&) const = default;
  bool operator==(const Labels&) const = default;

 private:
  std::vector<Label> labels_;
};

/// Builds a Labels from a base set with edits. Setting "" deletes.
class LabelsBuilder {
 public:
  LabelsBuilder() = default;
  explicit LabelsBuilder(const Labels& base) : labels_(base.items()) {}
  LabelsBuilder& Set(std::string_view name, std::string_view value);
  LabelsBuilder& Del(std::string_view name);
  Labels Build() const;

 private:
  std::vector<Label> labels_;
};

/// Prometheus's label-name syntax: [a-zA-Z_][a-zA-Z0-9_]*.
bool IsValidLabelName(std::string_view name);
/// Prometheus's metric-name syntax: [a-zA-Z_:][a-zA-Z0-9_:]*.
bool IsValidMetricName(std::string_view name);

/// Go's strconv.Quote-compatible quoting for label values in error messages and ToString.
std::string QuoteGo(std::string_view value);

}  // namespace opsagent::rules
