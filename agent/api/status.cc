// /api/v1/status/buildinfo: Grafana's Prometheus data source reads it to detect the server.
#include <httplib.h>

#include "agent/api/api.h"
#include "agent/api/json.h"

namespace opsagent::api {

void HandleBuildInfo(const ApiContext& context, const httplib::Request&, httplib::Response& res) {
  const Json data = {{"version", context.version},
                     {"revision", context.revision},
                     {"branch", ""},
                     {"buildUser", ""},
                     {"buildDate", ""},
                     {"goVersion", ""}};
  WriteSuccess(res, Dump(data));
}

}  // namespace opsagent::api
