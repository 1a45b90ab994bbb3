// UploadPartCopy of the built-in S3 endpoint: a part of a multipart upload taken from a stored
// object, whole or an `x-amz-copy-source-range`, which boto3's copy() and `aws s3 cp s3://… s3://…`
// use for large objects. The bytes go through the same atomic path as an uploaded part.
#include <charconv>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"
#include "objects/object_call.hpp"
#include "s3/s3_error.hpp"
#include "s3/s3_xml.hpp"

namespace assetd::objects {
namespace {

struct CopyRange {
  std::uint64_t first = 0;
  std::uint64_t length = 0;
};

std::optional<std::uint64_t> parseOffset(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// "bytes=first-last" (both inclusive and required, as S3 wants them) within the source; the
// whole source without the header.
CopyRange copyRangeOf(std::string_view header, std::uint64_t sourceSize) {
  if (header.empty()) return {0, sourceSize};
  constexpr std::string_view kUnit = "bytes=";
  std::size_t dash = header.find('-');
  auto first = header.starts_with(kUnit) && dash != std::string_view::npos
                   ? parseOffset(header.substr(kUnit.size(), dash - kUnit.size()))
                   : std::nullopt;
  auto last = first ? parseOffset(header.substr(dash + 1)) : std::nullopt;
  if (!last || *last < *first)
    throw s3::S3Error(
        400, "InvalidArgument",
        "The x-amz-copy-source-range value must be of the form bytes=first-last where "
        "first and last are the zero-based offsets of the first and last bytes to copy");
  if (*last >= sourceSize)
    throw s3::S3Error(
        400, "InvalidArgument",
        "Range specified is not valid for source object of size: " + std::to_string(sourceSize));
  return {*first, *last - *first + 1};
}

// Reads `range` of an open file.
s3::ReadFn rangeReader(const blob::files::ReadOnlyFile& file, CopyRange range) {
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
  CopyRange range = copyRangeOf(call.request.header("x-amz-copy-source-range"), source->info.size);
  if (range.length > call.config.maxObjectBytes) throw entityTooLarge();
  // The store checks the upload exists before it reads a byte (NoSuchUpload otherwise).
  std::string etag = call.store.uploadPart(*uploadId, call.key, number,
                                           rangeReader(source->file, range), range.length);
  call.sendXml(200, s3::s3xml::copyPart(etag, core::nowMillis()));
}

}  // namespace assetd::objects
