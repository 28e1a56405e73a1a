// Aggregation operators, as Prometheus 2.42's aggregation(): one pass, groups in order of
// first appearance, topk/bottomk through the same binary heap so ties resolve the same way.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_map>

#include "rules/promql/eval_internal.h"

namespace opsagent::rules::promql::internal {
namespace {

// Go's container/heap over a slice with a Less function (min-heap on Less).
template <typename LessFn>
class GoHeap {
 public:
  explicit GoHeap(LessFn less) : less_(less) {}
  std::vector<Sample>& items() { return items_; }
  void Push(Sample s) {
    items_.push_back(std::move(s));
    Up(items_.size() - 1);
  }
  void Pop() {
    std::size_t n = items_.size() - 1;
    std::swap(items_[0], items_[n]);
    Down(0, n);
    items_.pop_back();
  }

 private:
  bool Less(std::size_t i, std::size_t j) const { return less_(items_[i].v, items_[j].v); }
  void Up(std::size_t j) {
    while (j > 0) {
      std::size_t i = (j - 1) / 2;
      if (!Less(j, i)) break;
      std::swap(items_[i], items_[j]);
      j = i;
    }
  }
  void Down(std::size_t i, std::size_t n) {
    for (;;) {
      std::size_t j1 = 2 * i + 1;
      if (j1 >= n) break;
      std::size_t j = j1;
      if (j1 + 1 < n && Less(j1 + 1, j1)) j = j1 + 1;
      if (!Less(j, i)) break;
      std::swap(items_[i], items_[j]);
      i = j;
    }
  }
  LessFn less_;
  std::vector<Sample> items_;
};

// Heap orders as Prometheus's vectorByValueHeap / vectorByReverseValueHeap: a NaN is "less"
// than anything, so it is the first evicted.
bool HeapLess(double a, double b) { return std::isnan(a) || a < b; }
bool ReverseHeapLess(double a, double b) { return std::isnan(a) || a > b; }
using TopHeap = GoHeap<bool (*)(double, double)>;

struct Group {
  Labels labels;
  double value = 0;
  double mean = 0;
  std::int64_t count = 1;
  std::vector<Sample> samples;  ///< topk/bottomk heap, or quantile inputs
};

Labels GroupLabels(const Labels& metric, const AggregateExpr& expr,
                   const std::vector<std::string>& grouping) {
  if (expr.without) return metric.Keep(grouping, false);
  if (grouping.empty()) return Labels();
  return metric.Keep(grouping, true);
}

std::uint64_t GroupKey(const Labels& metric, const AggregateExpr& expr,
                       const std::vector<std::string>& grouping) {
  if (!expr.without && grouping.empty()) return 0;
  return metric.HashFor(grouping, !expr.without);
}

void AddToAvg(Group& g, double v) {
  ++g.count;
  if (std::isinf(g.mean)) {
    // Inf - Inf would turn a correct infinite mean into NaN.
    if (std::isinf(v) && (g.mean > 0) == (v > 0)) return;
    if (!std::isinf(v) && !std::isnan(v)) return;
  }
  double n = static_cast<double>(g.count);
  g.mean += v / n - g.mean / n;
}

void AddToTopk(Group& g, const Sample& s, std::int64_t k, bool bottom) {
  auto less = bottom ? ReverseHeapLess : HeapLess;
  auto& items = g.samples;
  if (static_cast<std::int64_t>(items.size()) < k || less(items[0].v, s.v) ||
      std::isnan(items[0].v)) {
    TopHeap heap(less);
    heap.items() = std::move(items);
    if (static_cast<std::int64_t>(heap.items().size()) == k) {
      if (k == 1) {
        heap.items()[0] = Sample{s.labels, 0, s.v};
        items = std::move(heap.items());
        return;
      }
      heap.Pop();
    }
    heap.Push(Sample{s.labels, 0, s.v});
    items = std::move(heap.items());
  }
}

void Accumulate(AggregateOp op, Group& g, const Sample& s, std::int64_t k) {
  switch (op) {
    case AggregateOp::kSum:
      g.value += s.v;
      break;
    case AggregateOp::kAvg:
      AddToAvg(g, s.v);
      break;
    case AggregateOp::kMax:
      if (g.value < s.v || std::isnan(g.value)) g.value = s.v;
      break;
    case AggregateOp::kMin:
      if (g.value > s.v || std::isnan(g.value)) g.value = s.v;
      break;
    case AggregateOp::kCount:
    case AggregateOp::kCountValues:
      ++g.count;
      break;
    case AggregateOp::kStddev:
    case AggregateOp::kStdvar: {
      ++g.count;
      double delta = s.v - g.mean;
      g.mean += delta / static_cast<double>(g.count);
      g.value += delta * (s.v - g.mean);
      break;
    }
    case AggregateOp::kTopk:
      AddToTopk(g, s, k, false);
      break;
    case AggregateOp::kBottomk:
      AddToTopk(g, s, k, true);
      break;
    case AggregateOp::kQuantile:
      g.samples.push_back(s);
      break;
    case AggregateOp::kGroup:
      break;
  }
}

Group NewGroup(AggregateOp op, Labels labels, const Sample& s) {
  Group g{std::move(labels), s.v, s.v, 1, {}};
  switch (op) {
    case AggregateOp::kStddev:
    case AggregateOp::kStdvar:
      g.value = 0;
      break;
    case AggregateOp::kTopk:
    case AggregateOp::kBottomk:
    case AggregateOp::kQuantile:
      g.samples.push_back(Sample{s.labels, 0, s.v});
      break;
    case AggregateOp::kGroup:
      g.value = 1;
      break;
    default:
      break;
  }
  return g;
}

// The heap holds the kept samples lowest first; the answer lists them best first.
void EmitTopk(Group& g, bool bottom, Vector& out) {
  auto less = bottom ? ReverseHeapLess : HeapLess;
  // sort.Reverse of the heap order; a strict weak ordering equivalent for NaN.
  std::stable_sort(g.samples.begin(), g.samples.end(), [&](const Sample& a, const Sample& b) {
    bool a_nan = std::isnan(a.v), b_nan = std::isnan(b.v);
    if (a_nan || b_nan) return b_nan && !a_nan;
    return less(b.v, a.v);
  });
  for (auto& s : g.samples) out.push_back(std::move(s));
}

void Emit(AggregateOp op, double q, Group& g, Vector& out) {
  double n = static_cast<double>(g.count);
  switch (op) {
    case AggregateOp::kAvg:
      g.value = g.mean;
      break;
    case AggregateOp::kCount:
    case AggregateOp::kCountValues:
      g.value = n;
      break;
    case AggregateOp::kStdvar:
      g.value = g.value / n;
      break;
    case AggregateOp::kStddev:
      g.value = std::sqrt(g.value / n);
      break;
    case AggregateOp::kTopk:
    case AggregateOp::kBottomk:
      EmitTopk(g, op == AggregateOp::kBottomk, out);
      return;
    case AggregateOp::kQuantile: {
      std::vector<double> values;
      for (const auto& s : g.samples) values.push_back(s.v);
      g.value = Quantile(q, values);
      break;
    }
    default:
      break;
  }
  out.push_back(Sample{std::move(g.labels), 0, g.value});
}

}  // namespace

Vector Evaluator::EvalAggregate(const AggregateExpr& expr, std::int64_t t) {
  AggregateOp op = expr.op;
  std::int64_t k = 0;
  double q = 0;
  std::string value_label;
  if (op == AggregateOp::kTopk || op == AggregateOp::kBottomk) {
    double f = EvalScalar(*expr.param, t);
    if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0)) {  // NaN too
      Fail("Scalar value " + FormatFloatV(f) + " overflows int64");
      return {};
    }
    k = static_cast<std::int64_t>(f);
    if (k < 1) return {};
  } else if (op == AggregateOp::kQuantile) {
    q = EvalScalar(*expr.param, t);
  } else if (op == AggregateOp::kCountValues) {
    value_label = EvalString(*expr.param, t);
    if (!IsValidLabelName(value_label)) {
      Fail("invalid label name " + QuoteGo(value_label));
      return {};
    }
  }
  Vector input = EvalVector(*expr.expr, t);
  if (failed()) return {};
  std::vector<std::string> grouping = expr.grouping;
  if (op == AggregateOp::kCountValues && !expr.without) grouping.push_back(value_label);

  std::unordered_map<std::uint64_t, std::size_t> index;
  std::vector<Group> groups;
  for (auto& s : input) {
    if (op == AggregateOp::kCountValues) {
      s.labels = LabelsBuilder(s.labels).Set(value_label, FormatFloatF(s.v)).Build();
    }
    std::uint64_t key = GroupKey(s.labels, expr, grouping);
    auto [it, inserted] = index.try_emplace(key, groups.size());
    if (inserted) {
      groups.push_back(NewGroup(op, GroupLabels(s.labels, expr, grouping), s));
      continue;
    }
    Accumulate(op, groups[it->second], s, k);
  }
  Vector out;
  for (auto& g : groups) Emit(op, q, g, out);
  CheckUniqueLabelsets(out);
  return out;
}

}  // namespace opsagent::rules::promql::internal
