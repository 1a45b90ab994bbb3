// assignBatches: add or replace the batches of assets of one project.
#include <algorithm>

#include "core/error.hpp"
#include "store/sql/records.hpp"
#include "store/sqlite/sqlite_store.hpp"

// The store's methods are specializations of sql::SqlStore, written with the engine's names.
namespace assetd::store::sql {
using namespace sqlite;
namespace {

// The one project of the request's assets (see sql::commonProject).
std::string commonProject(Database& db, const std::string& org,
                          const core::AssignRequest& request) {
  auto q = db.prepare(
      "SELECT a.project_id FROM assets a JOIN projects p ON p.id = a.project_id"
      " WHERE a.id = ?1 AND p.organization_id = ?2 AND a.deleted = 0 AND p.deleted = 0");
  return sql::commonProject(request, [&](std::size_t i) -> std::optional<std::string> {
    q->reset();
    q->bindText(1, request.assetIds[i]);
    q->bindText(2, org);
    if (!q->step()) return std::nullopt;
    return q->text(0);
  });
}

std::vector<std::string> currentBatchIds(Database& db, const std::string& assetId) {
  auto q = db.prepare("SELECT batch_id FROM asset_batches WHERE asset_id = ?1");
  q->bindText(1, assetId);
  std::vector<std::string> ids;
  while (q->step()) ids.push_back(q->text(0));
  return ids;
}

void link(Database& db, const std::string& assetId, const std::string& batchId) {
  auto q = db.prepare("INSERT OR IGNORE INTO asset_batches (asset_id, batch_id) VALUES (?1, ?2)");
  q->bindText(1, assetId);
  q->bindText(2, batchId);
  q->run();
}

// Whether the asset's batch set changed.
bool assign(Database& db, const std::string& assetId, const std::vector<std::string>& batchIds,
            bool replace) {
  if (!replace) {
    bool changed = false;
    for (const auto& batchId : batchIds) {
      link(db, assetId, batchId);
      changed = changed || db.changes() > 0;
    }
    return changed;
  }
  auto current = currentBatchIds(db, assetId);
  auto wanted = batchIds;
  std::sort(current.begin(), current.end());
  std::sort(wanted.begin(), wanted.end());
  if (current == wanted) return false;
  auto clear = db.prepare("DELETE FROM asset_batches WHERE asset_id = ?1");
  clear->bindText(1, assetId);
  clear->run();
  for (const auto& batchId : batchIds) link(db, assetId, batchId);
  return true;
}

}  // namespace

template <>
core::AssignResult SqliteStore::assignBatches(const std::string& org,
                                              const core::AssignRequest& request) {
  auto writer = engine_.pool.writer();
  Database& db = writer.db();
  Transaction tx(db, Transaction::Kind::Write);
  const std::string projectId = commonProject(db, org, request);
  const std::int64_t now = engine_.writeClock();

  core::AssignResult result;
  for (std::size_t j = 0; j < request.batchRefs.size(); ++j) {
    std::string id = findOrCreateBatch(db, projectId, request.batchRefs[j], now,
                                       "batches[" + std::to_string(j) + "]");
    if (std::find(result.batchIds.begin(), result.batchIds.end(), id) == result.batchIds.end())
      result.batchIds.push_back(std::move(id));
  }
  auto touch = db.prepare("UPDATE assets SET updated_at = ?2 WHERE id = ?1");
  for (const auto& assetId : request.assetIds) {
    if (!assign(db, assetId, result.batchIds, request.replace)) continue;
    ++result.modifiedCount;
    touch->bindText(1, assetId);
    touch->bindInt(2, now);
    touch->run();
    touch->reset();
  }
  tx.commit();
  return result;
}

}  // namespace assetd::store::sql
