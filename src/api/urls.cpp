// getUploadUrl and getSignedUrl: presigned URLs for the server's own store or for a storage
// integration. No record is written; a request reads its key, its project and its storage.
#include "api/request_context.hpp"
#include "api/routes.hpp"
#include "api/storage_access.hpp"
#include "api/storage_decode.hpp"
#include "api/url_params.hpp"
#include "core/error.hpp"
#include "core/json_text.hpp"
#include "core/time.hpp"
#include "sign/sigv4.hpp"

namespace assetd::api {
namespace {

namespace urls = sign::storage_urls;

constexpr std::size_t kMaxUrlBytes = 8192;

std::int64_t nowSeconds() {
  return core::nowMillis() / 1000;
}

std::int64_t expiresIn(const http::Params& params) {
  return intParam(params, "expiresIn", 3600, 1, sign::sigv4::kMaxExpiresSeconds);
}

std::optional<core::Storage> storageOf(ApiContext& ctx, const core::Principal& who,
                                       const http::Params& params) {
  auto id = params.get("storageId");
  if (!id) return std::nullopt;
  if (id->empty()) throw core::ApiError::badRequest("storageId", "must not be empty");
  auto storage = ctx.store.getStorage(who.organizationId, *id);
  if (!storage) throw core::ApiError::notFound("storage");
  return storage;
}

// The caller, and whether the `project` it names exists: one store read when a project is
// named. Its 404 is left to the handler, after the parameters are validated.
ProjectAccess callerAndProject(ApiContext& ctx, const http::Request& req,
                               const std::optional<std::string>& project) {
  if (project) return authenticateWithProject(req, ctx, *project);
  return ProjectAccess{authenticate(req, ctx), false};
}

http::Response urlData(const char* key, const std::string& url) {
  std::string out = "{\"";
  out += key;
  out += "\":";
  core::appendJsonString(out, url);
  out.push_back('}');
  return ok(std::move(out), 201);
}

http::Response getUploadUrl(ApiContext& ctx, const http::Request& req) {
  auto params = http::Params::parseQuery(req.rawQuery);
  auto project = params.get("project");
  auto [who, projectExists] = callerAndProject(ctx, req, project);
  auto name = params.get("name");
  if (!name) throw core::ApiError::badRequest("name", "required");
  checkFileName(*name);
  if (!project || project->empty()) throw core::ApiError::badRequest("project", "required");
  std::string type = fileType(params.get("type"));
  std::int64_t expires = expiresIn(params);
  auto contentType = params.get("contentType");
  if (contentType) checkContentType(*contentType);
  auto bucket = params.get("bucket");

  if (!projectExists) throw core::ApiError::notFound("project");
  urls::SignRequest sign{{{}, uploadKey(type, who.organizationId, *project, *name)},
                         nowSeconds(),
                         expires,
                         contentType.value_or("")};
  if (auto storage = storageOf(ctx, who, params)) {
    if (bucket) checkBucketName(*bucket, storage->provider, !storage->endpoint.empty(), "bucket");
    sign.object.bucket = bucket.value_or(storage->bucket);
    if (sign.object.bucket.empty())
      throw core::ApiError::badRequest("bucket", "required: the storage names no bucket");
    return urlData("uploadUrl", urls::uploadUrl(storageTarget(ctx.masterKey, *storage), sign));
  }
  if (bucket && *bucket != ctx.objects.bucket)
    throw core::ApiError::badRequest(
        "bucket", "the server's store has only the bucket " + ctx.objects.bucket);
  sign.object.bucket = ctx.objects.bucket;
  return urlData("uploadUrl", urls::uploadUrl(ownStoreTarget(ctx.objects), sign));
}

// Whether every '/'-separated part of `key` is a name: none empty, "." or "..", which clients
// would resolve away before sending (and out of the caller's organization).
bool plainKey(std::string_view key) {
  std::size_t start = 0;
  while (true) {
    std::size_t end = key.find('/', start);
    std::string_view part = key.substr(start, end == std::string_view::npos ? end : end - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (end == std::string_view::npos) return true;
    start = end + 1;
  }
}

// The object of the server's own store that `url` names; its key must lie in the caller's
// organization ("<type>/<organization>/..."), else 404 as for any foreign record.
std::optional<urls::ObjectRef> ownObject(ApiContext& ctx, const core::Principal& who,
                                         const urls::Target& own, const std::string& url) {
  auto ref = urls::parseObjectUrl(own, url);
  if (!ref || ref->bucket != ctx.objects.bucket || !plainKey(ref->key)) return std::nullopt;
  const std::string& key = ref->key;
  std::size_t first = key.find('/');
  if (first == std::string::npos ||
      key.compare(first + 1, who.organizationId.size() + 1, who.organizationId + "/") != 0)
    throw core::ApiError::notFound("object");
  return ref;
}

http::Response getSignedUrl(ApiContext& ctx, const http::Request& req) {
  auto params = http::Params::parseQuery(req.rawQuery);
  auto project = params.get("project");
  auto [who, projectExists] = callerAndProject(ctx, req, project);
  // The seed names it `url`; the SDK sends it as `name`, unencoded, so an earlier signature's
  // parameters after the first arrive as parameters of their own and are ignored.
  std::string field = params.has("url") ? "url" : "name";
  auto url = params.get(field);
  if (!url || url->empty()) throw core::ApiError::badRequest("url", "required");
  if (url->size() > kMaxUrlBytes)
    throw core::ApiError::badRequest(field, "must be at most 8192 bytes");
  if (auto type = params.get("type")) fileType(type);
  std::int64_t expires = expiresIn(params);
  auto bucketHint = params.get("bucket");

  if (project && !projectExists) throw core::ApiError::notFound("project");
  urls::SignRequest sign{{}, nowSeconds(), expires, {}};
  if (auto storage = storageOf(ctx, who, params)) {
    urls::Target target = storageTarget(ctx.masterKey, *storage);
    if (auto ref = urls::parseObjectUrl(target, *url, bucketHint.value_or(storage->bucket))) {
      sign.object = std::move(*ref);
      return urlData("signedUrl", urls::readUrl(target, sign));
    }
  }
  // The server's own store, with or without a storage named: imported copies live there.
  if (!ctx.objects.accessKeyId.empty()) {
    urls::Target own = ownStoreTarget(ctx.objects);
    if (auto ref = ownObject(ctx, who, own, *url)) {
      sign.object = std::move(*ref);
      return urlData("signedUrl", urls::readUrl(own, sign));
    }
  }
  throw core::ApiError::badRequest(field, params.has("storageId")
                                              ? "not a URL of the storage or of this server's store"
                                              : "not a URL of this server's store");
}

}  // namespace

void registerUrlRoutes(http::Router& router, ApiContext& ctx) {
  router.add("GET", "/v2/getUploadUrl",
             [&ctx](http::Request& req) { return getUploadUrl(ctx, req); });
  router.add("GET", "/v2/getSignedUrl",
             [&ctx](http::Request& req) { return getSignedUrl(ctx, req); });
}

}  // namespace assetd::api
