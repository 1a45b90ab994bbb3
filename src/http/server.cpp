#include "http/server.hpp"

#include "core/error.hpp"
#include "http/beast_exchange.hpp"

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

constexpr std::size_t kHeaderLimit = 64 * 1024;

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bhttp::response<bhttp::string_body> toBeast(Response&& r, unsigned version, bool keepAlive) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), version};
  res.set(bhttp::field::server, "assetd");
  res.set(bhttp::field::content_type, r.contentType);
  for (auto& [name, value] : r.headers) res.set(name, value);
  res.body() = std::move(r.body);
  res.keep_alive(keepAlive);
  res.prepare_payload();
  return res;
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

  Impl(ServerOptions o, const Router& r)
      : options(std::move(o)),
        router(r),
        ioc(options.ioThreads),
        workers(static_cast<std::size_t>(options.workerThreads)),
        acceptor(ioc),
        signals(ioc, SIGINT, SIGTERM) {}

  Response tooLarge() const {
    return errorResponse(413,
                         "body: larger than " + std::to_string(options.maxBodyBytes) + " bytes");
  }

  // Writes a response that ends the connection (used for errors found before the handler).
  asio::awaitable<void> writeAndClose(beast::tcp_stream& stream, Response r, unsigned version) {
    auto res = toBeast(std::move(r), version, false);
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

  static Request headersOf(const bhttp::request_header<>& header) {
    Request request;
    request.method = std::string(header.method_string());
    std::string_view target = header.target();
    if (auto q = target.find('?'); q != std::string_view::npos) {
      request.path = std::string(target.substr(0, q));
      request.rawQuery = std::string(target.substr(q + 1));
    } else {
      request.path = std::string(target);
    }
    request.headers.reserve(16);
    for (const auto& field : header)
      request.headers.emplace_back(lowercase(field.name_string()), std::string(field.value()));
    return request;
  }

  // Runs a handler on the worker pool: it may block on the database or the disk.
  template <class F>
  asio::awaitable<std::invoke_result_t<F>> onWorker(F f) {
    co_return co_await asio::co_spawn(
        workers, [&f]() -> asio::awaitable<std::invoke_result_t<F>> { co_return f(); },
        asio::use_awaitable);
  }

  // Returns whether the connection may carry another request.
  asio::awaitable<bool> serveStreamed(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                      bhttp::request_parser<bhttp::empty_body>& headerParser,
                                      Request request) {
    if (auto length = headerParser.content_length(); length && *length > options.maxObjectBytes) {
      co_await writeAndClose(stream, tooLarge(), headerParser.get().version());
      co_return false;
    }
    BeastExchange::Parser parser{std::move(headerParser)};
    parser.body_limit(options.maxObjectBytes);
    stream.expires_never();
    BeastExchange exchange(stream, buffer, parser, std::move(request),
                           std::chrono::seconds(options.idleTimeoutSeconds));
    co_await onWorker([&] {
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
    co_return exchange.finished() && exchange.bodyFullyRead() && exchange.keepAlive() &&
        !stopping.load();
  }

  // Returns whether the connection may carry another request.
  asio::awaitable<bool> serveBuffered(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                      bhttp::request_parser<bhttp::empty_body>& headerParser,
                                      Request request) {
    beast::error_code ec;
    unsigned version = headerParser.get().version();
    if (auto length = headerParser.content_length(); length && *length > options.maxBodyBytes) {
      co_await writeAndClose(stream, tooLarge(), version);
      co_return false;
    }
    bhttp::request_parser<bhttp::string_body> parser{std::move(headerParser)};
    parser.body_limit(options.maxBodyBytes);
    if (beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
      bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, version};
      co_await bhttp::async_write(stream, cont, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return false;
    }
    // Large bodies get time proportional to their size, never less than the idle timeout.
    stream.expires_after(std::chrono::seconds(options.idleTimeoutSeconds) +
                         std::chrono::seconds(parser.content_length().value_or(0) >> 20));
    co_await bhttp::async_read(stream, buffer, parser,
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec == bhttp::error::body_limit) {
      co_await writeAndClose(stream, tooLarge(), version);
      co_return false;
    }
    if (ec) {
      if (ec != bhttp::error::end_of_stream && ec != beast::error::timeout &&
          ec != asio::error::connection_reset && ec != asio::error::eof)
        co_await writeAndClose(
            stream, errorResponse(400, "malformed HTTP request: " + ec.message()), version);
      co_return false;
    }
    stream.expires_never();
    bool keepAlive = parser.get().keep_alive();
    request.body = std::move(parser.get().body());
    Response response = co_await onWorker([&] { return router.dispatch(request); });
    keepAlive = keepAlive && !stopping.load();
    auto res = toBeast(std::move(response), version, keepAlive);
    stream.expires_after(std::chrono::seconds(options.idleTimeoutSeconds) +
                         std::chrono::seconds(res.body().size() >> 20));
    co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    co_return !ec && keepAlive;
  }

  asio::awaitable<void> session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    beast::error_code ec;
    for (bool keepAlive = true; keepAlive;) {
      bhttp::request_parser<bhttp::empty_body> headerParser;
      headerParser.header_limit(kHeaderLimit);
      headerParser.body_limit(
          std::max<std::uint64_t>(options.maxBodyBytes, options.maxObjectBytes));
      stream.expires_after(std::chrono::seconds(options.idleTimeoutSeconds));
      co_await bhttp::async_read_header(stream, buffer, headerParser,
                                        asio::redirect_error(asio::use_awaitable, ec));
      if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
          ec == beast::error::timeout || ec == asio::error::connection_reset ||
          ec == asio::error::operation_aborted)
        co_return;
      if (ec == bhttp::error::body_limit) {  // Content-Length alone exceeds every limit
        co_await writeAndClose(stream, tooLarge(), headerParser.get().version());
        co_return;
      }
      if (ec) {
        co_await writeAndClose(stream,
                               errorResponse(400, "malformed HTTP request: " + ec.message()), 11);
        co_return;
      }
      Request request = headersOf(headerParser.get());
      ++inFlight;
      if (streamRoute.claims && streamRoute.claims(request))
        keepAlive = co_await serveStreamed(stream, buffer, headerParser, std::move(request));
      else
        keepAlive = co_await serveBuffered(stream, buffer, headerParser, std::move(request));
      --inFlight;
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
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
      asio::co_spawn(acceptor.get_executor(), session(std::move(socket)), asio::detached);
    }
  }

  // Stops accepting, lets in-flight requests finish (up to 10 s), then stops the I/O threads.
  asio::awaitable<void> drain() {
    stopping = true;
    beast::error_code ec;
    acceptor.close(ec);
    asio::steady_timer timer(ioc);
    for (int i = 0; i < 200 && inFlight.load() > 0; ++i) {
      timer.expires_after(std::chrono::milliseconds(50));
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
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

}  // namespace assetd::http
