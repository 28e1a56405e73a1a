// Route table of the API listener.
#include <httplib.h>

#include <utility>

#include "agent/api/api.h"

namespace opsagent::api {

void RegisterRoutes(httplib::Server& server, const ApiContext& context) {
  auto bind = [&context](auto handler) {
    return [&context, handler](const httplib::Request& req, httplib::Response& res) {
      handler(context, req, res);
    };
  };
  for (auto [path, handler] :
       {std::pair{"/api/v1/query", &HandleQuery},
        std::pair{"/api/v1/query_range", &HandleQueryRange},
        std::pair{"/api/v1/series", &HandleSeries}, std::pair{"/api/v1/labels", &HandleLabels}}) {
    server.Get(path, bind(handler));
    server.Post(path, bind(handler));
  }
  server.Get(R"(/api/v1/label/([^/]+)/values)", bind(&HandleLabelValues));
  server.Get("/api/v1/rules", bind(&HandleRules));
  server.Get("/api/v1/alerts", bind(&HandleAlerts));
  server.Get("/api/v1/status/buildinfo", bind(&HandleBuildInfo));
}

}  // namespace opsagent::api
