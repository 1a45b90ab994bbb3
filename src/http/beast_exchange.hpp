#pragma once
// Internal to src/http: the StreamExchange of one Beast connection. Its blocking calls run on a
// worker thread; each starts an asynchronous operation on the connection's stream and waits for
// it, so the stream's own timeouts apply and no two operations ever overlap. A body read throws
// (and the connection is dropped) when the socket moves nothing for `ioTimeout`, or when the body
// falls behind `bodyTimeout` after the handler first reads it plus a second per
// ServerOptions::kMinBodyBytesPerSecond received: a client trickling bytes is cut off however
// steadily it sends them.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "http/stream.hpp"

namespace assetd::http {

class BeastExchange final : public StreamExchange {
 public:
  using Parser = boost::beast::http::request_parser<boost::beast::http::buffer_body>;

  BeastExchange(boost::beast::tcp_stream& stream, boost::beast::flat_buffer& buffer, Parser& parser,
                Request request, std::chrono::seconds ioTimeout, std::chrono::seconds bodyTimeout);

  const Request& request() const override { return request_; }
  std::optional<std::uint64_t> contentLength() const override;
  std::size_t readBody(char* buffer, std::size_t n) override;
  void sendHead(int status, const std::vector<std::pair<std::string, std::string>>& headers,
                std::optional<std::uint64_t> contentLength, bool headOnly = false) override;
  void sendBody(const char* data, std::size_t n) override;
  void sendFile(int fd, std::uint64_t offset, std::uint64_t length) override;
  void finish() override;
  bool headSent() const override { return headSent_; }

  bool finished() const { return finished_; }
  bool bodyFullyRead() const { return direct_ ? remaining_ == 0 : parser_.is_done(); }
  bool keepAlive() const { return keepAlive_; }

 private:
  boost::beast::tcp_stream& stream_;
  boost::beast::flat_buffer& buffer_;
  Parser& parser_;
  Request request_;
  std::chrono::seconds ioTimeout_;
  std::chrono::seconds bodyTimeout_;
  std::chrono::steady_clock::time_point bodyStart_;
  bool bodyStarted_ = false;
  std::uint64_t received_ = 0;  // body bytes read so far
  // How long the next read may wait: ioTimeout, or less when the body's deadline comes first.
  // Throws (and ends keep-alive) when the deadline has passed.
  std::chrono::milliseconds readBudget();
  // A body with a Content-Length is read straight from the socket into the caller's buffer:
  // one system call per chunk instead of a parser pass, a buffer copy and a thread hop.
  bool direct_ = false;
  std::uint64_t remaining_ = 0;
  std::size_t recvDirect(char* out, std::size_t n);
  void sendDirect(const char* data, std::size_t n);
  bool continueSent_ = false;
  bool headSent_ = false;
  bool headOnly_ = false;
  bool chunked_ = false;
  bool finished_ = false;
  bool keepAlive_ = true;
};

}  // namespace assetd::http
