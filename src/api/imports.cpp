// Bringing assets in: cloud import (URLs the client already has) and chat conversations.
#include "api/decode.hpp"
#include "api/prelabel.hpp"
#include "api/request_context.hpp"
#include "api/routes.hpp"
#include "api/upload_local.hpp"
#include "blob/put_many.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "http/multipart.hpp"
#include "metrics/registry.hpp"

namespace assetd::api {
namespace {

// Conversation files written at once by one chat import: each is a round trip when the
// server's objects are on an S3 service, and an fsync in its own store.
constexpr std::size_t kConcurrentFileWrites = 8;

std::string importData(const core::ImportResult& result, std::int64_t preLabels,
                       std::int64_t validPreLabels) {
  return R"({"assets":{"assetsCreated":)" + std::to_string(result.assetsCreated) +
         R"(,"tasksCreated":)" + std::to_string(result.tasksCreated) + R"(,"preLabelsCount":)" +
         std::to_string(preLabels) + R"(,"validPreLabelsCount":)" + std::to_string(validPreLabels) +
         "}}";
}

// Whether `storageId` names a live storage integration of the caller's organization.
std::function<bool(const std::string&)> storageOfOrganization(ApiContext& ctx,
                                                              const std::string& org) {
  return [&ctx, org](const std::string& storageId) {
    return ctx.store.getStorage(org, storageId).has_value();
  };
}

// The chat form: multipart/form-data (with an optional `file` part) or urlencoded.
std::pair<http::Params, std::optional<std::string>> chatFields(const http::Request& req) {
  std::string_view contentType = req.header("content-type");
  if (auto boundary = http::multipartBoundary(contentType)) {
    http::Params fields;
    std::optional<std::string> file;
    for (auto& part : http::parseMultipart(req.body, *boundary)) {
      if (part.name == "file")
        file = std::move(part.body);
      else
        fields.add(std::move(part.name), std::move(part.body));
    }
    return {std::move(fields), std::move(file)};
  }
  if (contentType.starts_with("multipart/form-data"))
    throw core::ApiError::badRequest("content-type", "multipart/form-data needs a boundary");
  if (contentType.starts_with("application/x-www-form-urlencoded") || contentType.empty())
    return {http::Params::parseForm(req.body), std::nullopt};
  throw core::ApiError(415,
                       "content-type: must be multipart/form-data or "
                       "application/x-www-form-urlencoded");
}

core::ImportResult importChat(ApiContext& ctx, const core::Principal& who,
                              const core::Project& project, const ChatImport& chat) {
  // The conversation files are kept in the server's store; a named storage must still exist.
  if (!chat.storageId.empty() && !storageOfOrganization(ctx, who.organizationId)(chat.storageId))
    throw core::ApiError::badRequest("storageId", "no such storage");
  std::size_t count = chat.conversationsJson.empty()
                          ? static_cast<std::size_t>(chat.emptyConversations)
                          : chat.conversationsJson.size();
  core::ImportRequest request;
  request.createdBy = who.keyName;
  request.commonBatchRefs = chat.batchRefs;
  request.assets.reserve(count);
  std::vector<blob::PutItem> files;
  files.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    core::NewAsset asset;
    asset.id = core::newObjectId();  // the conversation file is named after its asset
    std::string key = "assets/" + who.organizationId + "/" + project.id + "/" + asset.id + ".json";
    asset.data = ctx.blobs.urlFor(key);
    files.push_back({std::move(key), chat.conversationsJson.empty()
                                         ? std::string_view("[]")
                                         : std::string_view(chat.conversationsJson[i])});
    asset.editorType = "llm";
    asset.priority = chat.priority;
    asset.externalId =
        chat.namePrefix +
        (chat.sequentialNames ? std::to_string(project.assetCount + 1 + i) : asset.id);
    if (!chat.llmConfigJson.empty())
      asset.contextDataJson = R"({"llmConfig":)" + chat.llmConfigJson + "}";
    request.assets.push_back(std::move(asset));
  }
  blob::putAll(ctx.blobs, files, kConcurrentFileWrites);  // all or none
  try {
    return ctx.store.importAssets(who.organizationId, project.id, request);
  } catch (...) {
    // The records were not written: take back the conversation files too.
    std::vector<std::string> keys;
    keys.reserve(files.size());
    for (auto& file : files) keys.push_back(std::move(file.key));
    blob::removeAll(ctx.blobs, keys, kConcurrentFileWrites);
    throw;
  }
}

// Counts the assets an import created, by kind ("cloud" or "chat").
void countImported(const core::ImportResult& result, const char* kind) {
  metrics::global()
      .counter("assetd_assets_imported_total", "Assets created by imports, by import route",
               {{"kind", kind}})
      .inc(static_cast<std::uint64_t>(result.assetsCreated));
}

}  // namespace

void registerImportRoutes(http::Router& router, ApiContext& ctx) {
  router.add("POST", "/v2/project/{}/cloud", [&ctx](http::Request& req) {
    auto who = authenticate(req, ctx);
    auto project = ctx.store.getProject(who.organizationId, req.pathParams[0]);
    if (!project) throw core::ApiError::notFound("project");
    PreLabelValidator validator(project->categorySchemaJson);
    auto params = http::Params::parseQuery(req.rawQuery);
    auto decoded = decodeCloudImport(req.body, params.get("batches"), validator,
                                     storageOfOrganization(ctx, who.organizationId));
    decoded.request.createdBy = who.keyName;
    bool copies = markDataInServerStore(ctx.objects, decoded.request.assets);
    auto result = ctx.store.importAssets(who.organizationId, project->id, decoded.request);
    countImported(result, "cloud");
    if (copies && ctx.copiesQueued) ctx.copiesQueued();
    return ok(importData(result, decoded.preLabelsCount, decoded.validPreLabelsCount), 201);
  });

  router.add("POST", "/v2/project/{}/chat", [&ctx](http::Request& req) {
    auto who = authenticate(req, ctx);
    auto project = ctx.store.getProject(who.organizationId, req.pathParams[0]);
    if (!project) throw core::ApiError::notFound("project");
    auto [fields, file] = chatFields(req);
    auto chat = decodeChatImport(fields, file);
    auto result = importChat(ctx, who, *project, chat);
    countImported(result, "chat");
    return ok(importData(result, 0, 0), 201);
  });
}

}  // namespace assetd::api
