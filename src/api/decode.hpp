#pragma once
// The JSON edge of the API: request bodies decoded into typed structs and validated. Every
// failure is a core::ApiError 400 whose message names the field by path
// ("assets[3].priority: must be between -1000 and 1000"); a body that is not JSON is
// "body: malformed JSON ...".
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.hpp"
#include "http/query.hpp"

namespace assetd::api {

class PreLabelValidator;

struct DecodedImport {
  core::ImportRequest request;  // createdBy left empty for the caller
  std::int64_t preLabelsCount = 0;
  std::int64_t validPreLabelsCount = 0;
};

// POST /project/{id}/cloud. `batchesQuery`: the raw `batches` query parameter (a JSON array
// of ids or names) or nullopt. `storageExists` answers whether a storage id belongs to the
// caller's organization.
DecodedImport decodeCloudImport(std::string_view body,
                                const std::optional<std::string>& batchesQuery,
                                const PreLabelValidator& validator,
                                const std::function<bool(const std::string&)>& storageExists);

// POST /assets/{id}: only metadata, contextData, data, overlay, externalId.
core::AssetPatch decodeAssetPatch(std::string_view body);

// DELETE /project/{id}/assets: {"assets":[ids], "project"?}. Entries that are not strings are
// counted in `malformed`, not rejected.
struct DecodedDelete {
  std::vector<std::string> ids;
  std::int64_t malformed = 0;
};
DecodedDelete decodeDeleteAssets(std::string_view body);

// POST /assignBatches: {"assetIds"|"assets":[...], "batches":[...], "mode"?, "projectId"?}.
core::AssignRequest decodeAssignBatches(std::string_view body);

// POST /project and POST /project/{id}.
core::NewProject decodeNewProject(std::string_view body);
core::ProjectPatch decodeProjectPatch(std::string_view body);

// POST /batches/{projectId}: {"batches":[{"_id"?, "name"}]}.
std::vector<core::BatchSpec> decodeBatchSpecs(std::string_view body);

// POST /project/{id}/chat, from its form fields and the optional `file` part.
struct ChatImport {
  std::vector<std::string> conversationsJson;  // one compact JSON text per conversation
  std::int64_t emptyConversations = 0;         // numberOfConversations without conversations
  bool sequentialNames = false;                // namingStrategy.type
  std::string namePrefix;                      // namingStrategy.prefix
  std::vector<std::string> batchRefs;
  std::string llmConfigJson;  // empty when absent
  double priority = 0;
  std::string storageId;
  std::string bucket;
};
ChatImport decodeChatImport(const http::Params& fields, const std::optional<std::string>& file);

// "true"/"false" (any case) and "1"/"0" for query flags; nullopt for anything else.
std::optional<bool> parseBoolFlag(std::string_view s);

}  // namespace assetd::api
