#pragma once
// The XML documents of the S3 protocol that the built-in endpoint sends and receives. Rendering
// escapes every text node; parsing is a tolerant scan for the few elements a request body may
// carry (namespaces and attributes on the root are ignored).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "s3/object_checksum.hpp"

namespace assetd::s3::s3xml {

std::string escape(std::string_view text);
// &amp; &lt; &gt; &quot; &apos; and numeric references; anything else is kept as written.
std::string unescape(std::string_view text);

// "Wed, 12 Oct 2009 17:50:30 GMT" (Last-Modified).
std::string httpDate(std::int64_t millis);

// S3's <Error> document; `condition` (a PreconditionFailed's header) only when not empty.
std::string error(std::string_view code, std::string_view message, std::string_view resource,
                  std::string_view requestId, std::string_view condition = {});

struct ListedObject {
  std::string key;
  std::int64_t lastModifiedMillis = 0;
  std::string etag;
  std::uint64_t size = 0;
};

struct ListResult {
  bool v2 = true;
  std::string bucket;
  std::string prefix;
  std::string delimiter;
  int maxKeys = 1000;
  bool urlEncode = false;  // encoding-type=url: keys and prefixes percent-encoded
  bool truncated = false;
  bool fetchOwner = false;  // V2: each object's <Owner> (V1 always names it)
  // V2; echoed when given, even empty
  std::optional<std::string> continuationToken;
  std::string nextContinuationToken;
  std::string startAfter;
  // V1
  std::string marker;
  std::string nextMarker;
  std::vector<ListedObject> contents;
  std::vector<std::string> commonPrefixes;
};
std::string listBucket(const ListResult& result);

// The configuration documents the endpoint answers as they are true of its one bucket:
// GetBucketAcl/GetObjectAcl (the one identity has FULL_CONTROL), GetBucketCors (the rule every
// answer applies), GetBucketVersioning (never versioned: an empty configuration) and
// GetObjectTagging (objects carry no tags: an empty set).
std::string accessControlPolicy();
struct CorsRule {
  std::vector<std::string> allowedHeaders;
  std::vector<std::string> allowedMethods;
  std::vector<std::string> allowedOrigins;
  std::vector<std::string> exposeHeaders;
  int maxAgeSeconds = 0;
};
std::string corsConfiguration(const CorsRule& rule);
std::string versioningConfiguration();
std::string emptyTagging();

std::string listBuckets(std::string_view bucket, std::int64_t createdMillis);
std::string location(std::string_view region);  // us-east-1 is the empty constraint, as in S3
std::string initiateMultipartUpload(std::string_view bucket, std::string_view key,
                                    std::string_view uploadId);
// With a checksum: its Checksum<ALGORITHM> element and ChecksumType.
std::string completeMultipartUpload(std::string_view location, std::string_view bucket,
                                    std::string_view key, std::string_view etag,
                                    const std::optional<ObjectChecksum>& checksum = std::nullopt);
// The PostResponse a form upload answers with success_action_status 201.
std::string postResponse(std::string_view location, std::string_view bucket, std::string_view key,
                         std::string_view etag);
std::string copyObject(std::string_view etag, std::int64_t lastModifiedMillis);
std::string copyPart(std::string_view etag, std::int64_t lastModifiedMillis,
                     const std::optional<ObjectChecksum>& checksum = std::nullopt);

struct ListedPart {
  int number = 0;
  std::int64_t lastModifiedMillis = 0;
  std::string etag;
  std::uint64_t size = 0;
  std::optional<ObjectChecksum> checksum = {};
};
struct PartsResult {
  std::string bucket;
  std::string key;
  std::string uploadId;
  int partNumberMarker = 0;
  int nextPartNumberMarker = 0;
  int maxParts = 1000;
  bool truncated = false;
  std::optional<UploadChecksum> checksum = {};  // the upload's algorithm and type
  std::vector<ListedPart> parts;
};
std::string listParts(const PartsResult& result);

struct ListedUpload {
  std::string key;
  std::string uploadId;
  std::int64_t initiatedMillis = 0;
};
struct UploadsResult {
  std::string bucket;
  std::string prefix;
  std::string delimiter;
  std::string keyMarker;
  std::string uploadIdMarker;
  std::string nextKeyMarker;
  std::string nextUploadIdMarker;
  int maxUploads = 1000;
  bool truncated = false;
  std::vector<ListedUpload> uploads;
  std::vector<std::string> commonPrefixes;
};
std::string listMultipartUploads(const UploadsResult& result);

struct DeleteOutcome {
  std::string key;
  std::string code;  // empty: deleted
  std::string message;
};
std::string deleteResult(const std::vector<DeleteOutcome>& outcomes, bool quiet);

// ---- Parsing request bodies ----

// The inner text of every <tag>...</tag> (or <tag attr="...">...</tag>), in order; nesting of
// the same tag is not supported (S3's documents never nest a tag in itself).
std::vector<std::string_view> elements(std::string_view xml, std::string_view tag);
// The unescaped text of the first <tag>, or nullopt.
std::optional<std::string> firstText(std::string_view xml, std::string_view tag);

struct CompletePart {
  int number = 0;
  std::string etag;
  // Its Checksum<ALGORITHM> elements: (lower-case algorithm, value).
  std::vector<std::pair<std::string, std::string>> checksums = {};
};
// CompleteMultipartUpload's parts; nullopt if the document is malformed.
std::optional<std::vector<CompletePart>> parseCompleteParts(std::string_view xml);

struct DeleteRequest {
  std::vector<std::string> keys;
  bool quiet = false;
};
std::optional<DeleteRequest> parseDelete(std::string_view xml);

}  // namespace assetd::s3::s3xml
