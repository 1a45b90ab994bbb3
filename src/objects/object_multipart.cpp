// Multipart uploads through the built-in S3 endpoint (what `aws s3 cp` uses past 8 MiB), and
// their listings: ListParts and ListMultipartUploads.
#include <algorithm>
#include <charconv>

#include "objects/object_call.hpp"
#include "s3/object_checksum.hpp"
#include "s3/preconditions.hpp"
#include "s3/s3_error.hpp"
#include "s3/s3_xml.hpp"
#include "s3/stored_headers.hpp"

namespace assetd::objects {
namespace {

constexpr std::size_t kMaxCompleteBody = 4u << 20;

constexpr int kMaxListed = 1000;

// A non-negative integer query parameter; `fallback` when absent.
int countParam(const S3Call& call, std::string_view name, int fallback) {
  auto text = call.param(name);
  if (!text) return fallback;
  int value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || ec != std::errc() || end != text->data() + text->size() || value < 0)
    throw s3::S3Error(400, "InvalidArgument",
                      std::string(name) + " must be a non-negative integer");
  return value;
}

std::string uploadIdOf(const S3Call& call) {
  auto id = call.param("uploadId");
  if (!id || id->empty()) throw s3::S3Error(400, "InvalidArgument", "uploadId must be given");
  return *id;
}

}  // namespace

void createMultipartUpload(S3Call& call) {
  s3::StoredHeaders kept = s3::storedHeadersOf(call.request.headers);
  std::optional<s3::UploadChecksum> checksum = s3::uploadChecksumOf(call.request.headers);
  HeaderList extra;
  if (checksum) {
    s3::recordUploadChecksum(kept, *checksum);
    extra.emplace_back("x-amz-checksum-algorithm",
                       s3::checksumElementName(checksum->algorithm).substr(8));
    extra.emplace_back("x-amz-checksum-type", std::string(s3::checksumTypeName(checksum->type)));
  }
  std::string id =
      call.store.createUpload(call.key, std::string(call.request.header("content-type")), kept);
  call.sendXml(200, s3::s3xml::initiateMultipartUpload(call.store.bucket(), call.key, id),
               std::move(extra));
}

void uploadPart(S3Call& call) {
  std::string id = uploadIdOf(call);
  int number = partNumberOf(call);
  std::optional<s3::UploadChecksum> required = call.store.uploadChecksum(id, call.key);
  s3::PayloadReader body = call.payload();
  std::string sent = body.checksumAlgorithm();
  if (required && sent != required->algorithm)
    throw s3::S3Error(
        400, "InvalidRequest",
        "Checksum Type mismatch occurred, expected checksum Type: " + required->algorithm +
            ", actual checksum Type: " + (sent.empty() ? "null" : sent));
  body.deferContentMd5();  // checked with the store's MD5 of the part, computed for its ETag
  std::optional<std::uint64_t> size = body.declaredSize();
  s3::ReadFn read = sizeCappedBody(body, call.config.maxObjectBytes);
  std::string etag = call.store.uploadPart(
      id, call.key, number, read, size, [&](const std::string& md5) { body.checkContentMd5(md5); },
      [&]() -> std::optional<s3::ObjectChecksum> {
        if (body.checkedChecksum().empty()) return std::nullopt;
        return s3::ObjectChecksum{body.checksumAlgorithm(), body.checkedChecksum()};
      });
  HeaderList extra = {{"ETag", etag}};
  for (auto& header : body.checksumHeaders()) extra.push_back(std::move(header));
  call.sendEmpty(200, std::move(extra));
}

void completeMultipartUpload(S3Call& call) {
  std::string id = uploadIdOf(call);
  s3::WriteConditions conditions = s3::writeConditionsOf(call.request.headers);
  // x-amz-checksum-* headers of a Complete describe the object (below), not this body.
  std::string body = call.smallBody(kMaxCompleteBody, false);
  auto parsed = s3::s3xml::parseCompleteParts(body);
  if (!parsed)
    throw s3::S3Error(400, "MalformedXML",
                      "The XML you provided was not well-formed or did not validate against our "
                      "published schema");
  std::vector<blob::LocalBlobStore::CompletedPart> parts;
  for (auto& part : *parsed)
    parts.push_back({part.number, std::move(part.etag), std::move(part.checksums)});
  // A checksum of the whole object the client computed (FULL_OBJECT uploads), checked against
  // the one the parts make.
  std::optional<s3::ObjectChecksum> claimed;
  for (std::string_view algorithm : {"crc32", "crc32c", "crc64nvme", "sha1", "sha256"}) {
    std::string_view value = call.request.header(s3::checksumHeaderName(algorithm));
    if (!value.empty()) claimed = s3::ObjectChecksum{std::string(algorithm), std::string(value)};
  }
  blob::LocalBlobStore::CompletedUpload done =
      call.store.completeUpload(id, call.key, parts, claimed, conditions);
  std::string location = call.config.publicUrl + call.resource();
  call.sendXml(200, s3::s3xml::completeMultipartUpload(location, call.store.bucket(), call.key,
                                                       done.info.etag, done.checksum));
}

void listParts(S3Call& call) {
  s3::s3xml::PartsResult result;
  result.bucket = call.store.bucket();
  result.key = call.key;
  result.uploadId = uploadIdOf(call);
  result.maxParts = std::min(countParam(call, "max-parts", kMaxListed), kMaxListed);
  result.partNumberMarker = countParam(call, "part-number-marker", 0);
  result.checksum = call.store.uploadChecksum(result.uploadId, call.key);
  for (auto& part : call.store.listParts(result.uploadId, call.key)) {
    if (part.number <= result.partNumberMarker) continue;
    if (static_cast<int>(result.parts.size()) == result.maxParts) {
      // max-parts=0 asks for nothing: S3 answers an empty list that is not truncated.
      result.truncated = result.maxParts > 0;
      break;
    }
    result.nextPartNumberMarker = part.number;
    result.parts.push_back(
        {part.number, part.lastModifiedMillis, part.etag, part.size, std::move(part.checksum)});
  }
  call.sendXml(200, s3::s3xml::listParts(result));
}

void listMultipartUploads(S3Call& call) {
  s3::s3xml::UploadsResult result;
  result.bucket = call.store.bucket();
  result.prefix = call.param("prefix").value_or("");
  result.delimiter = call.param("delimiter").value_or("");
  result.keyMarker = call.param("key-marker").value_or("");
  // As in S3, the upload id marker means something only beside a key marker.
  if (!result.keyMarker.empty())
    result.uploadIdMarker = call.param("upload-id-marker").value_or("");
  result.maxUploads = std::min(countParam(call, "max-uploads", kMaxListed), kMaxListed);
  int listed = 0;
  for (auto& upload : call.store.listUploads(result.prefix)) {
    const std::string& keyMarker = result.keyMarker;
    if (!keyMarker.empty() &&
        (upload.key < keyMarker ||
         (upload.key == keyMarker &&
          (result.uploadIdMarker.empty() || upload.uploadId <= result.uploadIdMarker))))
      continue;
    std::size_t cut = result.delimiter.empty()
                          ? std::string::npos
                          : upload.key.find(result.delimiter, result.prefix.size());
    if (cut != std::string::npos) {
      // Rolled up: a prefix at or before the key marker was returned on an earlier page.
      std::string common = upload.key.substr(0, cut + result.delimiter.size());
      if ((!keyMarker.empty() && common <= keyMarker) ||
          (!result.commonPrefixes.empty() && result.commonPrefixes.back() == common))
        continue;
      if (listed == result.maxUploads) {
        result.truncated = result.maxUploads > 0;  // max-uploads=0: empty, not truncated
        break;
      }
      ++listed;
      result.commonPrefixes.push_back(common);
      result.nextKeyMarker = common;
      result.nextUploadIdMarker.clear();
      continue;
    }
    if (listed == result.maxUploads) {
      result.truncated = result.maxUploads > 0;
      break;
    }
    ++listed;
    result.nextKeyMarker = upload.key;
    result.nextUploadIdMarker = upload.uploadId;
    result.uploads.push_back({upload.key, upload.uploadId, upload.initiatedMillis});
  }
  call.sendXml(200, s3::s3xml::listMultipartUploads(result));
}

void abortMultipartUpload(S3Call& call) {
  if (!call.store.abortUpload(uploadIdOf(call), call.key))
    throw s3::S3Error(404, "NoSuchUpload",
                      "The specified upload does not exist. The upload ID may be invalid, or the "
                      "upload may have been aborted or completed.");
  call.sendEmpty(204);
}

}  // namespace assetd::objects
