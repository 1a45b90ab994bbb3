// Bucket requests of the built-in S3 endpoint: ListBuckets, HeadBucket, GetBucketLocation,
// ListObjects (V1 and V2) and DeleteObjects.
#include <charconv>

#include "core/time.hpp"
#include "objects/object_call.hpp"
#include "s3/s3_error.hpp"
#include "s3/s3_xml.hpp"
#include "sign/crypto.hpp"

namespace assetd::objects {
namespace {

constexpr int kMaxKeys = 1000;
constexpr std::size_t kMaxDeleteBody = 2u << 20;

int maxKeys(const S3Call& call) {
  auto text = call.param("max-keys");
  if (!text) return kMaxKeys;
  int value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || ec != std::errc() || end != text->data() + text->size() || value < 0)
    throw s3::S3Error(400, "InvalidArgument", "max-keys must be a non-negative integer");
  return std::min(value, kMaxKeys);
}

// Continuation tokens are opaque to clients: the last key or prefix returned, in base64.
std::string encodeToken(const std::string& marker) {
  return sign::crypto::base64Encode(marker);
}

std::string decodeToken(const std::string& token) {
  auto marker = sign::crypto::base64Decode(token);
  if (!marker || marker->empty())
    throw s3::S3Error(400, "InvalidArgument", "The continuation token provided is incorrect");
  return *marker;
}

}  // namespace

void listBuckets(S3Call& call) {
  static const std::int64_t created = core::nowMillis();
  call.sendXml(200, s3::s3xml::listBuckets(call.store.bucket(), created));
}

void headBucket(S3Call& call) {
  call.sendEmpty(200, {{"x-amz-bucket-region", call.config.region}});
}

void bucketLocation(S3Call& call) {
  call.sendXml(200, s3::s3xml::location(call.config.region));
}

void listObjects(S3Call& call) {
  s3::s3xml::ListResult result;
  result.v2 = call.param("list-type") == "2";
  result.bucket = call.store.bucket();
  result.prefix = call.param("prefix").value_or("");
  result.delimiter = call.param("delimiter").value_or("");
  result.maxKeys = maxKeys(call);
  if (auto encoding = call.param("encoding-type")) {
    if (*encoding != "url")
      throw s3::S3Error(400, "InvalidArgument", "Invalid Encoding Method specified in Request");
    result.urlEncode = true;
  }
  std::string after;
  if (result.v2) {
    result.startAfter = call.param("start-after").value_or("");
    result.fetchOwner = call.param("fetch-owner") == "true";
    result.continuationToken = call.param("continuation-token");
    // An empty token is echoed and lists from the start, as in S3.
    after = result.continuationToken.value_or("").empty() ? result.startAfter
                                                          : decodeToken(*result.continuationToken);
    if (result.startAfter > after) after = result.startAfter;
  } else {
    result.marker = call.param("marker").value_or("");
    after = result.marker;
  }

  std::string last;
  int count = 0;
  call.store.list(result.prefix, result.delimiter, after,
                  [&](const blob::LocalBlobStore::Listed& item) {
                    if (count == result.maxKeys) {
                      // max-keys=0 asks for nothing: an empty list, not truncated, as in S3.
                      result.truncated = result.maxKeys > 0;
                      return false;
                    }
                    ++count;
                    last = item.key;
                    if (item.commonPrefix) {
                      result.commonPrefixes.push_back(item.key);
                    } else {
                      result.contents.push_back(
                          {item.key, item.info.lastModifiedMillis, item.info.etag, item.info.size});
                    }
                    return true;
                  });
  if (result.truncated) {
    if (result.v2) result.nextContinuationToken = encodeToken(last);
    // V1 names the next marker only with a delimiter; otherwise clients use the last key.
    else if (!result.delimiter.empty())
      result.nextMarker = last;
  }
  call.sendXml(200, s3::s3xml::listBucket(result));
}

void deleteObjects(S3Call& call) {
  std::string body = call.smallBody(kMaxDeleteBody);
  auto request = s3::s3xml::parseDelete(body);
  if (!request || request->keys.empty() || request->keys.size() > 1000)
    throw s3::S3Error(400, "MalformedXML",
                      "The XML you provided was not well-formed or did not validate against our "
                      "published schema");
  std::vector<s3::s3xml::DeleteOutcome> outcomes;
  for (const std::string& key : request->keys) {
    s3::s3xml::DeleteOutcome outcome{key, "", ""};
    try {
      blob::checkObjectKey(key);
      call.store.remove(key);
    } catch (const s3::S3Error& e) {
      outcome.code = e.code();
      outcome.message = e.what();
    } catch (const core::ApiError& e) {
      outcome.code = "InternalError";
      outcome.message = e.what();
    }
    outcomes.push_back(std::move(outcome));
  }
  call.sendXml(200, s3::s3xml::deleteResult(outcomes, request->quiet));
}

}  // namespace assetd::objects
