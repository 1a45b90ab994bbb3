#pragma once
// The pieces of S3 REST requests and replies, composed and parsed without any I/O so that
// addressing, signing and the XML bodies can be checked on their own.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "blob/s3_blob_store.hpp"
#include "sign/sigv4.hpp"

namespace assetd::blob::s3 {

// The URL of `key` in the config's bucket (the bucket itself when `key` is empty), the key
// percent-encoded with '/' kept and `rawQuery` (already encoded) after '?' when not empty.
std::string objectUrl(const S3Config& config, std::string_view key, std::string_view rawQuery = {});

// Everything to send for one request: `headers`, then Host, X-Amz-Date, X-Amz-Content-Sha256,
// X-Amz-Security-Token (with a session token) and Authorization, signed at `unixSeconds`.
sign::sigv4::Headers signedHeaders(const S3Config& config, std::string_view method,
                                   const std::string& url, sign::sigv4::Headers headers,
                                   const std::string& payloadHash, std::int64_t unixSeconds);

// "bytes=<offset>-<last>" for [offset, offset + length), open-ended when the range runs past
// what a 64-bit size can name; nullopt for the whole object.
std::optional<std::string> rangeHeader(std::uint64_t offset, std::uint64_t length);

// The text of the first <name> element of an S3 XML reply, entities decoded.
std::optional<std::string> xmlText(std::string_view xml, std::string_view name);

struct ErrorReply {
  std::string code;
  std::string message;
};
// S3's <Error> document, or nullopt when `body` is none (HEAD replies, HTML from a proxy).
std::optional<ErrorReply> parseErrorReply(std::string_view body);

// The CompleteMultipartUpload document for parts 1..n with these ETags.
std::string completeMultipartBody(const std::vector<std::string>& partEtags);

// The part size for `total` bytes: `preferred`, or larger (whole MiB) so that at most 10000
// parts are needed.
std::uint64_t partSizeFor(std::uint64_t total, std::uint64_t preferred);

// The ETag as S3 documents it, in double quotes.
std::string quotedEtag(std::string_view etag);

}  // namespace assetd::blob::s3
