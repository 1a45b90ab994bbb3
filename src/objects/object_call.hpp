#pragma once
// Internal to the object endpoint: one S3 request being served, with the helpers its handlers
// share (query access, response sending with CORS and request-id headers, the checked body).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "blob/local_blob_store.hpp"
#include "objects/object_endpoint.hpp"
#include "s3/payload_reader.hpp"
#include "s3/s3_error.hpp"
#include "sign/url_codec.hpp"

namespace assetd::objects {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// The CORS rule of every answer (S3Call::headers, the OPTIONS preflight), which GetBucketCors
// reports: any origin, these methods, any requested header, these headers exposed.
inline constexpr std::string_view kCorsAllowedOrigin = "*";
inline constexpr std::string_view kCorsAllowedMethods = "GET, PUT, POST, DELETE, HEAD";
inline constexpr int kCorsMaxAgeSeconds = 3600;
inline constexpr std::string_view kExposedHeaders =
    "ETag, Location, x-amz-request-id, x-amz-id-2, x-amz-version-id, x-amz-delete-marker, "
    "Content-Length, Content-Range, Content-Type, Content-Disposition, Content-Encoding, "
    "Accept-Ranges, Last-Modified, x-amz-checksum-crc32, x-amz-checksum-crc32c, "
    "x-amz-checksum-crc64nvme, x-amz-checksum-sha1, x-amz-checksum-sha256, x-amz-checksum-type, "
    "x-amz-checksum-algorithm, x-amz-mp-parts-count";

class S3Call {
 public:
  S3Call(http::StreamExchange& exchange, blob::LocalBlobStore& store,
         const ObjectEndpointConfig& config);

  http::StreamExchange& exchange;
  const http::Request& request;
  blob::LocalBlobStore& store;
  const ObjectEndpointConfig& config;
  std::string requestId;
  sign::QueryParams query;
  std::string bucket;  // decoded; empty for "/"
  std::string key;     // decoded; empty for bucket requests
  sign::sigv4::VerifyResult auth;

  // Unix seconds: the configured clock, else the system's.
  std::int64_t nowSeconds() const;
  bool has(std::string_view name) const;
  std::optional<std::string> param(std::string_view name) const;
  // The resource errors name: "/bucket/key".
  std::string resource() const;

  // CORS and request-id headers, then `extra`.
  HeaderList headers(HeaderList extra = {}) const;
  void sendEmpty(int status, HeaderList extra = {});
  void sendXml(int status, const std::string& xml, HeaderList extra = {});
  // S3's XML error (with <Condition> when `condition` is given); a HEAD gets the headers only.
  // Drains a small unread body first so the client sees the answer instead of a reset
  // connection.
  void sendError(int status, std::string_view code, std::string_view message, HeaderList extra = {},
                 std::string_view condition = {});

  // The body with its integrity checks (see PayloadReader).
  s3::PayloadReader payload(bool checksumHeadersOfBody = true);
  // The body as it arrives, without any check (a form upload authenticates itself).
  s3::ReadFn rawBody();
  // A small body (XML requests) read whole; EntityTooLarge past `limit`.
  std::string smallBody(std::size_t limit, bool checksumHeadersOfBody = true);
  // Whether reading the body failed because the client went away or stalled.
  bool bodyBroken() const { return bodyBroken_; }

 private:
  std::size_t readRaw(char* buffer, std::size_t n);
  void drainSmallBody();

  bool readStarted_ = false;
  bool bodyBroken_ = false;
};

// S3's answer to a client it holds back (`seconds` > 0, from ops::RateLimits): throws 503
// SlowDown, which S3 clients retry with back-off.
void slowDownIf(int seconds);

// S3's errors for a missing object and an object over the size limit.
s3::S3Error noSuchKey();
s3::S3Error entityTooLarge();

// The `partNumber` query parameter of a part upload; InvalidArgument unless an integer.
int partNumberOf(const S3Call& call);

// `body` as the store reads it: EntityTooLarge as soon as its declared size or the bytes
// received pass `maxBytes`.
s3::ReadFn sizeCappedBody(s3::PayloadReader& body, std::uint64_t maxBytes);

// The key named by x-amz-copy-source ("/bucket/key", URL-encoded, any "?versionId=" ignored),
// checked to be in this bucket and a valid key.
std::string copySourceKey(const S3Call& call);

// Sub-resources and headers of S3 features the endpoint has not (object_subresources.cpp),
// decided before any handler reads the body.
// serveSubresource answers a request naming one of S3's configuration sub-resources (`?acl`,
// `?cors`, `?versioning`, `?tagging`, …) and returns true, or returns false for the ordinary
// dispatch; throws S3Error 501 NotImplemented naming the operation and the feature, 405
// MethodNotAllowed for a method the sub-resource has not, 404 NoSuchKey for an object's
// configuration when the object is missing.
bool serveSubresource(S3Call& call);
// Throws S3Error 501 NotImplemented for a write that asks for what the store would not honour
// (server-side encryption, tags, Object Lock, a website redirect, a storage class but STANDARD,
// public ACLs or grants), 400 for such a header with an invalid value, and 400 InvalidRequest
// for SSE-C parameters naming a stored object (none is encrypted).
void refuseUnsupportedHeaders(S3Call& call);
// The same refusals for the fields of a browser form upload (names lower-cased), which carry
// its object's headers.
void refuseUnsupportedFields(const std::vector<std::pair<std::string, std::string>>& fields);

// Handlers (object_handlers.cpp, object_bucket.cpp, object_multipart.cpp,
// object_part_copy.cpp, object_post.cpp).
void putObject(S3Call& call);
void copyObject(S3Call& call);
void getObject(S3Call& call, bool headOnly);
void deleteObject(S3Call& call);
// POST Object: a browser form upload authenticated by its signed policy (object_post.cpp).
void postObject(S3Call& call);

void listBuckets(S3Call& call);
void headBucket(S3Call& call);
void bucketLocation(S3Call& call);
void listObjects(S3Call& call);
void deleteObjects(S3Call& call);

void createMultipartUpload(S3Call& call);
void uploadPart(S3Call& call);
void uploadPartCopy(S3Call& call);
void completeMultipartUpload(S3Call& call);
void abortMultipartUpload(S3Call& call);
void listParts(S3Call& call);
void listMultipartUploads(S3Call& call);

}  // namespace assetd::objects
