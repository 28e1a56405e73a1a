// Listener implementation: the socket setup and shutdown both HTTP listeners share.
#include "agent/http/listener.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <future>

#include "agent/http/bounded_task_queue.h"

namespace opsagent::http {

Result<std::pair<std::string, int>> SplitHostPort(const std::string& address) {
  std::size_t colon = address.rfind(':');
  if (colon == std::string::npos) return Error{"\"" + address + "\" is not HOST:PORT"};
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string port_text = address.substr(colon + 1);
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos) {
    return Error{"\"" + address + "\": bad port"};
  }
  int port = std::stoi(port_text);
  if (port > 65535) return Error{"\"" + address + "\": bad port"};
  return std::make_pair(host, port);
}

Listener::Listener(std::string name, ListenerLimits limits)
    : name_(std::move(name)), server_(std::make_unique<httplib::Server>()) {
  server_->new_task_queue = [limits] {
    return new BoundedTaskQueue(limits.workers, limits.max_queued_connections);
  };
  server_->set_payload_max_length(limits.max_body_bytes);
  server_->set_read_timeout(5, 0);  // a slow client cannot hold a worker for long
  server_->set_write_timeout(5, 0);
  server_->set_keep_alive_timeout(2);  // keeps shutdown prompt; clients reconnect cheaply
  server_->set_keep_alive_max_count(1000);
  server_->set_tcp_nodelay(true);
  // httplib's default also sets SO_REUSEPORT, which would let a second agent silently share the
  // port; SO_REUSEADDR alone still allows a quick restart.
  server_->set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
}

Listener::~Listener() { Stop(); }

Status Listener::Start(const std::string& listen_address) {
  Result<std::pair<std::string, int>> host_port = SplitHostPort(listen_address);
  if (!host_port) return host_port.error();
  auto [host, port] = *host_port;
  std::string bind_host = host.empty() ? "0.0.0.0" : host;
  if (host.find(':') != std::string::npos) server_->set_address_family(AF_INET6);
  if (port == 0) {
    port_ = server_->bind_to_any_port(bind_host);
    if (port_ <= 0) return Error{"cannot listen on " + listen_address};
  } else {
    if (!server_->bind_to_port(bind_host, port)) {
      return Error{"cannot listen on " + listen_address + ": address in use or not permitted"};
    }
    port_ = port;
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  spdlog::info("serving {} on {}:{}", name_, bind_host, port_);
  return Status::Ok();
}

void Listener::Stop() {
  if (!server_) return;
  server_->stop();
  if (thread_.joinable()) {
    // Connections in keep-alive finish within their timeout; do not hold shutdown hostage: this
    // wait plus Agent::Stop's (500 ms) keep SIGTERM-to-exit under a second in the worst case.
    auto joined = std::make_shared<std::promise<void>>();
    std::future<void> done = joined->get_future();
    std::thread joiner([listener = std::move(thread_), joined]() mutable {
      listener.join();
      joined->set_value();
    });
    if (done.wait_for(std::chrono::milliseconds(400)) != std::future_status::ready) {
      spdlog::warn("{}: HTTP workers still busy at shutdown; not waiting", name_);
      joiner.detach();
      (void)server_.release();  // deliberately leaked: the process is exiting
      return;
    }
    joiner.join();
  }
  server_.reset();
}

}  // namespace opsagent::http
