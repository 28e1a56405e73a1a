// Logging setup: spdlog to stderr as text or one JSON object per line.
#pragma once

#include <string>

namespace opsagent::core {

/// Configures the default spdlog logger. `level` is trace|debug|info|warn|error|off, `format` is
/// text|json (the config loader validated both). Safe to call again on reload.
void ConfigureLogging(const std::string& level, const std::string& format);

/// Escapes a string for inclusion inside a JSON string literal.
std::string JsonEscape(const std::string& text);

}  // namespace opsagent::core
