// Storage integrations: list, create, delete. Their credentials are sealed before they reach
// the store and are never rendered, not even in part.
#include "api/request_context.hpp"
#include "api/routes.hpp"
#include "api/storage_access.hpp"
#include "api/storage_decode.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/json_text.hpp"
#include "core/time.hpp"

namespace assetd::api {
namespace {

void stringOrNull(std::string& out, const char* key, const std::string& value) {
  out += ",\"";
  out += key;
  out += "\":";
  if (value.empty())
    out += "null";
  else
    core::appendJsonString(out, value);
}

void renderStorage(std::string& out, const core::Storage& s) {
  out += R"({"_id":)";
  core::appendJsonString(out, s.id);
  out += R"(,"name":)";
  core::appendJsonString(out, s.name);
  out += R"(,"provider":)";
  core::appendJsonString(out, s.provider);
  stringOrNull(out, "bucket", s.bucket);
  stringOrNull(out, "region", s.region);
  if (!s.endpoint.empty()) {
    out += R"(,"endpoint":)";
    core::appendJsonString(out, s.endpoint);
  }
  out += R"(,"createdAt":)";
  core::appendJsonString(out, core::isoMillis(s.createdAt));
  out.push_back('}');
}

}  // namespace

void registerStorageRoutes(http::Router& router, ApiContext& ctx) {
  router.add("GET", "/v2/storages", [&ctx](http::Request& req) {
    auto who = authenticate(req, ctx);
    auto params = http::Params::parseQuery(req.rawQuery);
    auto id = params.get("_id");
    // The SDK looks one storage up with ?_id= and expects an empty list when it is unknown.
    std::vector<core::Storage> storages;
    if (!id || core::isObjectId(*id)) storages = ctx.store.listStorages(who.organizationId, id);
    std::string out = R"({"storages":[)";
    for (std::size_t i = 0; i < storages.size(); ++i) {
      if (i) out.push_back(',');
      renderStorage(out, storages[i]);
    }
    out += "]}";
    return ok(std::move(out));
  });

  router.add("POST", "/v2/storages", [&ctx](http::Request& req) {
    auto who = authenticate(req, ctx);
    auto decoded = decodeStorage(req.body);
    decoded.storage.id = core::newObjectId();
    decoded.storage.sealedCredentials =
        sealCredentials(ctx.masterKey, decoded.storage.id, decoded.credentials);
    auto storage = ctx.store.createStorage(who.organizationId, decoded.storage);
    std::string out = R"({"storage":)";
    renderStorage(out, storage);
    out.push_back('}');
    return ok(std::move(out));
  });

  router.add("DELETE", "/v2/storages/{}", [&ctx](http::Request& req) {
    auto who = authenticate(req, ctx);
    if (!ctx.store.deleteStorage(who.organizationId, req.pathParams[0]))
      throw core::ApiError::notFound("storage");
    return ok(R"({"deleted":true})");
  });
}

}  // namespace assetd::api
