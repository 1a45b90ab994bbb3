#pragma once
// The HTTP/1.1 server: a coroutine per connection on a few I/O threads; handlers run on a
// separate worker pool so that a slow database call never stalls other connections.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/router.hpp"
#include "http/stream.hpp"

namespace assetd::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;                  // 0 picks a free port
  std::size_t maxBodyBytes = 256u << 20;      // API requests, held in memory
  std::uint64_t maxObjectBytes = 5ull << 30;  // streamed object uploads (S3's single-PUT limit)
  int ioThreads = 2;
  int workerThreads = 4;
  int idleTimeoutSeconds = 60;
};

class Server {
 public:
  Server(ServerOptions options, const Router& router);
  ~Server();
  // Binds and listens; throws on failure. Returns the bound port.
  std::uint16_t listen();
  // Requests claimed by `route` are streamed to it instead of going to the router. Set before
  // run().
  void setStreamRoute(StreamRoute route);
  // Serves until stop() or SIGINT/SIGTERM; in-flight requests finish first.
  void run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace assetd::http
