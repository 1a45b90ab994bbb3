// Multipart uploads through the built-in S3 endpoint (what `aws s3 cp` uses past 8 MiB).
#include <charconv>

#include "blob/object_call.hpp"
#include "blob/s3_error.hpp"
#include "blob/s3_xml.hpp"

namespace assetd::blob {
namespace {

constexpr std::size_t kMaxCompleteBody = 4u << 20;

S3Error tooLarge() {
  return S3Error(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size");
}

std::string uploadIdOf(const S3Call& call) {
  auto id = call.param("uploadId");
  if (!id || id->empty()) throw S3Error(400, "InvalidArgument", "uploadId must be given");
  return *id;
}

}  // namespace

void createMultipartUpload(S3Call& call) {
  std::string id =
      call.store.createUpload(call.key, std::string(call.request.header("content-type")));
  call.sendXml(200, s3xml::initiateMultipartUpload(call.store.bucket(), call.key, id));
}

void uploadPart(S3Call& call) {
  std::string id = uploadIdOf(call);
  std::string numberText = call.param("partNumber").value_or("");
  int number = 0;
  auto [end, ec] =
      std::from_chars(numberText.data(), numberText.data() + numberText.size(), number);
  if (numberText.empty() || ec != std::errc() || end != numberText.data() + numberText.size())
    throw S3Error(400, "InvalidArgument", "Part number must be an integer between 1 and 10000");
  PayloadReader body = call.payload();
  body.deferContentMd5();  // checked with the store's MD5 of the part, computed for its ETag
  std::optional<std::uint64_t> size = body.declaredSize();
  if (size && *size > call.config.maxObjectBytes) throw tooLarge();
  std::uint64_t received = 0;
  ReadFn read = [&](char* buffer, std::size_t n) {
    std::size_t got = body.read(buffer, n);
    received += got;
    if (received > call.config.maxObjectBytes) throw tooLarge();
    return got;
  };
  std::string etag = call.store.uploadPart(
      id, call.key, number, read, size, [&](const std::string& md5) { body.checkContentMd5(md5); });
  HeaderList extra = {{"ETag", etag}};
  for (auto& header : body.checksumHeaders()) extra.push_back(std::move(header));
  call.sendEmpty(200, std::move(extra));
}

void completeMultipartUpload(S3Call& call) {
  std::string id = uploadIdOf(call);
  std::string body = call.smallBody(kMaxCompleteBody);
  auto parsed = s3xml::parseCompleteParts(body);
  if (!parsed)
    throw S3Error(400, "MalformedXML",
                  "The XML you provided was not well-formed or did not validate against our "
                  "published schema");
  std::vector<LocalBlobStore::CompletedPart> parts;
  for (auto& part : *parsed) parts.push_back({part.number, std::move(part.etag)});
  ObjectInfo info = call.store.completeUpload(id, call.key, parts);
  std::string location = call.config.publicUrl + call.resource();
  call.sendXml(200,
               s3xml::completeMultipartUpload(location, call.store.bucket(), call.key, info.etag));
}

void abortMultipartUpload(S3Call& call) {
  if (!call.store.abortUpload(uploadIdOf(call), call.key))
    throw S3Error(404, "NoSuchUpload",
                  "The specified upload does not exist. The upload ID may be invalid, or the "
                  "upload may have been aborted or completed.");
  call.sendEmpty(204);
}

}  // namespace assetd::blob
