// Assets of a project: list with filters, bulk soft delete, update one.
#include "api/decode.hpp"
#include "api/filter_parser.hpp"
#include "api/render.hpp"
#include "api/request_context.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"

namespace assetd::api {
namespace {

// The `batches` query parameter: a JSON array of batch ids or names (the asset is in all of
// them), or a single id or name. An empty array adds no condition.
std::optional<core::BatchCondition> batchesParam(const std::string& raw) {
  if (raw.empty() || raw.front() != '[') return core::BatchCondition{core::BatchOp::AllOf, {raw}};
  core::AssetFilter parsed;
  try {
    parsed = parseAssetFilter(R"({"batches":)" + raw + "}");
  } catch (const core::ApiError&) {
    throw core::ApiError::badRequest("batches", "must be a JSON array of batch ids or names");
  }
  if (parsed.batches.empty()) return std::nullopt;
  return parsed.batches.front();
}

core::AssetQuery assetQuery(const http::Params& params) {
  core::AssetQuery query;
  query.page = intParam(params, "page", 1, 1, 1'000'000'000);
  query.limit = intParam(params, "limit", 10, 1, 100);
  query.ascending = ascendingSort(params);
  if (auto filters = params.get("filters")) query.filter = parseAssetFilter(*filters);
  if (auto externalId = params.get("externalId"))
    query.filter.strings.emplace_back(core::AssetStringField::ExternalId,
                                      core::StringCondition{core::StringOp::Eq, {*externalId}});
  if (auto batches = params.get("batches"))
    if (auto condition = batchesParam(*batches)) query.filter.batches.push_back(*condition);
  return query;
}

}  // namespace

void registerAssetRoutes(http::Router& router, ApiContext& ctx) {
  router.add("GET", "/v2/project/{}/assets", [&ctx](http::Request& req) {
    auto who = authenticate(req, ctx);
    auto query = assetQuery(http::Params::parseQuery(req.rawQuery));
    auto result = ctx.store.listAssets(who.organizationId, req.pathParams[0], query);
    std::string out;
    out.reserve(256 + result.items.size() * 512);
    out += R"({"assets":[)";
    for (std::size_t i = 0; i < result.items.size(); ++i) {
      if (i) out.push_back(',');
      renderAsset(out, result.items[i]);
    }
    out += R"(],"total":)" + std::to_string(result.total) + "}";
    return ok(std::move(out));
  });

  router.add("DELETE", "/v2/project/{}/assets", [&ctx](http::Request& req) {
    auto who = authenticate(req, ctx);
    auto decoded = decodeDeleteAssets(req.body);
    auto result = ctx.store.deleteAssets(who.organizationId, req.pathParams[0], decoded.ids);
    return ok(R"({"deleted":)" + std::to_string(result.deleted) + R"(,"failed":)" +
              std::to_string(result.failed + decoded.malformed) + "}");
  });

  router.add("POST", "/v2/assets/{}", [&ctx](http::Request& req) {
    auto who = authenticate(req, ctx);
    auto patch = decodeAssetPatch(req.body);
    auto asset = ctx.store.updateAsset(who.organizationId, req.pathParams[0], patch);
    if (!asset) throw core::ApiError::notFound("asset");
    std::string out = R"({"asset":)";
    renderAsset(out, *asset);
    out.push_back('}');
    return ok(std::move(out));
  });
}

}  // namespace assetd::api
