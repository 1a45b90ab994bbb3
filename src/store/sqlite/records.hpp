#pragma once
// Reading and finding the store's records on a connection (inside the caller's transaction).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/types.hpp"
#include "store/sqlite/database.hpp"

namespace assetd::store::sqlite {

// The columns readAsset() expects, for `assets AS a`. The copy state comes from the asset's
// copy job (a primary-key lookup), which only uploadLocal assets have.
inline constexpr const char* kAssetColumns =
    "a.id, a.project_id, a.external_id, a.data, a.dataset, a.overlay, a.metadata,"
    " a.context_data, a.pre_label, a.editor_type, a.storage_id, a.upload_local, a.priority,"
    " a.is_pre_labeled, a.label_task_id, a.created_by, a.created_at, a.updated_at,"
    " (SELECT j.status || char(31) || IFNULL(j.error, '') FROM copy_jobs j"
    " WHERE j.asset_id = a.id)";
// Without batches (see attachBatches) and organization (the caller knows it).
core::Asset readAsset(const Statement& row);

// A live asset of `org`, with its batches.
std::optional<core::Asset> loadAsset(Database& db, const std::string& org,
                                     const std::string& assetId);

// The columns readTask() expects, for `tasks AS t JOIN assets AS a ON a.id = t.asset_id`;
// without the answer the last column reads as empty.
std::string taskColumns(bool includeAnswer);
core::Task readTask(const Statement& row);

// The columns readProject() expects, for `projects`.
inline constexpr const char* kProjectColumns =
    "id, organization_id, name, description, type, category_schema, pct_config, asset_count,"
    " created_at, updated_at";
// Without batches.
core::Project readProject(const Statement& row);

// The counters of a live project of `org`.
struct ProjectState {
  std::int64_t assetCount = 0;
  std::int64_t nextSeq = 1;
};
std::optional<ProjectState> findLiveProject(Database& db, const std::string& org,
                                            const std::string& projectId);
// A live project of `org` with its batches.
std::optional<core::Project> loadProject(Database& db, const std::string& org,
                                         const std::string& projectId);
std::vector<core::Batch> loadBatches(Database& db, const std::string& projectId);

// Fills each record's `batches` with its asset's batch ids (in batch creation order).
void attachBatches(Database& db, const std::string& projectId, std::vector<core::Asset>& assets);
void attachBatches(Database& db, const std::string& projectId, std::vector<core::Task>& tasks);
std::vector<std::string> assetBatchIds(Database& db, const std::string& assetId);

// A ref (batch id, else name: the oldest batch of that name) to a batch of the project.
std::optional<std::string> findBatch(Database& db, const std::string& projectId,
                                     const std::string& ref);
// findBatch, else a new batch named `ref`. A ref shaped like an id that is no batch of the
// project is refused with 400 at `path` (a batch of another project must look unknown, and
// silently creating a batch named after an id would hide the client's mistake).
std::string findOrCreateBatch(Database& db, const std::string& projectId, const std::string& ref,
                              std::int64_t now, const std::string& path);
// Inserts a batch and returns its id.
std::string createBatch(Database& db, const std::string& projectId, const std::string& name,
                        std::int64_t now);

}  // namespace assetd::store::sqlite
