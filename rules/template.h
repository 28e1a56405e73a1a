// Alert label and annotation templates: the subset of Go text/template Prometheus rules use.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "collectors/result.h"
#include "rules/store/labels.h"

namespace opsagent::rules {

/// What a template sees: `$labels`/`.Labels`, `$value`/`.Value`, `$externalLabels`,
/// `$externalURL` (Prometheus's template header defines these variables).
struct TemplateData {
  Labels labels;
  double value = 0;
  Labels external_labels;
  std::string external_url;
};

/// A parsed template. Thread-safety: immutable after Parse; Execute is const and reentrant.
class AlertTemplate {
 public:
  ~AlertTemplate();
  AlertTemplate(AlertTemplate&&) noexcept;
  AlertTemplate& operator=(AlertTemplate&&) noexcept;

  /// Parses `text`; errors read like Go's: `template: NAME:LINE: function "x" not defined`.
  static Result<AlertTemplate> Parse(std::string_view name, std::string_view text);

  /// Renders with `data`; an execution error (calling a function with the wrong types, a step or
  /// output limit) is returned as Error like Prometheus's `error executing template NAME: ...`.
  /// Not errors, as in Go: a missing label renders as "", a bad printf verb as `%!d(...)`.
  Result<std::string> Execute(const TemplateData& data) const;

 private:
  struct Impl;
  explicit AlertTemplate(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Parse + Execute; on any error the result is the error text, as Prometheus puts it in the
/// label or annotation ("<error expanding template: ...>").
std::string ExpandTemplate(std::string_view name, std::string_view text, const TemplateData& data);

}  // namespace opsagent::rules
