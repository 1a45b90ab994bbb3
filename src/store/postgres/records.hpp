#pragma once
// Reading and finding the store's records on a connection (inside the caller's transaction).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/types.hpp"
#include "store/postgres/connection.hpp"

namespace assetd::store::postgres {

// The columns readAsset() expects, for `assets AS a`. The copy state comes from the asset's
// copy job, which only uploadLocal assets have.
inline constexpr const char* kAssetColumns =
    "a.id, a.project_id, a.external_id, a.data, a.dataset, a.overlay, a.metadata,"
    " a.context_data, a.pre_label, a.editor_type, a.storage_id, a.upload_local, a.priority,"
    " a.is_pre_labeled, a.label_task_id, a.created_by, a.created_at, a.updated_at,"
    " (SELECT j.status || chr(31) || COALESCE(j.error, '') FROM copy_jobs j"
    " WHERE j.asset_id = a.id)";
// Without batches (see attachBatches) and organization (the caller knows it).
core::Asset readAsset(const Result& rows, int row);

// A live asset of `org`, with its batches.
std::optional<core::Asset> loadAsset(Connection& conn, const std::string& org,
                                     const std::string& assetId);

// The columns readTask() expects, for `tasks AS t JOIN assets AS a ON a.id = t.asset_id`;
// without the answer the column reads as empty.
std::string taskColumns(bool includeAnswer);
core::Task readTask(const Result& rows, int row);

// The columns readProject() expects, for `projects`.
inline constexpr const char* kProjectColumns =
    "id, organization_id, name, description, type, category_schema, pct_config, asset_count,"
    " created_at, updated_at";
// Without batches.
core::Project readProject(const Result& rows, int row);

// The counters of a live project of `org`.
struct ProjectState {
  std::int64_t assetCount = 0;
  std::int64_t nextSeq = 1;
};
std::optional<ProjectState> findLiveProject(Connection& conn, const std::string& org,
                                            const std::string& projectId);
// findLiveProject, also taking the project's row lock until the transaction ends: what every
// writer of the project's assets and batches does first, so that they take turns.
std::optional<ProjectState> lockLiveProject(Connection& conn, const std::string& org,
                                            const std::string& projectId);
// A live project of `org` with its batches.
std::optional<core::Project> loadProject(Connection& conn, const std::string& org,
                                         const std::string& projectId);
std::vector<core::Batch> loadBatches(Connection& conn, const std::string& projectId);

// Fills each record's `batches` with its asset's batch ids (in batch creation order).
void attachBatches(Connection& conn, std::vector<core::Asset>& assets);
void attachBatches(Connection& conn, std::vector<core::Task>& tasks);
std::vector<std::string> assetBatchIds(Connection& conn, const std::string& assetId);

// A ref (batch id, else name) to a batch of the project.
std::optional<std::string> findBatch(Connection& conn, const std::string& projectId,
                                     const std::string& ref);
// findBatch, else a new batch named `ref`. A ref shaped like an id that is no batch of the
// project is refused with 400 at `path`. Call while holding the project's lock.
std::string findOrCreateBatch(Connection& conn, const std::string& projectId,
                              const std::string& ref, std::int64_t now, const std::string& path);
// Inserts a batch named `name`, or finds the one a concurrent writer just made; its id.
std::string createBatch(Connection& conn, const std::string& projectId, const std::string& name,
                        std::int64_t now);

}  // namespace assetd::store::postgres
