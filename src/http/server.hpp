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
  // Connections open at once; one more is answered 503 and closed.
  int maxConnections = 1000;
  // A request's headers must arrive within this many seconds of its first byte (or of the
  // connection, for its first request); else the connection is closed.
  int headerTimeoutSeconds = 10;
  // A kept-alive connection with no new request for this long is closed.
  int idleTimeoutSeconds = 30;
  // A body must arrive within this many seconds plus one per kMinBodyBytesPerSecond of it
  // (streamed requests: counted from the handler's first read); else the connection is closed.
  int bodyTimeoutSeconds = 30;
  static constexpr std::uint64_t kMinBodyBytesPerSecond = 64 * 1024;
  // A streamed request's socket that moves nothing for this long is dropped.
  int streamStallSeconds = 60;
  // After SIGTERM, in-flight requests get this long to finish.
  int drainSeconds = 30;
  bool requestIds = true;  // X-Request-Id on every answer, requestId in error bodies and logs
  bool metrics = true;     // per-route request counts and latencies in metrics::global()
};

class Server {
 public:
  Server(ServerOptions options, const Router& router);
  ~Server();
  // Binds and listens; throws on failure. Returns the bound port.
  std::uint16_t listen();
  // Requests claimed by `route` are streamed to it instead of going to the router, unless a
  // route of the router matches their path (whatever its method). Set before run().
  void setStreamRoute(StreamRoute route);
  // Serves until stop() or SIGINT/SIGTERM, which drain: stop accepting, let in-flight requests
  // finish (up to drainSeconds; kept-alive connections are closed after their next answer),
  // then return. The router's routes must all be added before run().
  void run();
  void stop();
  // Whether a drain has begun. Thread-safe.
  bool draining() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace assetd::http
