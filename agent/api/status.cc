// /api/v1/status/buildinfo: Grafana's Prometheus data source reads it to detect the server.
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "agent/api/api.h"

namespace opsagent::api {

void HandleBuildInfo(const ApiContext& context, const httplib::Request&, httplib::Response& res) {
  const nlohmann::json data = {{"version", context.version},
                               {"revision", context.revision},
                               {"branch", ""},
                               {"buildUser", ""},
                               {"buildDate", ""},
                               {"goVersion", ""}};
  WriteSuccess(res, data.dump());
}

}  // namespace opsagent::api
