#pragma once
// The request headers S3 keeps with an object and answers again on GET and HEAD: user metadata
// (x-amz-meta-*), Cache-Control, Content-Disposition, Content-Encoding, Content-Language and
// Expires, each byte for byte as sent. The content type travels on its own
// (blob::ObjectInfo::contentType).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace assetd::s3 {

// Lower-cased header names with their values as sent, in the order they arrived.
using StoredHeaders = std::vector<std::pair<std::string, std::string>>;

// S3's limit on user metadata: names (without "x-amz-meta-") and values, summed.
inline constexpr std::size_t kMaxUserMetadataBytes = 2048;

// Picks the headers to keep out of a request's (names lower-cased): values exactly as sent, but
// Content-Encoding without "aws-chunked" (the upload's framing), and a header sent on several
// lines joined into one value with ','. Throws S3Error 400
// MetadataTooLarge past kMaxUserMetadataBytes, InvalidArgument for a control character in a
// kept value or an empty metadata name.
StoredHeaders storedHeadersOf(const std::vector<std::pair<std::string, std::string>>& request);

// Names the store records among an object's kept headers without a client sending them as such
// (x-amz-checksum-*, x-amz-mp-parts: s3/object_checksum.hpp). storedHeadersOf never takes them
// from a request; decodeStoredHeaders reads them back.
bool isRecordedOnly(std::string_view name);

// One "name:value" line per header, each ending in '\n' (the sidecar's trailing lines).
std::string encodeStoredHeaders(const StoredHeaders& headers);
// Reads lines as encodeStoredHeaders writes them; nullopt if one is malformed.
std::optional<StoredHeaders> decodeStoredHeaders(std::string_view lines);

}  // namespace assetd::s3
