// UploadPartCopy of the built-in S3 endpoint: a part of a multipart upload taken from a stored
// object, whole or an `x-amz-copy-source-range`, which boto3's copy() and `aws s3 cp s3://… s3://…`
// use for large objects. The bytes go through the same atomic path as an uploaded part.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"
#include "objects/object_call.hpp"
#include "s3/byte_range.hpp"
#include "s3/preconditions.hpp"
#include "s3/s3_error.hpp"
#include "s3/s3_xml.hpp"

namespace assetd::objects {
namespace {

// Reads `range` of an open file.
s3::ReadFn rangeReader(const blob::files::ReadOnlyFile& file, s3::CopyRange range) {
  auto done = std::make_shared<std::uint64_t>(0);
  return [&file, range, done](char* buffer, std::size_t n) -> std::size_t {
    std::uint64_t left = range.length - *done;
    if (left < n) n = static_cast<std::size_t>(left);
    if (n == 0) return 0;
    std::size_t got = file.readAt(range.first + *done, buffer, n);
    *done += got;
    return got;
  };
}

}  // namespace

void uploadPartCopy(S3Call& call) {
  auto uploadId = call.param("uploadId");
  if (!uploadId || uploadId->empty())
    throw s3::S3Error(400, "InvalidArgument", "uploadId must be given");
  int number = partNumberOf(call);
  std::string sourceKey = copySourceKey(call);
  auto source = call.store.open(sourceKey);
  if (!source) throw noSuchKey();
  s3::requireReadConditions(s3::readConditionsOf(call.request.headers, "x-amz-copy-source-"),
                            source->info.etag, source->info.lastModifiedMillis);
  s3::CopyRange range =
      s3::copySourceRange(call.request.header("x-amz-copy-source-range"), source->info.size);
  if (range.length > call.config.maxObjectBytes) throw entityTooLarge();
  // An upload created with a checksum algorithm gets the part's checksum computed here.
  std::optional<s3::UploadChecksum> required = call.store.uploadChecksum(*uploadId, call.key);
  std::optional<s3::BodyChecksum> checksum;
  if (required) checksum = s3::BodyChecksum::named(required->algorithm);
  s3::ReadFn read = rangeReader(source->file, range);
  s3::ReadFn summed = [&](char* buffer, std::size_t n) {
    std::size_t got = read(buffer, n);
    if (checksum) checksum->update(buffer, got);
    return got;
  };
  std::optional<s3::ObjectChecksum> partChecksum;
  std::string etag = call.store.uploadPart(
      *uploadId, call.key, number, summed, range.length, {},
      [&]() -> std::optional<s3::ObjectChecksum> {
        if (checksum) partChecksum = s3::ObjectChecksum{checksum->algorithm(), checksum->base64()};
        return partChecksum;
      });
  call.sendXml(200, s3::s3xml::copyPart(etag, core::nowMillis(), partChecksum));
}

}  // namespace assetd::objects
