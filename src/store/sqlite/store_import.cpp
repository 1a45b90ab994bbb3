// importAssets: the hot write path. One transaction for the whole request, every statement
// prepared once and reused for each row, no per-row reads.
#include <algorithm>
#include <optional>
#include <unordered_map>

#include "core/error.hpp"
#include "core/ids.hpp"
#include "store/sqlite/import_sql.hpp"
#include "store/sqlite/records.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace assetd::store::sqlite {
namespace {

void addUnique(std::vector<const std::string*>& ids, const std::string& id) {
  if (std::none_of(ids.begin(), ids.end(), [&](const std::string* x) { return *x == id; }))
    ids.push_back(&id);
}

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

core::ImportResult SqliteStore::importAssets(const std::string& org, const std::string& projectId,
                                             const core::ImportRequest& request) {
  auto writer = pool_.writer();
  Database& db = writer.db();
  Transaction tx(db, Transaction::Kind::Write);
  auto project = findLiveProject(db, org, projectId);
  if (!project) throw core::ApiError::notFound("project " + projectId);
  const std::int64_t now = writeClock();

  // Each distinct ref is looked up (or its batch created) once per request; the error path
  // is only spelled out on a miss.
  std::unordered_map<std::string, std::string> batchIdOfRef;
  auto resolve = [&](const std::string& ref, auto path) -> const std::string& {
    if (auto it = batchIdOfRef.find(ref); it != batchIdOfRef.end()) return it->second;
    return batchIdOfRef.emplace(ref, findOrCreateBatch(db, projectId, ref, now, path()))
        .first->second;
  };
  std::vector<const std::string*> commonBatchIds;
  for (std::size_t j = 0; j < request.commonBatchRefs.size(); ++j)
    addUnique(commonBatchIds, resolve(request.commonBatchRefs[j],
                                      [j] { return "batches[" + std::to_string(j) + "]"; }));

  auto insertAsset = db.prepare(sql::kInsertAsset);
  auto insertTask = db.prepare(sql::kInsertTask);
  auto insertLink = db.prepare(sql::kInsertAssetBatch);
  std::optional<StatementRef> insertCopyJob;  // prepared on the first uploadLocal asset
  core::ImportResult result;
  result.assetIds.reserve(request.assets.size());
  std::vector<const std::string*> batchIds;
  std::int64_t seq = project->nextSeq;
  for (std::size_t i = 0; i < request.assets.size(); ++i, ++seq) {
    const core::NewAsset& a = request.assets[i];
    batchIds = commonBatchIds;
    for (std::size_t j = 0; j < a.batchRefs.size(); ++j)
      addUnique(batchIds, resolve(a.batchRefs[j], [i, j] {
                  return "assets[" + std::to_string(i) + "].batches[" + std::to_string(j) + "]";
                }));
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
      if (!insertCopyJob) insertCopyJob.emplace(db.prepare(sql::kInsertCopyJob));
      addCopyJob(**insertCopyJob, a, assetId, org, projectId, now);
    }

    for (const std::string* batchId : batchIds) {
      insertLink->bindText(1, assetId);
      insertLink->bindText(2, *batchId);
      insertLink->run();
      insertLink->reset();
    }
  }

  auto counters = db.prepare(sql::kAddAssetsToProject);
  counters->bindText(1, projectId);
  counters->bindInt(2, static_cast<std::int64_t>(request.assets.size()));
  counters->run();
  tx.commit();
  result.assetsCreated = result.tasksCreated = static_cast<std::int64_t>(request.assets.size());
  return result;
}

}  // namespace assetd::store::sqlite
