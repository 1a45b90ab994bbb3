#pragma once
// Internal to src/http: a StreamExchange that forwards to another and notes what a streamed
// request moved (body bytes in and out, the status it answered) and adds the request's
// X-Request-Id to its head. Beast-free; used on the worker thread that runs the request.
#include <string>

#include "http/stream.hpp"

namespace assetd::http {

class CountedExchange final : public StreamExchange {
 public:
  // `requestId` empty: no X-Request-Id header.
  CountedExchange(StreamExchange& inner, std::string requestId)
      : inner_(inner), requestId_(std::move(requestId)) {}

  const Request& request() const override { return inner_.request(); }
  std::optional<std::uint64_t> contentLength() const override { return inner_.contentLength(); }
  std::size_t readBody(char* buffer, std::size_t n) override {
    std::size_t got = inner_.readBody(buffer, n);
    bytesIn_ += got;
    return got;
  }
  void sendHead(int status, const std::vector<std::pair<std::string, std::string>>& headers,
                std::optional<std::uint64_t> contentLength, bool headOnly = false) override {
    status_ = status;
    headOnly_ = headOnly;
    if (requestId_.empty()) return inner_.sendHead(status, headers, contentLength, headOnly);
    auto withId = headers;
    withId.emplace_back("X-Request-Id", requestId_);
    inner_.sendHead(status, withId, contentLength, headOnly);
  }
  void sendBody(const char* data, std::size_t n) override {
    inner_.sendBody(data, n);
    if (!headOnly_) bytesOut_ += n;
  }
  void sendFile(int fd, std::uint64_t offset, std::uint64_t length) override {
    inner_.sendFile(fd, offset, length);
    if (!headOnly_) bytesOut_ += length;
  }
  void finish() override { inner_.finish(); }
  bool headSent() const override { return inner_.headSent(); }

  int status() const { return status_; }  // 0 before sendHead
  std::uint64_t bytesIn() const { return bytesIn_; }
  std::uint64_t bytesOut() const { return bytesOut_; }

 private:
  StreamExchange& inner_;
  std::string requestId_;
  int status_ = 0;
  bool headOnly_ = false;
  std::uint64_t bytesIn_ = 0;
  std::uint64_t bytesOut_ = 0;
};

}  // namespace assetd::http
