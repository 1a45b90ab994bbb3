#pragma once
// HTTP exchanges with an S3 service over libcurl. Easy handles are pooled so that their
// connections are kept alive between requests; safe to use from many threads at once.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "blob/blob_store.hpp"
#include "core/error.hpp"
#include "sign/sigv4.hpp"

namespace assetd::blob::s3 {

struct Call {
  std::string method;
  std::string url;
  sign::sigv4::Headers headers;  // complete, already signed
  // PUT and POST send exactly `bodySize` bytes pulled from `body` (none when it is null).
  const ReadFn* body = nullptr;
  std::uint64_t bodySize = 0;
  // Receives the body of a 2xx reply piece by piece, with its status; any other reply's body is
  // kept in Reply::body.
  std::function<void(long status, const char* data, std::size_t n)> sink;
  bool wholeRequestTimeout = true;  // false for object bodies: only stalls time out
};

struct Reply {
  long status = 0;
  sign::sigv4::Headers headers;    // of the final response; names lowercase
  std::string body;                // when not given to the sink; at most 1 MiB of it
  std::int64_t lastModified = -1;  // Unix seconds from Last-Modified, -1 if none
  std::uint64_t sunkBytes = 0;     // bytes given to the sink

  std::optional<std::string> header(std::string_view lowercaseName) const;
};

// No HTTP reply at all (refused, reset, timed out, TLS failure): a 502 that says why.
class TransportError : public core::ApiError {
 public:
  explicit TransportError(const std::string& message) : core::ApiError(502, message) {}
};

struct TransportOptions {
  long connectTimeoutMs = 10'000;
  long requestTimeoutMs = 60'000;
  long stallTimeoutSeconds = 60;
};

class Transport {
 public:
  explicit Transport(TransportOptions options);
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Throws TransportError, or whatever the body reader or the sink threw.
  Reply perform(const Call& call);

 private:
  struct Pool;
  TransportOptions options_;
  std::unique_ptr<Pool> pool_;
};

}  // namespace assetd::blob::s3
