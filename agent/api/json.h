// JSON helpers shared by the API resources: key order as Prometheus writes it, label sets as
// objects, and invalid UTF-8 replaced instead of throwing.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "rules/store/labels.h"

namespace opsagent::api {

using Json = nlohmann::ordered_json;

inline Json LabelsJson(const rules::Labels& labels) {
  Json out = Json::object();
  for (const auto& label : labels) out[label.name] = label.value;
  return out;
}

inline std::string Dump(const Json& data) {
  return data.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace opsagent::api
