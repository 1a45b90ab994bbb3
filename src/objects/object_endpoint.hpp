#pragma once
// The built-in S3-compatible endpoint: path-style requests ("/<bucket>/<key>") for the server's
// own bucket, authenticated with SigV4 (presigned URLs or the Authorization header) against the
// server's credentials, bodies streamed to and from the local store. Every response carries
// CORS headers so that a browser can PUT to a presigned URL; errors are S3's XML.
#include <cstdint>
#include <functional>
#include <string>

#include "blob/local_blob_store.hpp"
#include "http/stream.hpp"
#include "ops/rate_limits.hpp"
#include "sign/sigv4.hpp"

namespace assetd::objects {

struct ObjectEndpointConfig {
  sign::sigv4::Credentials credentials;  // the only key pair accepted
  std::string region = "us-east-1";
  std::string publicUrl;                      // names objects in CompleteMultipartUpload results
  std::uint64_t maxObjectBytes = 5ull << 30;  // S3's single-PUT and part limit
  std::function<std::int64_t()> clock;        // Unix seconds; the system clock when empty
  // Client addresses whose signatures keep failing get 503 SlowDown (null: no limit).
  ops::RateLimits* limits = nullptr;
};

// True for the paths the endpoint serves: everything outside the API's /v2 tree.
bool isObjectPath(std::string_view path);

// The route to give http::Server::setStreamRoute. `store` must outlive the server.
http::StreamRoute objectEndpoint(blob::LocalBlobStore& store, ObjectEndpointConfig config);

}  // namespace assetd::objects
