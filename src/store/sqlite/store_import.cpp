// importAssets: the hot write path. One transaction for the whole request, every statement
// prepared once and reused for each row, no per-row reads.
#include <optional>

#include "core/error.hpp"
#include "core/ids.hpp"
#include "store/sql/batch_refs.hpp"
#include "store/sql/records.hpp"
#include "store/sqlite/import_sql.hpp"
#include "store/sqlite/sqlite_store.hpp"

// The store's methods are specializations of sql::SqlStore, written with the engine's names.
namespace assetd::store::sql {
using namespace sqlite;
namespace {

// uploadLocal: the copy job, in the import's transaction so that no asset is left without
// one. Nothing to copy (no data, or data already in the server's store) is done at once.
void addCopyJob(Statement& insert, const core::NewAsset& a, const std::string& assetId,
                const std::string& org, const std::string& projectId, std::int64_t now) {
  insert.bindText(1, assetId);
  insert.bindText(2, org);
  insert.bindText(3, projectId);
  insert.bindText(4, a.data);
  insert.bindText(5, a.data.empty() || a.dataInServerStore ? "done" : "pending");
  insert.bindInt(6, now);
  insert.run();
  insert.reset();
}

}  // namespace

template <>
core::ImportResult SqliteStore::importAssets(const std::string& org, const std::string& projectId,
                                             const core::ImportRequest& request) {
  auto writer = engine_.pool.writer();
  Database& db = writer.db();
  Transaction tx(db, Transaction::Kind::Write);
  auto project = findLiveProject(db, org, projectId);
  if (!project) throw core::ApiError::notFound("project " + projectId);
  const std::int64_t now = engine_.writeClock();

  sql::ImportBatches batches(request, [&](const std::string& ref, const std::string& path) {
    return findOrCreateBatch(db, projectId, ref, now, path);
  });

  auto insertAsset = db.prepare(import_sql::kInsertAsset);
  auto insertTask = db.prepare(import_sql::kInsertTask);
  auto insertLink = db.prepare(import_sql::kInsertAssetBatch);
  std::optional<StatementRef> insertCopyJob;  // prepared on the first uploadLocal asset
  core::ImportResult result;
  result.assetIds.reserve(request.assets.size());
  std::int64_t seq = project->nextSeq;
  for (std::size_t i = 0; i < request.assets.size(); ++i, ++seq) {
    const core::NewAsset& a = request.assets[i];
    const auto& batchIds = batches.of(i);
    // Generated under the write lock, so ids, seqs and times rise together (a preassigned id
    // was generated just before the transaction, by the same process).
    const std::string& assetId =
        result.assetIds.emplace_back(a.id.empty() ? core::newObjectId() : a.id);
    const std::string taskId = core::newObjectId();

    insertAsset->bindText(1, assetId);
    insertAsset->bindText(2, projectId);
    insertAsset->bindInt(3, seq);
    insertAsset->bindText(4, a.externalId);
    insertAsset->bindText(5, a.data);
    insertAsset->bindTextOrNull(6, a.datasetJson);
    insertAsset->bindTextOrNull(7, a.overlayJson);
    insertAsset->bindText(8, a.metadataJson.empty() ? std::string_view("{}") : a.metadataJson);
    insertAsset->bindTextOrNull(9, a.contextDataJson);
    insertAsset->bindTextOrNull(10, a.preLabelJson);
    insertAsset->bindText(11, a.editorType);
    insertAsset->bindTextOrNull(12, a.storageId);
    insertAsset->bindBool(13, a.uploadLocal);
    insertAsset->bindDouble(14, a.priority);
    insertAsset->bindBool(15, a.isPreLabeled);
    insertAsset->bindText(16, taskId);
    insertAsset->bindText(17, request.createdBy);
    insertAsset->bindInt(18, now);
    insertAsset->run();
    insertAsset->reset();

    insertTask->bindText(1, taskId);
    insertTask->bindText(2, projectId);
    insertTask->bindText(3, assetId);
    insertTask->bindInt(4, seq);
    insertTask->bindDouble(5, a.priority);
    insertTask->bindTextOrNull(6, a.preLabelJson);
    insertTask->bindText(7, request.createdBy);
    insertTask->bindInt(8, now);
    insertTask->run();
    insertTask->reset();

    if (a.uploadLocal) {
      if (!insertCopyJob) insertCopyJob.emplace(db.prepare(import_sql::kInsertCopyJob));
      addCopyJob(**insertCopyJob, a, assetId, org, projectId, now);
    }

    for (const std::string* batchId : batchIds) {
      insertLink->bindText(1, assetId);
      insertLink->bindText(2, *batchId);
      insertLink->run();
      insertLink->reset();
    }
  }

  auto counters = db.prepare(import_sql::kAddAssetsToProject);
  counters->bindText(1, projectId);
  counters->bindInt(2, static_cast<std::int64_t>(request.assets.size()));
  counters->run();
  tx.commit();
  result.assetsCreated = result.tasksCreated = static_cast<std::int64_t>(request.assets.size());
  return result;
}

}  // namespace assetd::store::sql
