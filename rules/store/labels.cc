// Labels implementation: sorted vector of name/value pairs.
#include "rules/store/labels.h"

#include <algorithm>
#include <cstdio>

namespace opsagent::rules {
namespace {

// FNV-1a over name and value with separators, enough for grouping within one process.
constexpr std::uint64_t kFnvOffset = 14695981039346656037ull;
constexpr std::uint64_t kFnvPrime = 1099511628211ull;

void HashBytes(std::uint64_t& h, std::string_view bytes) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= kFnvPrime;
  }
  h ^= 0xff;  // separator: no valid UTF-8 byte sequence contains 0xff
  h *= kFnvPrime;
}

bool Contains(std::span<const std::string> names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

void Normalize(std::vector<Label>& labels) {
  std::stable_sort(labels.begin(), labels.end(),
                   [](const Label& a, const Label& b) { return a.name < b.name; });
  // Keep the last of each run of equal names.
  std::vector<Label> out;
  out.reserve(labels.size());
  for (auto& label : labels) {
    if (!out.empty() && out.back().name == label.name) {
      out.back() = std::move(label);
    } else {
      out.push_back(std::move(label));
    }
  }
  std::erase_if(out, [](const Label& l) { return l.value.empty(); });
  labels = std::move(out);
}

}  // namespace

Labels Labels::FromPairs(
    std::initializer_list<std::pair<std::string_view, std::string_view>> pairs) {
  std::vector<Label> labels;
  labels.reserve(pairs.size());
  for (const auto& [name, value] : pairs) labels.push_back({std::string(name), std::string(value)});
  return FromVector(std::move(labels));
}

Labels Labels::FromVector(std::vector<Label> labels) {
  Normalize(labels);
  Labels result;
  result.labels_ = std::move(labels);
  return result;
}

std::string_view Labels::Get(std::string_view name) const {
  auto it = std::lower_bound(labels_.begin(), labels_.end(), name,
                             [](const Label& l, std::string_view n) { return l.name < n; });
  if (it != labels_.end() && it->name == name) return it->value;
  return {};
}

bool Labels::Has(std::string_view name) const { return !Get(name).empty(); }

std::uint64_t Labels::Hash() const {
  std::uint64_t h = kFnvOffset;
  for (const auto& label : labels_) {
    HashBytes(h, label.name);
    HashBytes(h, label.value);
  }
  return h;
}

std::uint64_t Labels::HashFor(std::span<const std::string> names, bool include) const {
  std::uint64_t h = kFnvOffset;
  for (const auto& label : labels_) {
    bool listed = Contains(names, label.name);
    bool keep = include ? listed : (!listed && label.name != kMetricNameLabel);
    if (!keep) continue;
    HashBytes(h, label.name);
    HashBytes(h, label.value);
  }
  return h;
}

Labels Labels::WithoutMetricName() const {
  Labels result;
  result.labels_.reserve(labels_.size());
  for (const auto& label : labels_) {
    if (label.name != kMetricNameLabel) result.labels_.push_back(label);
  }
  return result;
}

Labels Labels::Keep(std::span<const std::string> names, bool include) const {
  Labels result;
  for (const auto& label : labels_) {
    bool listed = Contains(names, label.name);
    bool keep = include ? listed : (!listed && label.name != kMetricNameLabel);
    if (keep) result.labels_.push_back(label);
  }
  return result;
}

std::string QuoteGo(std::string_view value) {
  std::string out = "\"";
  for (unsigned char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

std::string Labels::ToString() const {
  std::string out = "{";
  bool first = true;
  for (const auto& label : labels_) {
    if (!first) out += ", ";
    first = false;
    out += label.name;
    out += '=';
    out += QuoteGo(label.value);
  }
  out += '}';
  return out;
}

LabelsBuilder& LabelsBuilder::Set(std::string_view name, std::string_view value) {
  Del(name);
  if (!value.empty()) labels_.push_back({std::string(name), std::string(value)});
  return *this;
}

LabelsBuilder& LabelsBuilder::Del(std::string_view name) {
  std::erase_if(labels_, [&](const Label& l) { return l.name == name; });
  return *this;
}

Labels LabelsBuilder::Build() const { return Labels::FromVector(labels_); }

namespace {

bool IsNameOf(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

}  // namespace

bool IsValidLabelName(std::string_view name) { return IsNameOf(name, false); }

bool IsValidMetricName(std::string_view name) { return IsNameOf(name, true); }

}  // namespace opsagent::rules
