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

  bool has(std::string_view name) const;
  std::optional<std::string> param(std::string_view name) const;
  // The resource errors name: "/bucket/key".
  std::string resource() const;

  // CORS and request-id headers, then `extra`.
  HeaderList headers(HeaderList extra = {}) const;
  void sendEmpty(int status, HeaderList extra = {});
  void sendXml(int status, const std::string& xml, HeaderList extra = {});
  // S3's XML error; a HEAD gets the headers only. Drains a small unread body first so the
  // client sees the answer instead of a reset connection.
  void sendError(int status, std::string_view code, std::string_view message,
                 HeaderList extra = {});

  // The body with its integrity checks (see PayloadReader).
  s3::PayloadReader payload(bool checksumHeadersOfBody = true);
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

// Handlers (object_handlers.cpp, object_bucket.cpp, object_multipart.cpp,
// object_part_copy.cpp).
void putObject(S3Call& call);
void copyObject(S3Call& call);
void getObject(S3Call& call, bool headOnly);
void deleteObject(S3Call& call);

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
