// The /metrics listener: serves cached bytes; never collects on a scrape.
#include "agent/http/metrics_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <cctype>

#include "agent/http/listener.h"

namespace opsagent::http {
namespace {

constexpr char kExpositionContentType[] = "text/plain; version=0.0.4; charset=utf-8";
constexpr std::size_t kWorkers = 4;
constexpr std::size_t kMaxQueuedConnections = 64;
constexpr std::size_t kMaxBodyBytes = 64 * 1024;  // every route is a GET; bodies are refused

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Serves `body` from a snapshot that stays alive until the response is written. A content
// provider (rather than set_content) also stops httplib from compressing the body again on
// every request: the gzip variant is made once per cycle.
void ServeSnapshot(httplib::Response& res, std::shared_ptr<const core::Exposition> snapshot,
                   bool gzip) {
  const std::string& body = gzip ? snapshot->gzip : snapshot->text;
  if (gzip) res.set_header("Content-Encoding", "gzip");
  res.set_header("Vary", "Accept-Encoding");
  res.set_content_provider(
      body.size(), kExpositionContentType,
      [snapshot, &body](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
        sink.write(body.data() + offset, std::min(length, body.size() - offset));
        return true;
      });
}

const char* StatusText(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 431:
      return "Request Header Fields Too Large";
    default:
      return status >= 500 ? "Server Error" : "Error";
  }
}

}  // namespace

bool AcceptsGzip(std::string_view header) {
  while (!header.empty()) {
    std::size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    std::string_view coding = TrimSpaces(item.substr(0, item.find(';')));
    if (!EqualsIgnoreCase(coding, "gzip") && coding != "*") continue;
    std::size_t semi = item.find(';');
    if (semi == std::string_view::npos) return true;
    std::string_view param = TrimSpaces(item.substr(semi + 1));
    if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
      std::string_view q = TrimSpaces(param.substr(2));
      // q=0, q=0.0, q=0.000 all mean "not acceptable".
      bool zero =
          !q.empty() && q[0] == '0' && q.find_first_not_of("0.", 0) == std::string_view::npos;
      if (zero) continue;
    }
    return true;
  }
  return false;
}

MetricsServer::MetricsServer(const core::Agent& agent) : agent_(agent) {}

MetricsServer::~MetricsServer() { Stop(); }

void MetricsServer::InstallRoutes() {
  server_->Get("/metrics", [this](const httplib::Request& req, httplib::Response& res) {
    std::shared_ptr<const core::Exposition> snapshot = agent_.exposition().Current();
    if (!snapshot) {
      res.status = 503;
      res.set_content("no collection cycle has completed yet\n", "text/plain; charset=utf-8");
      return;
    }
    bool gzip = !snapshot->gzip.empty() && AcceptsGzip(req.get_header_value("Accept-Encoding"));
    ServeSnapshot(res, std::move(snapshot), gzip);
  });
  server_->Get("/-/healthy", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("OK\n", "text/plain; charset=utf-8");
  });
  server_->Get("/-/ready", [this](const httplib::Request&, httplib::Response& res) {
    if (agent_.ready()) {
      res.set_content("Ready\n", "text/plain; charset=utf-8");
    } else {
      res.status = 503;
      res.set_content("Not ready: no collection cycle has completed yet\n",
                      "text/plain; charset=utf-8");
    }
  });
  server_->Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(
        "<html><head><title>opsagent</title></head><body><h1>opsagent</h1>"
        "<p><a href=\"/metrics\">Metrics</a></p></body></html>\n",
        "text/html; charset=utf-8");
  });
  server_->set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) {
      res.set_content(std::to_string(res.status) + " " + StatusText(res.status) + "\n",
                      "text/plain; charset=utf-8");
    }
  });
  server_->set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
        spdlog::error("internal error serving {}", req.path);
        res.status = 500;
        res.set_content("internal error\n", "text/plain; charset=utf-8");
      });
}

Status MetricsServer::Start(const std::string& listen_address) {
  listener_ = std::make_unique<Listener>(
      "metrics", ListenerLimits{kWorkers, kMaxQueuedConnections, kMaxBodyBytes});
  server_ = &listener_->server();
  InstallRoutes();
  Status started = listener_->Start(listen_address);
  port_ = listener_->port();
  return started;
}

void MetricsServer::Stop() {
  if (listener_) listener_->Stop();
}

}  // namespace opsagent::http
