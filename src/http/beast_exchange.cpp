#include "http/beast_exchange.hpp"

#include <poll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <future>
#include <stdexcept>

#include "core/error.hpp"
#include "http/server.hpp"

namespace assetd::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

BeastExchange::BeastExchange(beast::tcp_stream& stream, beast::flat_buffer& buffer, Parser& parser,
                             Request request, std::chrono::seconds ioTimeout,
                             std::chrono::seconds bodyTimeout)
    : stream_(stream),
      buffer_(buffer),
      parser_(parser),
      request_(std::move(request)),
      ioTimeout_(ioTimeout),
      bodyTimeout_(bodyTimeout),
      keepAlive_(parser.get().keep_alive()) {
  if (auto length = parser.content_length(); length && !parser.chunked()) {
    direct_ = true;
    remaining_ = *length;
  }
}

namespace {

// Waits until the socket is ready for `events`; throws after `timeout` of silence.
void awaitReady(int fd, short events, std::chrono::milliseconds timeout) {
  pollfd p{fd, events, 0};
  for (;;) {
    int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (ready > 0) return;
    if (ready == 0) throw std::runtime_error("client stalled");
    if (errno != EINTR)
      throw std::runtime_error(std::string("poll failed: ") + std::strerror(errno));
  }
}

}  // namespace

std::chrono::milliseconds BeastExchange::readBudget() {
  auto deadline = bodyStart_ + bodyTimeout_ +
                  std::chrono::seconds(received_ / ServerOptions::kMinBodyBytesPerSecond);
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) {
    keepAlive_ = false;
    throw std::runtime_error("client too slow: the request body fell behind its deadline");
  }
  return std::min<std::chrono::milliseconds>(left, ioTimeout_);
}

std::size_t BeastExchange::recvDirect(char* out, std::size_t n) {
  std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(n, remaining_));
  if (want == 0) return 0;
  if (buffer_.size() > 0) {  // bytes read ahead with the headers come first
    std::size_t k = asio::buffer_copy(asio::buffer(out, want), buffer_.data());
    buffer_.consume(k);
    remaining_ -= k;
    received_ += k;
    return k;
  }
  int fd = stream_.socket().native_handle();
  for (;;) {
    ssize_t got = ::recv(fd, out, want, 0);
    if (got > 0) {
      remaining_ -= static_cast<std::uint64_t>(got);
      received_ += static_cast<std::uint64_t>(got);
      return static_cast<std::size_t>(got);
    }
    if (got == 0) {
      keepAlive_ = false;
      throw std::runtime_error("client closed the connection mid-body");
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      keepAlive_ = false;
      throw std::runtime_error(std::string("reading the request body failed: ") +
                               std::strerror(errno));
    }
    try {
      awaitReady(fd, POLLIN, readBudget());
    } catch (...) {
      keepAlive_ = false;
      throw;
    }
  }
}

void BeastExchange::sendDirect(const char* data, std::size_t n) {
  int fd = stream_.socket().native_handle();
  while (n > 0) {
    ssize_t sent = ::send(fd, data, n, MSG_NOSIGNAL);
    if (sent > 0) {
      data += sent;
      n -= static_cast<std::size_t>(sent);
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      awaitReady(fd, POLLOUT, ioTimeout_);
      continue;
    }
    keepAlive_ = false;
    throw std::runtime_error(std::string("sending the response failed: ") + std::strerror(errno));
  }
}

std::optional<std::uint64_t> BeastExchange::contentLength() const {
  auto length = parser_.content_length();
  if (!length) return std::nullopt;
  return *length;
}

std::size_t BeastExchange::readBody(char* out, std::size_t n) {
  if (parser_.is_done() || n == 0) return 0;
  // The body's clock starts when the handler first asks for it, not while the request waited
  // for a worker.
  if (!bodyStarted_) {
    bodyStarted_ = true;
    bodyStart_ = std::chrono::steady_clock::now();
  }
  if (!continueSent_ && beast::iequals(parser_.get()[bhttp::field::expect], "100-continue")) {
    continueSent_ = true;
    bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, parser_.get().version()};
    stream_.expires_after(ioTimeout_);
    bhttp::async_write(stream_, cont, asio::use_future).get();
  }
  if (direct_) return recvDirect(out, n);  // the server checked the length against its limit
  auto& body = parser_.get().body();
  body.data = out;
  body.size = n;
  stream_.expires_after(readBudget());
  try {
    bhttp::async_read(stream_, buffer_, parser_, asio::use_future).get();
  } catch (const boost::system::system_error& e) {
    if (e.code() == bhttp::error::body_limit) {
      keepAlive_ = false;
      throw core::ApiError(413, "body: larger than the server accepts");
    }
    if (e.code() != bhttp::error::need_buffer) {
      keepAlive_ = false;
      throw std::runtime_error("reading the request body failed: " + e.code().message());
    }
  }
  received_ += n - body.size;
  return n - body.size;
}

void BeastExchange::sendHead(int status,
                             const std::vector<std::pair<std::string, std::string>>& headers,
                             std::optional<std::uint64_t> contentLength, bool headOnly) {
  if (headSent_) throw std::logic_error("response head sent twice");
  headSent_ = true;
  headOnly_ = headOnly;
  // A handler that did not read the whole body leaves the connection unusable for the next
  // request: close it after this response.
  if (!bodyFullyRead()) keepAlive_ = false;
  bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(status),
                                         parser_.get().version()};
  res.set(bhttp::field::server, "assetd");
  for (const auto& [name, value] : headers) res.set(name, value);
  // 1xx, 204 and 304 have no body, so no framing either: a chunked 304 leaves clients such as
  // Python's http.client waiting for a chunk that never comes.
  bool bodiless = status == 204 || status == 304 || (status >= 100 && status < 200);
  if (bodiless) {
    headOnly_ = true;
  } else if (contentLength) {
    res.content_length(*contentLength);
  } else {
    res.chunked(true);
    chunked_ = true;
  }
  res.keep_alive(keepAlive_);
  bhttp::response_serializer<bhttp::empty_body> serializer{res};
  stream_.expires_after(ioTimeout_);
  bhttp::async_write_header(stream_, serializer, asio::use_future).get();
}

void BeastExchange::sendBody(const char* data, std::size_t n) {
  if (!headSent_) throw std::logic_error("body before head");
  if (headOnly_ || n == 0) return;
  if (!chunked_) return sendDirect(data, n);
  stream_.expires_after(ioTimeout_);
  asio::async_write(stream_, bhttp::make_chunk(asio::const_buffer(data, n)), asio::use_future)
      .get();
}

void BeastExchange::sendFile(int fd, std::uint64_t offset, std::uint64_t length) {
  if (!headSent_) throw std::logic_error("body before head");
  if (headOnly_ || length == 0) return;
  if (chunked_) {  // chunk framing needs the bytes in user space
    char buffer[64 * 1024];
    while (length > 0) {
      ssize_t got = ::pread(fd, buffer, std::min<std::uint64_t>(sizeof buffer, length),
                            static_cast<off_t>(offset));
      if (got <= 0) throw std::runtime_error("file ended before its length");
      sendBody(buffer, static_cast<std::size_t>(got));
      offset += static_cast<std::uint64_t>(got);
      length -= static_cast<std::uint64_t>(got);
    }
    return;
  }
  int socket = stream_.socket().native_handle();
  auto position = static_cast<off_t>(offset);
  while (length > 0) {
    ssize_t sent = ::sendfile(socket, fd, &position,
                              static_cast<std::size_t>(std::min<std::uint64_t>(length, 1u << 30)));
    if (sent > 0) {
      length -= static_cast<std::uint64_t>(sent);
      continue;
    }
    if (sent == 0) throw std::runtime_error("file ended before its length");
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      awaitReady(socket, POLLOUT, ioTimeout_);
      continue;
    }
    keepAlive_ = false;
    throw std::runtime_error(std::string("sending the file failed: ") + std::strerror(errno));
  }
}

void BeastExchange::finish() {
  if (finished_) return;
  if (chunked_ && !headOnly_) {
    stream_.expires_after(ioTimeout_);
    asio::async_write(stream_, bhttp::make_chunk_last(), asio::use_future).get();
  }
  finished_ = true;
}

}  // namespace assetd::http
