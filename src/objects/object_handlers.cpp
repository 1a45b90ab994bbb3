// Object requests of the built-in S3 endpoint: PutObject, CopyObject, GetObject/HeadObject and
// DeleteObject. Bodies move in fixed buffers between the socket and the local store.
#include <algorithm>
#include <array>
#include <memory>

#include "objects/object_call.hpp"
#include "s3/byte_range.hpp"
#include "s3/object_checksum.hpp"
#include "s3/preconditions.hpp"
#include "s3/s3_error.hpp"
#include "s3/s3_xml.hpp"
#include "s3/stored_headers.hpp"

namespace assetd::objects {
namespace {

std::string contentTypeOf(const blob::ObjectInfo& info) {
  return info.contentType.empty() ? "binary/octet-stream" : info.contentType;
}

// A kept header's name as S3 answers it: standard ones capitalized, user metadata lower-case.
std::string displayName(const std::string& name) {
  if (name == "cache-control") return "Cache-Control";
  if (name == "content-disposition") return "Content-Disposition";
  if (name == "content-encoding") return "Content-Encoding";
  if (name == "content-language") return "Content-Language";
  if (name == "expires") return "Expires";
  return name;
}

// A reader over an open file, for copies.
s3::ReadFn fileReader(const blob::files::ReadOnlyFile& file) {
  auto offset = std::make_shared<std::uint64_t>(0);
  return [&file, offset](char* buffer, std::size_t n) {
    std::size_t got = file.readAt(*offset, buffer, n);
    *offset += got;
    return got;
  };
}

// The range of part `number` of a multipart object (its part sizes are kept with it), with
// x-amz-mp-parts-count added to `extra`. An object stored whole is its only part.
s3::ResolvedRange partRange(const blob::LocalBlobStore::OpenObject& object, int number,
                            HeaderList& extra) {
  std::vector<std::uint64_t> sizes = s3::recordedPartSizes(object.headers);
  std::uint64_t total = 0;
  for (std::uint64_t size : sizes) total += size;
  if (sizes.empty() || total != object.info.size) {
    if (number != 1)
      throw s3::S3Error(400, "InvalidPart",
                        "One or more of the specified parts could not be found. The part may not "
                        "have been uploaded, or the specified entity tag may not match the part's "
                        "entity tag.");
    return {};  // the whole object
  }
  if (static_cast<std::size_t>(number) > sizes.size())
    throw s3::S3Error(416, "InvalidPartNumber", "The requested partnumber is not satisfiable");
  extra.emplace_back("x-amz-mp-parts-count", std::to_string(sizes.size()));
  std::uint64_t first = 0;
  for (int i = 1; i < number; ++i) first += sizes[static_cast<std::size_t>(i - 1)];
  std::uint64_t size = sizes[static_cast<std::size_t>(number - 1)];
  if (size == 0) return {s3::ResolvedRange::Kind::Unsatisfiable, 0, 0};
  return {s3::ResolvedRange::Kind::Partial, first, first + size - 1};
}

}  // namespace

void putObject(S3Call& call) {
  // Refused before the body is read: bad headers, and conditions that fail already.
  s3::StoredHeaders kept = s3::storedHeadersOf(call.request.headers);
  s3::WriteConditions conditions = s3::writeConditionsOf(call.request.headers);
  s3::PayloadReader body = call.payload();
  body.deferContentMd5();  // checked with the store's MD5 of the body, computed for the ETag
  std::optional<std::uint64_t> size = body.declaredSize();
  s3::ReadFn read = sizeCappedBody(body, call.config.maxObjectBytes);
  blob::ObjectInfo info = call.store.putStream(
      call.key, read, size, std::string(call.request.header("content-type")),
      [&](const std::string& md5) {
        body.checkContentMd5(md5);
        // The checksum the client sent, checked by now, is kept and answered again.
        if (!body.checkedChecksum().empty())
          s3::recordChecksum(kept, {body.checksumAlgorithm(), body.checkedChecksum()});
      },
      kept, conditions);
  HeaderList extra = {{"ETag", info.etag}};
  for (auto& header : body.checksumHeaders()) extra.push_back(std::move(header));
  if (!body.checkedChecksum().empty())
    extra.emplace_back("x-amz-checksum-type",
                       std::string(s3::checksumTypeName(s3::ChecksumType::FullObject)));
  call.sendEmpty(200, std::move(extra));
}

std::string copySourceKey(const S3Call& call) {
  std::string source = sign::percentDecode(call.request.header("x-amz-copy-source"));
  // Objects have one version only: the current one is what any version id can name.
  if (std::size_t version = source.find("?versionId="); version != std::string::npos)
    source.resize(version);
  if (!source.empty() && source.front() == '/') source.erase(0, 1);
  std::size_t slash = source.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == source.size())
    throw s3::S3Error(400, "InvalidArgument", "Copy Source must mention the source bucket and key");
  if (source.substr(0, slash) != call.store.bucket())
    throw s3::S3Error(404, "NoSuchBucket", "The specified bucket does not exist");
  std::string sourceKey = source.substr(slash + 1);
  blob::checkObjectKey(sourceKey);
  return sourceKey;
}

void copyObject(S3Call& call) {
  std::string sourceKey = copySourceKey(call);
  bool replace = call.request.header("x-amz-metadata-directive") == "REPLACE";
  if (sourceKey == call.key && !replace)
    throw s3::S3Error(
        400, "InvalidRequest",
        "This copy request is illegal because it is trying to copy an object to itself "
        "without changing the object's metadata, storage class, website redirect "
        "location or encryption attributes.");
  s3::WriteConditions conditions = s3::writeConditionsOf(call.request.headers);  // the target's
  auto object = call.store.open(sourceKey);
  if (!object) throw noSuchKey();
  s3::requireReadConditions(s3::readConditionsOf(call.request.headers, "x-amz-copy-source-"),
                            object->info.etag, object->info.lastModifiedMillis);
  std::string contentType =
      replace ? std::string(call.request.header("content-type")) : object->info.contentType;
  // The same bytes keep a whole-object checksum; a composite one and the part layout describe
  // the source's parts, which the copy does not have.
  s3::StoredHeaders kept = s3::copiedHeaders(object->headers);
  if (replace) {
    kept = s3::storedHeadersOf(call.request.headers);
    if (auto checksum = s3::recordedChecksum(s3::copiedHeaders(object->headers)))
      s3::recordChecksum(kept, *checksum);
  }
  blob::ObjectInfo info = call.store.putStream(
      call.key, fileReader(object->file), object->info.size, contentType, {}, kept, conditions);
  call.sendXml(200, s3::s3xml::copyObject(info.etag, info.lastModifiedMillis));
}

void getObject(S3Call& call, bool headOnly) {
  std::optional<int> partNumber;
  if (call.has("partNumber")) {
    partNumber = partNumberOf(call);
    if (*partNumber < 1 || *partNumber > 10000)
      throw s3::S3Error(400, "InvalidArgument",
                        "Part number must be an integer between 1 and 10000, inclusive");
    if (!call.request.header("range").empty())
      throw s3::S3Error(400, "InvalidRequest",
                        "Cannot specify both Range header and partNumber query parameter");
  }
  auto object = call.store.open(call.key);
  if (!object) throw noSuchKey();
  const blob::ObjectInfo& info = object->info;
  HeaderList extra = {{"ETag", info.etag},
                      {"Last-Modified", s3::s3xml::httpDate(info.lastModifiedMillis)},
                      {"Accept-Ranges", "bytes"}};

  s3::ReadEvaluation condition =
      s3::evaluate(s3::readConditionsOf(call.request.headers), info.etag, info.lastModifiedMillis);
  if (condition.outcome == s3::ReadOutcome::Failed)
    throw s3::PreconditionFailed(condition.condition);
  if (condition.outcome == s3::ReadOutcome::NotModified) {
    call.exchange.sendHead(304, call.headers(std::move(extra)), std::nullopt, true);
    call.exchange.finish();
    return;
  }

  // Presigned GETs may override what the response says about the object.
  std::string contentType = call.param("response-content-type").value_or(contentTypeOf(info));
  extra.emplace_back("Content-Type", contentType);
  constexpr std::array<std::pair<const char*, const char*>, 5> kOverrides = {
      {{"response-content-disposition", "Content-Disposition"},
       {"response-content-encoding", "Content-Encoding"},
       {"response-content-language", "Content-Language"},
       {"response-cache-control", "Cache-Control"},
       {"response-expires", "Expires"}}};
  for (const auto& [name, value] : s3::answeredHeaders(object->headers)) {
    std::string header = displayName(name);
    bool overridden = std::any_of(kOverrides.begin(), kOverrides.end(), [&](const auto& o) {
      return header == o.second && call.has(o.first);
    });
    if (!overridden) extra.emplace_back(std::move(header), value);
  }
  for (auto [param, header] : kOverrides)
    if (auto value = call.param(param)) extra.emplace_back(header, *value);

  s3::ResolvedRange range = s3::resolveRange(call.request.header("range"), info.size);
  if (partNumber) range = partRange(*object, *partNumber, extra);
  if (range.kind == s3::ResolvedRange::Kind::Unsatisfiable)
    throw s3::S3Error(416, "InvalidRange", "The requested range is not satisfiable");
  // The checksum describes the whole object: a part or range of it goes without (as in S3,
  // but for the one part of an object stored whole).
  auto checksum = s3::recordedChecksum(object->headers);
  bool whole = range.kind == s3::ResolvedRange::Kind::Whole ||
               (range.first == 0 && range.length() == info.size && partNumber);
  if (checksum && whole && call.request.header("x-amz-checksum-mode") == "ENABLED") {
    extra.emplace_back(s3::checksumHeaderName(checksum->algorithm), checksum->value);
    extra.emplace_back("x-amz-checksum-type", std::string(s3::checksumTypeName(checksum->type)));
  }
  std::uint64_t first = 0;
  std::uint64_t length = info.size;
  int status = 200;
  if (range.kind == s3::ResolvedRange::Kind::Partial) {
    status = 206;
    first = range.first;
    length = range.length();
    extra.emplace_back("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                            std::to_string(range.last) + "/" +
                                            std::to_string(info.size));
  }
  call.exchange.sendHead(status, call.headers(std::move(extra)), length, headOnly);
  if (!headOnly) call.exchange.sendFile(object->file.descriptor(), first, length);
  call.exchange.finish();
}

void deleteObject(S3Call& call) {
  // Deleting a missing key succeeds, as in S3, unless If-Match names a version (NoSuchKey).
  s3::WriteConditions conditions;
  if (std::string_view ifMatch = call.request.header("if-match"); !ifMatch.empty())
    conditions.ifMatch = std::string(ifMatch);
  call.store.remove(call.key, conditions);
  call.sendEmpty(204);
}

}  // namespace assetd::objects
