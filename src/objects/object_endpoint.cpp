#include "objects/object_endpoint.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <stdexcept>

#include "core/ids.hpp"
#include "http/multipart.hpp"
#include "objects/object_call.hpp"
#include "s3/preconditions.hpp"
#include "s3/s3_error.hpp"
#include "s3/s3_xml.hpp"

namespace assetd::objects {
namespace {

constexpr std::uint64_t kDrainLimit = 16u << 20;

std::string uppercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

// S3's code for failures that arrive as a plain core::ApiError.
std::pair<int, std::string> codeFor(int status, std::string_view message) {
  switch (status) {
    case 400:
      if (message.find("declared size") != std::string_view::npos) return {400, "IncompleteBody"};
      return {400, "InvalidRequest"};
    case 403:
      return {403, "AccessDenied"};
    case 404:
      return {404, "NoSuchKey"};
    case 405:
      return {405, "MethodNotAllowed"};
    case 409:
      return {409, "OperationAborted"};
    case 413:
      return {400, "EntityTooLarge"};
    case 416:
      return {416, "InvalidRange"};
    case 501:
      return {501, "NotImplemented"};
    case 503:
      return {503, "ServiceUnavailable"};
    case 507:  // no S3 code of its own; S3-compatible stores answer 507 with a code like this
      return {507, "InsufficientStorage"};
    default:
      return {500, "InternalError"};
  }
}

struct Failure {
  int status;
  std::string code;
  std::string message;
  HeaderList headers;     // Retry-After
  std::string condition;  // PreconditionFailed's <Condition>
};

Failure describe(const std::exception& e) {
  if (auto* failed = dynamic_cast<const s3::PreconditionFailed*>(&e))
    return {failed->status(), failed->code(), failed->what(), {}, failed->condition()};
  if (auto* s3 = dynamic_cast<const s3::S3Error*>(&e))
    return {s3->status(), s3->code(), s3->what(), {}, {}};
  if (auto* api = dynamic_cast<const core::ApiError*>(&e)) {
    auto [status, code] = codeFor(api->status(), api->what());
    HeaderList headers;
    if (api->retryAfterSeconds() > 0)
      headers.emplace_back("Retry-After", std::to_string(api->retryAfterSeconds()));
    if (api->messageIsPublic()) return {status, code, api->what(), std::move(headers), {}};
    return {status, code, "We encountered an internal error. Please try again.", {}, {}};
  }
  return {500, "InternalError", "We encountered an internal error. Please try again.", {}, {}};
}

s3::S3Error methodNotAllowed() {
  return s3::S3Error(405, "MethodNotAllowed",
                     "The specified method is not allowed against this resource.");
}

void preflight(S3Call& call) {
  std::string allowHeaders(call.request.header("access-control-request-headers"));
  HeaderList extra = {
      {"Access-Control-Allow-Methods", std::string(kCorsAllowedMethods)},
      {"Access-Control-Allow-Headers", allowHeaders.empty() ? "*" : allowHeaders},
      {"Access-Control-Max-Age", std::to_string(kCorsMaxAgeSeconds)},
      {"Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"}};
  call.sendEmpty(200, std::move(extra));
}

// Splits "/bucket/key..." into the decoded bucket and key.
void parsePath(S3Call& call) {
  std::string_view path = call.request.path;
  if (path.empty() || path.front() != '/')
    throw s3::S3Error(400, "InvalidURI", "Couldn't parse the specified URI.");
  path.remove_prefix(1);
  std::size_t slash = path.find('/');
  call.bucket = sign::percentDecode(path.substr(0, slash));
  if (slash != std::string_view::npos) call.key = sign::percentDecode(path.substr(slash + 1));
}

void dispatchObject(S3Call& call) {
  const std::string& method = call.request.method;
  bool hasCopySource = !call.request.header("x-amz-copy-source").empty();
  if (method == "PUT") {
    if (call.has("uploadId") || call.has("partNumber")) {
      return hasCopySource ? uploadPartCopy(call) : uploadPart(call);
    }
    return hasCopySource ? copyObject(call) : putObject(call);
  }
  if (method == "GET" || method == "HEAD") {
    if (call.has("uploadId")) {
      if (method == "HEAD") throw methodNotAllowed();
      return listParts(call);
    }
    return getObject(call, method == "HEAD");
  }
  if (method == "DELETE")
    return call.has("uploadId") ? abortMultipartUpload(call) : deleteObject(call);
  if (method == "POST") {
    if (call.has("uploads")) return createMultipartUpload(call);
    if (call.has("uploadId")) return completeMultipartUpload(call);
  }
  throw methodNotAllowed();
}

void dispatchBucket(S3Call& call) {
  const std::string& method = call.request.method;
  if (method == "HEAD") return headBucket(call);
  if (method == "GET") {
    if (call.has("location")) return bucketLocation(call);
    if (call.has("uploads")) return listMultipartUploads(call);
    return listObjects(call);
  }
  if (method == "POST" && call.has("delete")) return deleteObjects(call);
  if (method == "PUT")
    throw s3::S3Error(
        409, "BucketAlreadyOwnedByYou",
        "Your previous request to create the named bucket succeeded and you already own "
        "it.");
  if (method == "DELETE")
    throw s3::S3Error(501, "NotImplemented",
                      "DeleteBucket is not implemented: this endpoint serves one fixed bucket.");
  throw methodNotAllowed();
}

void authenticate(S3Call& call) {
  // Signature Version 2 is recognized only to say what to use instead.
  if (call.has("AWSAccessKeyId") || call.request.header("authorization").starts_with("AWS "))
    throw s3::S3Error(400, "InvalidRequest",
                      "The authorization mechanism you have provided is not supported. Please use "
                      "AWS4-HMAC-SHA256.");
  std::int64_t now = call.nowSeconds();
  sign::sigv4::IncomingRequest incoming{call.request.method, call.request.path,
                                        call.request.rawQuery, call.request.headers};
  const sign::sigv4::Credentials& own = call.config.credentials;
  auto* limits = call.config.limits;
  if (limits) slowDownIf(limits->admitAddress(call.request.remoteAddress));
  sign::sigv4::VerifyOptions options;
  options.region = "";  // any region: the signature itself binds the one the client used
  call.auth = sign::sigv4::verify(
      incoming,
      [&](std::string_view accessKeyId) -> std::optional<std::string> {
        if (own.accessKeyId.empty() || accessKeyId != own.accessKeyId) return std::nullopt;
        return own.secretAccessKey;
      },
      now, options);
  if (!call.auth.ok()) {
    if (limits) slowDownIf(limits->noteAuthFailure(call.request.remoteAddress));
    throw s3::S3Error(call.auth.status(), std::string(call.auth.code()), call.auth.message);
  }
}

// POST Object: a form upload to the bucket, which carries its own authentication (the signed
// policy in its fields) instead of a signed request.
bool isFormUpload(const S3Call& call) {
  return call.request.method == "POST" && !call.bucket.empty() && call.key.empty() &&
         !call.has("delete") && !call.has("uploads") &&
         http::multipartBoundary(call.request.header("content-type")).has_value();
}

void serve(S3Call& call) {
  if (call.request.method == "OPTIONS") return preflight(call);
  parsePath(call);
  if (isFormUpload(call)) {
    if (call.bucket != call.store.bucket())
      throw s3::S3Error(404, "NoSuchBucket", "The specified bucket does not exist");
    return postObject(call);
  }
  authenticate(call);
  if (call.bucket.empty()) {
    if (call.request.method != "GET") throw methodNotAllowed();
    return listBuckets(call);
  }
  if (call.bucket != call.store.bucket())
    throw s3::S3Error(404, "NoSuchBucket", "The specified bucket does not exist");
  if (!call.key.empty()) blob::checkObjectKey(call.key);
  // The S3 features the store has not, answered or refused before any handler reads the body.
  if (serveSubresource(call)) return;
  refuseUnsupportedHeaders(call);
  if (call.key.empty()) return dispatchBucket(call);
  dispatchObject(call);
}

}  // namespace

bool isObjectPath(std::string_view path) {
  return path != "/v2" && !path.starts_with("/v2/");
}

S3Call::S3Call(http::StreamExchange& exchange, blob::LocalBlobStore& store,
               const ObjectEndpointConfig& config)
    : exchange(exchange),
      request(exchange.request()),
      store(store),
      config(config),
      requestId(uppercase(core::randomHex(8))),
      query(sign::parseQuery(exchange.request().rawQuery)) {}

std::int64_t S3Call::nowSeconds() const {
  if (config.clock) return config.clock();
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool S3Call::has(std::string_view name) const {
  return std::any_of(query.begin(), query.end(), [&](const auto& p) { return p.first == name; });
}

std::optional<std::string> S3Call::param(std::string_view name) const {
  for (const auto& [key, value] : query)
    if (key == name) return value;
  return std::nullopt;
}

std::string S3Call::resource() const {
  std::string out = "/" + bucket;
  if (!key.empty()) out += "/" + key;
  return out;
}

HeaderList S3Call::headers(HeaderList extra) const {
  HeaderList out = {{"Access-Control-Allow-Origin", std::string(kCorsAllowedOrigin)},
                    {"Access-Control-Expose-Headers", std::string(kExposedHeaders)},
                    {"x-amz-request-id", requestId},
                    {"x-amz-id-2", requestId}};
  for (auto& header : extra) out.push_back(std::move(header));
  return out;
}

void S3Call::sendEmpty(int status, HeaderList extra) {
  exchange.sendHead(status, headers(std::move(extra)), 0);
  exchange.finish();
}

void S3Call::sendXml(int status, const std::string& xml, HeaderList extra) {
  extra.emplace_back("Content-Type", "application/xml");
  exchange.sendHead(status, headers(std::move(extra)), xml.size());
  exchange.sendBody(xml.data(), xml.size());
  exchange.finish();
}

void S3Call::sendError(int status, std::string_view code, std::string_view message,
                       HeaderList extra, std::string_view condition) {
  drainSmallBody();
  std::string xml = s3::s3xml::error(code, message, resource(), requestId, condition);
  extra.emplace_back("Content-Type", "application/xml");
  // A range of the object read (not the source of an UploadPartCopy, which is another key).
  if (status == 416 && (request.method == "GET" || request.method == "HEAD")) {
    if (auto object = key.empty() ? std::nullopt : store.head(key))
      extra.emplace_back("Content-Range", "bytes */" + std::to_string(object->size));
  }
  bool head = request.method == "HEAD";
  exchange.sendHead(status, headers(std::move(extra)), xml.size(), head);
  if (!head) exchange.sendBody(xml.data(), xml.size());
  exchange.finish();
}

std::size_t S3Call::readRaw(char* buffer, std::size_t n) {
  readStarted_ = true;
  try {
    return exchange.readBody(buffer, n);
  } catch (const core::ApiError& e) {
    if (e.status() == 413) throw entityTooLarge();
    bodyBroken_ = true;
    throw;
  } catch (...) {
    bodyBroken_ = true;
    throw;
  }
}

void S3Call::drainSmallBody() {
  if (bodyBroken_) return;
  // A client waiting for "100 Continue" sends nothing until it is told to.
  bool waitsForContinue = request.header("expect") == "100-continue";
  if (waitsForContinue && !readStarted_) return;
  auto length = exchange.contentLength();
  if (length && *length > kDrainLimit) return;
  char buffer[16 * 1024];
  std::uint64_t drained = 0;
  try {
    while (drained < kDrainLimit) {
      std::size_t n = exchange.readBody(buffer, sizeof buffer);
      if (n == 0) break;
      drained += n;
    }
  } catch (const std::exception&) {
    bodyBroken_ = true;
  }
}

s3::ReadFn S3Call::rawBody() {
  return [this](char* buffer, std::size_t n) { return readRaw(buffer, n); };
}

s3::PayloadReader S3Call::payload(bool checksumHeadersOfBody) {
  return s3::PayloadReader(rawBody(), exchange.contentLength(), request, auth,
                           checksumHeadersOfBody);
}

std::string S3Call::smallBody(std::size_t limit, bool checksumHeadersOfBody) {
  s3::PayloadReader reader = payload(checksumHeadersOfBody);
  std::string body;
  char buffer[16 * 1024];
  while (std::size_t n = reader.read(buffer, sizeof buffer)) {
    body.append(buffer, n);
    if (body.size() > limit)
      throw s3::S3Error(400, "EntityTooLarge", "Your request body is larger than allowed");
  }
  return body;
}

http::StreamRoute objectEndpoint(blob::LocalBlobStore& store, ObjectEndpointConfig config) {
  auto shared = std::make_shared<ObjectEndpointConfig>(std::move(config));
  http::StreamRoute route;
  route.claims = [](const http::Request& request) { return isObjectPath(request.path); };
  route.handle = [&store, shared](http::StreamExchange& exchange) {
    S3Call call(exchange, store, *shared);
    try {
      serve(call);
    } catch (const std::exception& e) {
      if (call.bodyBroken()) return;   // the client is gone: nothing stored, nobody to answer
      if (exchange.headSent()) throw;  // mid-response: the server drops the connection
      auto [status, code, message, headers, condition] = describe(e);
      try {
        call.sendError(status, code, message, std::move(headers), condition);
      } catch (const std::exception&) {
        return;  // the connection failed while answering; the server closes it
      }
      if (status >= 500) throw;  // answered already; the server logs it
    }
  };
  return route;
}

void slowDownIf(int seconds) {
  if (seconds > 0)
    throw s3::S3Error(503, "SlowDown",
                      "Too many failed authentications from this address; retry in " +
                          std::to_string(seconds) + " s.");
}

s3::S3Error noSuchKey() {
  return s3::S3Error(404, "NoSuchKey", "The specified key does not exist.");
}

s3::S3Error entityTooLarge() {
  return s3::S3Error(400, "EntityTooLarge",
                     "Your proposed upload exceeds the maximum allowed size");
}

int partNumberOf(const S3Call& call) {
  std::string text = call.param("partNumber").value_or("");
  int number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    throw s3::S3Error(400, "InvalidArgument", "Part number must be an integer between 1 and 10000");
  return number;
}

s3::ReadFn sizeCappedBody(s3::PayloadReader& body, std::uint64_t maxBytes) {
  std::optional<std::uint64_t> size = body.declaredSize();
  if (size && *size > maxBytes) throw entityTooLarge();
  return [&body, maxBytes, received = std::uint64_t{0}](char* buffer, std::size_t n) mutable {
    std::size_t got = body.read(buffer, n);
    received += got;
    if (received > maxBytes) throw entityTooLarge();
    return got;
  };
}

}  // namespace assetd::objects
