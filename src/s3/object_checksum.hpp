#pragma once
// The additional checksums S3 keeps with an object and answers again (x-amz-checksum-mode:
// ENABLED): the one a client sent with a PUT, or the one a multipart upload ends with, either
// COMPOSITE (the checksum of the parts' concatenated raw checksums, "<base64>-<parts>") or
// FULL_OBJECT (the CRC of the whole body, combined from the parts' CRCs). Also the part sizes of
// a multipart object, for GET ?partNumber=N. Both are kept among the object's StoredHeaders under
// recorded-only names (never taken from a request, never answered as such), so they travel
// wherever kept headers do: sidecars, uploads' info files, backups. Pure functions; thread-safe.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "s3/stored_headers.hpp"

namespace assetd::s3 {

enum class ChecksumType { FullObject, Composite };

// "FULL_OBJECT" / "COMPOSITE", as S3's headers and XML spell them.
std::string_view checksumTypeName(ChecksumType type);

struct ObjectChecksum {
  std::string algorithm;  // lower-case: crc32, crc32c, crc64nvme, sha1, sha256
  std::string value;      // base64; "<base64>-<parts>" for COMPOSITE
  ChecksumType type = ChecksumType::FullObject;
};

// "x-amz-checksum-crc32" and "ChecksumCRC32" for "crc32".
std::string checksumHeaderName(std::string_view algorithm);
std::string checksumElementName(std::string_view algorithm);

// The algorithm and type a multipart upload was created with.
struct UploadChecksum {
  std::string algorithm;  // lower-case
  ChecksumType type = ChecksumType::Composite;
};
// From CreateMultipartUpload's x-amz-checksum-algorithm and x-amz-checksum-type (names
// lower-cased): nullopt without an algorithm. The type defaults to COMPOSITE, FULL_OBJECT for
// crc64nvme. Throws S3Error 400 InvalidRequest for an unknown algorithm or type, a type without
// an algorithm, COMPOSITE with crc64nvme or FULL_OBJECT with a SHA.
std::optional<UploadChecksum> uploadChecksumOf(
    const std::vector<std::pair<std::string, std::string>>& requestHeaders);

// COMPOSITE: the algorithm's checksum of the parts' raw checksums (base64 each) concatenated,
// base64, then "-<parts>". nullopt if a part's value is not base64 of the algorithm's size.
std::optional<std::string> compositeChecksum(std::string_view algorithm,
                                             const std::vector<std::string>& partValues);
// FULL_OBJECT for a CRC algorithm: the CRC of the parts' bodies in order, from each part's CRC
// (base64) and size. nullopt for a SHA or a value that is not a CRC of the algorithm's size.
std::optional<std::string> fullObjectCrc(
    std::string_view algorithm, const std::vector<std::pair<std::string, std::uint64_t>>& parts);

// CRC(A || B) from CRC(A), CRC(B) and B's length, for "crc32", "crc32c" or "crc64nvme" (any
// other name is a logic error: std::invalid_argument).
std::uint64_t combineCrc(std::string_view algorithm, std::uint64_t crcA, std::uint64_t crcB,
                         std::uint64_t lengthB);

// ---- Kept among an object's StoredHeaders ----

// The recorded checksum, if any.
std::optional<ObjectChecksum> recordedChecksum(const StoredHeaders& headers);
// Replaces any recorded checksum by `checksum`.
void recordChecksum(StoredHeaders& headers, const ObjectChecksum& checksum);
// The part sizes of a multipart object, in part order; empty for an object stored whole.
std::vector<std::uint64_t> recordedPartSizes(const StoredHeaders& headers);
void recordPartSizes(StoredHeaders& headers, const std::vector<std::uint64_t>& sizes);
// The algorithm a multipart upload requires of its parts, kept in its info file.
std::optional<UploadChecksum> recordedUploadChecksum(const StoredHeaders& headers);
void recordUploadChecksum(StoredHeaders& headers, const UploadChecksum& checksum);

// `headers` without the recorded-only entries: what GET and HEAD answer as headers.
StoredHeaders answeredHeaders(const StoredHeaders& headers);
// `headers` without the recorded-only entries an object of other bytes or another part layout
// must not inherit (everything but a FULL_OBJECT checksum), for copies.
StoredHeaders copiedHeaders(const StoredHeaders& headers);

}  // namespace assetd::s3
