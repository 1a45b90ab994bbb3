#pragma once
// Requests whose bodies must not be held in memory (object PUT/GET of any size). The handler
// runs on a worker thread and pulls the body and pushes the response through this interface
// with blocking calls; the connection's coroutine waits meanwhile, so nothing else touches
// the socket. Beast-free, like message.hpp.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.hpp"

namespace assetd::http {

class StreamExchange {
 public:
  virtual ~StreamExchange() = default;
  // Method, path, query and headers; body is empty (read it with readBody).
  virtual const Request& request() const = 0;
  // The declared body length (nullopt for chunked bodies).
  virtual std::optional<std::uint64_t> contentLength() const = 0;
  // Up to n bytes of the body; 0 at its end. Throws core::ApiError 413 past the server's body
  // limit and std::runtime_error when the client goes away or stalls.
  virtual std::size_t readBody(char* buffer, std::size_t n) = 0;
  // Sends the status line and headers. With a length the body that follows must have exactly
  // that many bytes; without one it is sent chunked. `headOnly` sends headers with the length
  // but no body (HEAD). A status that never has a body (1xx, 204, 304) is sent with neither a
  // length nor chunked framing, whatever is passed, and nothing after it.
  virtual void sendHead(int status, const std::vector<std::pair<std::string, std::string>>& headers,
                        std::optional<std::uint64_t> contentLength, bool headOnly = false) = 0;
  virtual void sendBody(const char* data, std::size_t n) = 0;
  // Sends `length` bytes of the open file `fd` from `offset` as body; the kernel copies them
  // straight to the socket where it can. Throws if the file ends early.
  virtual void sendFile(int fd, std::uint64_t offset, std::uint64_t length) = 0;
  // Ends the response. Sending a whole small response is sendHead + sendBody + finish.
  virtual void finish() = 0;
  // Whether sendHead was called (a handler that fails after it can only drop the connection).
  virtual bool headSent() const = 0;
};

// Runs for every request whose path `claims` returns true for and no route of the router
// matches, before its body is read.
struct StreamRoute {
  std::function<bool(const Request& headersOnly)> claims;
  std::function<void(StreamExchange&)> handle;
};

}  // namespace assetd::http
