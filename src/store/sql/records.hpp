#pragma once
// The store's records as both engines read and write them: the column lists the queries
// select, the decoding of a row into a record, and the record a write produces. Rows are read
// through any type with text(i), integer(i), real(i), boolean(i) and isNull(i) for column i
// (SQLite's Statement, PostgreSQL's Result::Row); NULL text reads as empty.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/filter.hpp"
#include "core/types.hpp"

namespace assetd::store::sql {

// The counters of a live project: its live assets (one label task each) and the seq its next
// asset gets.
struct ProjectState {
  std::int64_t assetCount = 0;
  std::int64_t nextSeq = 1;
};

// The columns readAsset() expects, for `assets AS a`. The copy state comes from the asset's
// copy job (a primary-key lookup), which only uploadLocal assets have, as "<status>\x1f<error>".
inline constexpr const char* kAssetColumns =
    "a.id, a.project_id, a.external_id, a.data, a.dataset, a.overlay, a.metadata,"
    " a.context_data, a.pre_label, a.editor_type, a.storage_id, a.upload_local, a.priority,"
    " a.is_pre_labeled, a.label_task_id, a.created_by, a.created_at, a.updated_at,"
    " (SELECT j.status || '\x1f' || COALESCE(j.error, '') FROM copy_jobs j"
    " WHERE j.asset_id = a.id)";

// The columns readProject() expects, for `projects`.
inline constexpr const char* kProjectColumns =
    "id, organization_id, name, description, type, category_schema, pct_config, asset_count,"
    " created_at, updated_at";

// The columns readStorage() expects, for `storages` (without the sealed credentials).
inline constexpr const char* kStorageColumns =
    "id, organization_id, name, provider, bucket, region, endpoint, created_at";

// "SELECT <task columns> FROM tasks t JOIN assets a ON a.id = t.asset_id WHERE ": what
// readTask() expects; without the answer its column reads as empty.
std::string selectTasksWhere(bool includeAnswer);

// Whether a task query has no condition (its pages are found by seq arithmetic).
bool taskFilterEmpty(const core::TaskFilter& filter);

// Splits the copy-state column of kAssetColumns into the asset's uploadStatus/uploadError.
void setCopyState(core::Asset& asset, const std::string& column);

// Without batches (see the engines' attachBatches) and organization (the caller knows it).
template <class Row>
core::Asset readAsset(const Row& row) {
  core::Asset a;
  a.id = row.text(0);
  a.project = row.text(1);
  a.externalId = row.text(2);
  a.data = row.text(3);
  a.datasetJson = row.text(4);
  a.overlayJson = row.text(5);
  a.metadataJson = row.text(6);
  a.contextDataJson = row.text(7);
  a.preLabelJson = row.text(8);
  a.editorType = row.text(9);
  a.storageId = row.text(10);
  a.uploadLocal = row.boolean(11);
  a.priority = row.real(12);
  a.isPreLabeled = row.boolean(13);
  a.labelTaskId = row.text(14);
  a.createdBy = row.text(15);
  a.createdAt = row.integer(16);
  a.updatedAt = row.integer(17);
  if (!row.isNull(18)) setCopyState(a, row.text(18));
  return a;
}

template <class Row>
core::Task readTask(const Row& row) {
  core::Task t;
  t.id = row.text(0);
  t.project = row.text(1);
  t.asset = row.text(2);
  t.externalId = row.text(3);
  t.stage = row.text(4);
  t.status = row.text(5);
  t.priority = row.real(6);
  t.createdBy = row.text(7);
  t.createdAt = row.integer(8);
  t.updatedAt = row.integer(9);
  t.answerJson = row.text(10);
  return t;
}

// Without batches.
template <class Row>
core::Project readProject(const Row& row) {
  core::Project p;
  p.id = row.text(0);
  p.organization = row.text(1);
  p.name = row.text(2);
  p.description = row.text(3);
  p.type = row.text(4);
  p.categorySchemaJson = row.text(5);
  p.pctConfigJson = row.text(6);
  p.assetCount = row.integer(7);
  p.createdAt = row.integer(8);
  p.updatedAt = row.integer(9);
  return p;
}

// Without the sealed credentials.
template <class Row>
core::Storage readStorage(const Row& row) {
  core::Storage s;
  s.id = row.text(0);
  s.organization = row.text(1);
  s.name = row.text(2);
  s.provider = row.text(3);
  s.bucket = row.text(4);
  s.region = row.text(5);
  s.endpoint = row.text(6);
  s.createdAt = row.integer(7);
  return s;
}

// The one project of an assignBatches request's assets: `projectOf(i)` is the project of
// request.assetIds[i] when that asset is live and of the caller's organization, else nullopt.
// Throws ApiError 400 naming the first offending assetIds[i] (unknown, of another project than
// request.projectId or than assetIds[0]), or "assetIds" when there are none.
std::string commonProject(
    const core::AssignRequest& request,
    const std::function<std::optional<std::string>(std::size_t i)>& projectOf);

// Throws ApiError 400 at `path` unless `ref` may name a new batch: not empty, not id-shaped.
void checkNewBatchName(const std::string& ref, const std::string& path);

// The project createProject writes: a new id, an empty schema as "{}", created at `now`.
core::Project newProject(const std::string& org, const core::NewProject& p, std::int64_t now);
// The storage createStorage writes (its sealed credentials are written, never returned).
core::Storage newStorage(const std::string& org, const core::NewStorage& s, std::int64_t now);
// Applies the fields a patch sets; the caller sets updatedAt.
void applyPatch(core::Project& project, const core::ProjectPatch& patch);
void applyPatch(core::Asset& asset, const core::AssetPatch& patch);

// --- Loading records on a connection, inside the caller's transaction ---
// Declared once here for every engine; each engine defines them for its connection type
// (store/sqlite/records.cpp for sqlite::Database, store/postgres/records.cpp for
// postgres::Connection). There is no generic definition: a call runs the engine's. Errors are
// the engine's (ApiError 500 for a failing database).

// A live asset of `org`, with its batches.
template <class Conn>
std::optional<core::Asset> loadAsset(Conn& conn, const std::string& org,
                                     const std::string& assetId);
// The counters of a live project of `org`.
template <class Conn>
std::optional<ProjectState> findLiveProject(Conn& conn, const std::string& org,
                                            const std::string& projectId);
// A live project of `org` with its batches.
template <class Conn>
std::optional<core::Project> loadProject(Conn& conn, const std::string& org,
                                         const std::string& projectId);
// The project's batches in creation order.
template <class Conn>
std::vector<core::Batch> loadBatches(Conn& conn, const std::string& projectId);
// Fills each record's `batches` with its asset's batch ids (in batch creation order).
template <class Conn>
void attachBatches(Conn& conn, const std::string& projectId, std::vector<core::Asset>& assets);
template <class Conn>
void attachBatches(Conn& conn, const std::string& projectId, std::vector<core::Task>& tasks);
template <class Conn>
std::vector<std::string> assetBatchIds(Conn& conn, const std::string& assetId);
// A ref (batch id, else name: the oldest batch of that name) to a batch of the project.
template <class Conn>
std::optional<std::string> findBatch(Conn& conn, const std::string& projectId,
                                     const std::string& ref);
// Inserts a batch named `name` and returns its id (PostgreSQL, where names are unique per
// project: or the id of the batch a concurrent writer just made).
template <class Conn>
std::string createBatch(Conn& conn, const std::string& projectId, const std::string& name,
                        std::int64_t now);

// findBatch, else a new batch named `ref`. A ref shaped like an id that is no batch of the
// project is refused with 400 at `path` (a batch of another project must look unknown, and
// silently creating a batch named after an id would hide the client's mistake). Writers that
// lock the project (PostgreSQL) call it while holding the lock.
template <class Conn>
std::string findOrCreateBatch(Conn& conn, const std::string& projectId, const std::string& ref,
                              std::int64_t now, const std::string& path) {
  if (auto id = findBatch(conn, projectId, ref)) return *id;
  checkNewBatchName(ref, path);
  return createBatch(conn, projectId, ref, now);
}

}  // namespace assetd::store::sql
