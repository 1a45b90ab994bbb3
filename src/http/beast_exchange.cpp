#include "http/beast_exchange.hpp"

#include <future>
#include <stdexcept>

#include "core/error.hpp"

namespace assetd::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

BeastExchange::BeastExchange(beast::tcp_stream& stream, beast::flat_buffer& buffer, Parser& parser,
                             Request request, std::chrono::seconds ioTimeout)
    : stream_(stream),
      buffer_(buffer),
      parser_(parser),
      request_(std::move(request)),
      ioTimeout_(ioTimeout),
      keepAlive_(parser.get().keep_alive()) {}

std::optional<std::uint64_t> BeastExchange::contentLength() const {
  auto length = parser_.content_length();
  if (!length) return std::nullopt;
  return *length;
}

std::size_t BeastExchange::readBody(char* out, std::size_t n) {
  if (parser_.is_done() || n == 0) return 0;
  if (!continueSent_ && beast::iequals(parser_.get()[bhttp::field::expect], "100-continue")) {
    continueSent_ = true;
    bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, parser_.get().version()};
    stream_.expires_after(ioTimeout_);
    bhttp::async_write(stream_, cont, asio::use_future).get();
  }
  auto& body = parser_.get().body();
  body.data = out;
  body.size = n;
  stream_.expires_after(ioTimeout_);
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
  if (!parser_.is_done()) keepAlive_ = false;
  bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(status),
                                         parser_.get().version()};
  res.set(bhttp::field::server, "assetd");
  for (const auto& [name, value] : headers) res.set(name, value);
  if (contentLength) {
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
  stream_.expires_after(ioTimeout_);
  if (chunked_)
    asio::async_write(stream_, bhttp::make_chunk(asio::const_buffer(data, n)), asio::use_future)
        .get();
  else
    asio::async_write(stream_, asio::const_buffer(data, n), asio::use_future).get();
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
