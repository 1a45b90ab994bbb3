#pragma once
// The server's own store on an external S3-compatible service (AWS S3, MinIO, Ceph, OpenStack
// Swift's s3api), spoken to over HTTP(S) with SigV4-signed requests.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "blob/blob_store.hpp"
#include "sign/sigv4.hpp"

namespace assetd::blob {

struct S3Config {
  std::string bucket;
  // scheme://host[:port][/base-path] of the service.
  std::string endpoint = "https://s3.us-east-1.amazonaws.com";
  std::string region = "us-east-1";
  // How requests address objects. true: <endpoint>/<bucket>/<key>; false (virtual-hosted):
  // <scheme>://<bucket>.<host>/<key>. urlFor() names objects path-style either way.
  bool pathStyle = true;
  sign::sigv4::Credentials credentials;
  // true: every body's SHA-256 is signed (bodies of unknown size are spooled to disk first);
  // false: UNSIGNED-PAYLOAD, which TLS already protects.
  bool signPayload = false;
  // Objects larger than this go up in parts of `partSize` (grown if 10000 parts would not do).
  std::uint64_t multipartThreshold = 64u << 20;
  std::uint64_t partSize = 16u << 20;
  long connectTimeoutMs = 10'000;
  long requestTimeoutMs = 60'000;  // whole requests that carry no object body
  long stallTimeoutSeconds = 60;   // body transfers: abort after this long without progress
  int maxAttempts = 3;             // for requests whose body can be sent again
  std::string spoolDir;            // uploads of unknown size wait here; empty: system temp dir
  // openS3BlobStore checks that the bucket answers to the credentials and creates it if it is
  // missing; any other answer is a core::ApiError 502 that names S3's error code.
  bool ensureBucket = false;
};

inline constexpr std::uint64_t kS3MinPartSize = 5u << 20;
inline constexpr std::uint64_t kS3MaxPutSize = 5ull << 30;

// Parses "s3://BUCKET?endpoint=URL&region=R&path_style=true|false&sign_payload=true|false
// &multipart_threshold=BYTES&part_size=BYTES". Every parameter is optional; without an endpoint
// the service is AWS S3 in `region`, virtual-hosted, and with one path-style is the default.
// Credentials are not part of it. Throws core::ApiError 400 naming the faulty part.
S3Config parseS3Location(std::string_view location);

// Throws core::ApiError 400 for a config that cannot work (no bucket, bad endpoint, sizes out of
// S3's limits) and, with `ensureBucket`, 502 when the service refuses.
std::unique_ptr<BlobStore> openS3BlobStore(S3Config config);

}  // namespace assetd::blob
