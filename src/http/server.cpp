#include "http/server.hpp"

#include "core/error.hpp"
#include "http/beast_exchange.hpp"
#include "http/counted_exchange.hpp"
#include "http/request_head.hpp"
#include "http/request_metrics.hpp"
#include "metrics/registry.hpp"
#include "ops/request_log.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <thread>

namespace assetd::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::ip::tcp;

namespace {

using Clock = std::chrono::steady_clock;

bhttp::response<bhttp::string_body> toBeast(Response&& r, unsigned version, bool keepAlive,
                                            const ops::RequestLog& log) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), version};
  res.set(bhttp::field::server, "assetd");
  res.set(bhttp::field::content_type, r.contentType);
  if (!log.requestId.empty()) res.set("X-Request-Id", log.requestId);
  for (auto& [name, value] : r.headers) res.set(name, value);
  res.body() = std::move(r.body);
  res.keep_alive(keepAlive);
  res.prepare_payload();
  return res;
}

// An error answer made on an I/O thread, naming the request's id.
Response errorFor(ops::RequestLog& log, int status, std::string_view message) {
  ops::RequestScope scope(&log);
  return errorResponse(status, message);
}

// What the server notes about one request while it runs, for its metrics and access line.
struct Exchange {
  ops::RequestLog log;
  Clock::time_point start = Clock::now();
  bool streamed = false;
  int status = 0;
  std::uint64_t bytesIn = 0;
  std::uint64_t bytesOut = 0;
};

metrics::Gauge& openConnectionsGauge() {
  return metrics::global().gauge("assetd_http_open_connections", "HTTP connections open now");
}

// Streamed requests are the object endpoint's: their body bytes, by direction.
metrics::Counter& objectBytes(const char* direction) {
  return metrics::global().counter("assetd_object_bytes_total",
                                   "Body bytes the object endpoint received (in) and sent (out)",
                                   {{"direction", direction}});
}

metrics::Counter& refusedConnections() {
  return metrics::global().counter("assetd_http_connections_refused_total",
                                   "Connections answered 503 because --max-connections were open");
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  const Router& router;
  StreamRoute streamRoute;
  asio::io_context ioc;
  asio::thread_pool workers;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  std::atomic<bool> stopping{false};
  std::atomic<int> inFlight{0};
  std::atomic<int> openConnections{0};
  std::unique_ptr<RequestMetrics> requestMetrics;  // made in run(), when the routes are known
  metrics::Gauge& connectionsGauge = openConnectionsGauge();
  metrics::Counter& refused = refusedConnections();
  metrics::Counter& objectBytesIn = objectBytes("in");
  metrics::Counter& objectBytesOut = objectBytes("out");

  Impl(ServerOptions o, const Router& r)
      : options(std::move(o)),
        router(r),
        ioc(options.ioThreads),
        workers(static_cast<std::size_t>(options.workerThreads)),
        acceptor(ioc),
        signals(ioc, SIGINT, SIGTERM) {}

  Response tooLarge(ops::RequestLog& log) const {
    return errorFor(log, 413,
                    "body: larger than " + std::to_string(options.maxBodyBytes) + " bytes");
  }

  ops::RequestLog newLog(const bhttp::request_header<>* header) const {
    ops::RequestLog log;
    if (!options.requestIds) return log;
    std::string_view offered;
    if (header) offered = (*header)["x-request-id"];
    log.requestId = ops::saneRequestId(offered) ? std::string(offered) : ops::newRequestId();
    return log;
  }

  // Counts a finished request and writes its access line.
  void finished(const Request& request, Exchange& exchange) {
    double seconds = std::chrono::duration<double>(Clock::now() - exchange.start).count();
    std::string_view route = "unmatched";
    if (exchange.streamed) {
      objectBytesIn.inc(exchange.bytesIn);
      objectBytesOut.inc(exchange.bytesOut);
    }
    if (requestMetrics) {
      requestMetrics->record(request, exchange.streamed, exchange.status, seconds);
      route = requestMetrics->routeOf(request, exchange.streamed);
    }
    if (ops::logFormat() != ops::LogFormat::json) return;
    ops::RequestScope scope(&exchange.log);
    ops::logAccess(
        {request.method, route, exchange.status, seconds, exchange.bytesIn, exchange.bytesOut});
  }

  // Writes a response that ends the connection (used for errors found before the handler).
  asio::awaitable<void> writeAndClose(beast::tcp_stream& stream, Response r, unsigned version,
                                      const ops::RequestLog& log) {
    auto res = toBeast(std::move(r), version, false, log);
    beast::error_code ec;
    co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    // Lingering close: read and drop what the client is still sending for a moment, so that
    // closing with unread data does not reset the connection before it reads our answer.
    stream.expires_after(std::chrono::seconds(2));
    static thread_local char sink[64 * 1024];
    std::size_t drained = 0;
    while (!ec && drained < (64u << 20)) {
      drained += co_await stream.async_read_some(asio::buffer(sink),
                                                 asio::redirect_error(asio::use_awaitable, ec));
    }
  }

  // Runs a handler on the worker pool (it may block on the database or the disk) with the
  // request's log in scope.
  template <class F>
  asio::awaitable<std::invoke_result_t<F>> onWorker(ops::RequestLog& log, F f) {
    co_return co_await asio::co_spawn(
        workers,
        [&f, &log]() -> asio::awaitable<std::invoke_result_t<F>> {
          ops::RequestScope scope(&log);
          co_return f();
        },
        asio::use_awaitable);
  }

  // Returns whether the connection may carry another request.
  asio::awaitable<bool> serveStreamed(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                      bhttp::request_parser<bhttp::empty_body>& headerParser,
                                      Request& request, Exchange& noted) {
    noted.streamed = true;
    if (auto length = headerParser.content_length(); length && *length > options.maxObjectBytes) {
      noted.status = 413;
      co_await writeAndClose(stream, tooLarge(noted.log), headerParser.get().version(), noted.log);
      co_return false;
    }
    BeastExchange::Parser parser{std::move(headerParser)};
    parser.body_limit(options.maxObjectBytes);
    stream.expires_never();
    BeastExchange beastExchange(stream, buffer, parser, request,
                                std::chrono::seconds(options.streamStallSeconds),
                                std::chrono::seconds(options.bodyTimeoutSeconds));
    CountedExchange exchange(beastExchange, noted.log.requestId);
    co_await onWorker(noted.log, [&] {
      try {
        streamRoute.handle(exchange);
        exchange.finish();
      } catch (const std::exception& e) {
        auto* apiError = dynamic_cast<const core::ApiError*>(&e);
        Response r = apiError ? errorResponse(*apiError) : errorResponse(500, "internal error");
        if (r.status >= 500)
          spdlog::error("{} {}: {}", exchange.request().method, exchange.request().path,
                        apiError ? apiError->logText() : e.what());
        if (!exchange.headSent()) {
          try {
            r.headers.emplace_back("Content-Type", r.contentType);
            exchange.sendHead(r.status, r.headers, r.body.size());
            exchange.sendBody(r.body.data(), r.body.size());
            exchange.finish();
          } catch (const std::exception&) {
          }
        }
      }
      return 0;
    });
    noted.status = exchange.status();
    noted.bytesIn = exchange.bytesIn();
    noted.bytesOut = exchange.bytesOut();
    co_return beastExchange.finished() && beastExchange.bodyFullyRead() &&
        beastExchange.keepAlive() && !stopping.load();
  }

  // Returns whether the connection may carry another request.
  asio::awaitable<bool> serveBuffered(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                      bhttp::request_parser<bhttp::empty_body>& headerParser,
                                      Request& request, Exchange& noted) {
    beast::error_code ec;
    unsigned version = headerParser.get().version();
    if (auto length = headerParser.content_length(); length && *length > options.maxBodyBytes) {
      noted.status = 413;
      co_await writeAndClose(stream, tooLarge(noted.log), version, noted.log);
      co_return false;
    }
    bhttp::request_parser<bhttp::string_body> parser{std::move(headerParser)};
    parser.body_limit(options.maxBodyBytes);
    if (beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
      bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, version};
      co_await bhttp::async_write(stream, cont, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return false;
    }
    // The body gets bodyTimeoutSeconds plus a second per kMinBodyBytesPerSecond received: a
    // client trickling bytes is cut off however steadily it sends them.
    auto bodyStart = Clock::now();
    while (!ec && !parser.is_done()) {
      auto received = parser.get().body().size();
      stream.expires_at(bodyStart + std::chrono::seconds(options.bodyTimeoutSeconds) +
                        std::chrono::seconds(received / ServerOptions::kMinBodyBytesPerSecond));
      co_await bhttp::async_read_some(stream, buffer, parser,
                                      asio::redirect_error(asio::use_awaitable, ec));
    }
    if (ec == bhttp::error::body_limit) {
      noted.status = 413;
      co_await writeAndClose(stream, tooLarge(noted.log), version, noted.log);
      co_return false;
    }
    if (ec) {
      if (ec != bhttp::error::end_of_stream && ec != beast::error::timeout &&
          ec != asio::error::connection_reset && ec != asio::error::eof) {
        noted.status = 400;
        co_await writeAndClose(stream,
                               errorFor(noted.log, 400, "malformed HTTP request: " + ec.message()),
                               version, noted.log);
      }
      co_return false;
    }
    stream.expires_never();
    bool keepAlive = parser.get().keep_alive();
    request.body = std::move(parser.get().body());
    noted.bytesIn = request.body.size();
    Response response = co_await onWorker(noted.log, [&] { return router.dispatch(request); });
    keepAlive = keepAlive && !stopping.load();
    noted.status = response.status;
    auto res = toBeast(std::move(response), version, keepAlive, noted.log);
    noted.bytesOut = res.body().size();
    stream.expires_after(
        std::chrono::seconds(options.streamStallSeconds) +
        std::chrono::seconds(res.body().size() / ServerOptions::kMinBodyBytesPerSecond));
    co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    co_return !ec && keepAlive;
  }

  asio::awaitable<void> session(tcp::socket socket) {
    beast::error_code ec;
    std::string remoteAddress = socket.remote_endpoint(ec).address().to_string();
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (bool keepAlive = true, first = true; keepAlive; first = false) {
      // Until the next request's first byte: an idle kept-alive connection (or a new one that
      // sends nothing) is closed quietly.
      if (buffer.size() == 0) {
        stream.expires_after(std::chrono::seconds(first ? options.headerTimeoutSeconds
                                                        : options.idleTimeoutSeconds));
        std::size_t got = co_await stream.async_read_some(
            buffer.prepare(16 * 1024), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;
        buffer.commit(got);
      }
      HeadParser headerParser;
      limitHead(headerParser, options);
      // All of the headers within the header timeout, however they trickle in.
      stream.expires_after(std::chrono::seconds(options.headerTimeoutSeconds));
      co_await bhttp::async_read_header(stream, buffer, headerParser,
                                        asio::redirect_error(asio::use_awaitable, ec));
      if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
          ec == beast::error::timeout || ec == asio::error::connection_reset ||
          ec == asio::error::operation_aborted)
        co_return;
      if (ec == bhttp::error::body_limit) {  // Content-Length alone exceeds every limit
        auto log = newLog(nullptr);
        co_await writeAndClose(stream, tooLarge(log), headerParser.get().version(), log);
        co_return;
      }
      if (ec) {
        auto log = newLog(nullptr);
        co_await writeAndClose(
            stream, errorFor(log, 400, "malformed HTTP request: " + ec.message()), 11, log);
        co_return;
      }
      Exchange noted;
      noted.log = newLog(&headerParser.get());
      Request request = requestOf(headerParser.get());
      request.remoteAddress = remoteAddress;
      ++inFlight;
      // A route of the router outside /v2 (GET /docs) is the router's, not the stream route's.
      if (streamRoute.claims && streamRoute.claims(request) && !router.matchesPath(request.path))
        keepAlive = co_await serveStreamed(stream, buffer, headerParser, request, noted);
      else
        keepAlive = co_await serveBuffered(stream, buffer, headerParser, request, noted);
      finished(request, noted);
      --inFlight;
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  // Answers a connection beyond --max-connections with 503 and closes it.
  asio::awaitable<void> refuse(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    auto log = newLog(nullptr);
    co_await writeAndClose(stream, errorFor(log, 503, "too many connections: try again later"), 11,
                           log);
  }

  asio::awaitable<void> acceptLoop() {
    for (;;) {
      beast::error_code ec;
      tcp::socket socket =
          co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (!acceptor.is_open()) co_return;
        spdlog::warn("accept failed: {}", ec.message());
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      if (openConnections.load() >= options.maxConnections) {
        refused.inc();
        asio::co_spawn(acceptor.get_executor(), refuse(std::move(socket)), asio::detached);
        continue;
      }
      ++openConnections;
      connectionsGauge.add(1);
      asio::co_spawn(acceptor.get_executor(), session(std::move(socket)),
                     [this](std::exception_ptr) {
                       --openConnections;
                       connectionsGauge.add(-1);
                     });
    }
  }

  // Stops accepting, lets in-flight requests finish (up to drainSeconds), then stops the I/O
  // threads.
  asio::awaitable<void> drain() {
    if (stopping.exchange(true)) co_return;
    spdlog::info("draining: {} requests in flight", inFlight.load());
    beast::error_code ec;
    acceptor.close(ec);
    asio::steady_timer timer(ioc);
    auto deadline = Clock::now() + std::chrono::seconds(options.drainSeconds);
    while (inFlight.load() > 0 && Clock::now() < deadline) {
      timer.expires_after(std::chrono::milliseconds(20));
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (inFlight.load() > 0)
      spdlog::warn("drain: {} requests still in flight after {} s", inFlight.load(),
                   options.drainSeconds);
    ioc.stop();
  }
};

Server::Server(ServerOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

Server::~Server() = default;

std::uint16_t Server::listen() {
  auto address = asio::ip::make_address(impl_->options.host);
  tcp::endpoint endpoint(address, impl_->options.port);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen(asio::socket_base::max_listen_connections);
  return impl_->acceptor.local_endpoint().port();
}

void Server::run() {
  auto& impl = *impl_;
  if (impl.options.metrics)
    impl.requestMetrics = std::make_unique<RequestMetrics>(impl.router, metrics::global());
  impl.signals.async_wait([&impl](const beast::error_code& ec, int) {
    if (!ec) asio::co_spawn(impl.ioc, impl.drain(), asio::detached);
  });
  asio::co_spawn(impl.ioc, impl.acceptLoop(), asio::detached);
  std::vector<std::thread> threads;
  for (int i = 1; i < impl.options.ioThreads; ++i)
    threads.emplace_back([&impl] { impl.ioc.run(); });
  impl.ioc.run();
  for (auto& t : threads) t.join();
  impl.workers.join();
}

void Server::setStreamRoute(StreamRoute route) {
  impl_->streamRoute = std::move(route);
}

void Server::stop() {
  asio::co_spawn(impl_->ioc, impl_->drain(), asio::detached);
}

bool Server::draining() const {
  return impl_->stopping.load();
}

}  // namespace assetd::http
