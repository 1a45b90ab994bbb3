// Listing, reading, updating and deleting assets.
#include <algorithm>

#include "core/error.hpp"
#include "store/sql/records.hpp"
#include "store/sqlite/filter_sql.hpp"
#include "store/sqlite/paging.hpp"
#include "store/sqlite/sqlite_store.hpp"

// The store's methods are specializations of sql::SqlStore, written with the engine's names.
namespace assetd::store::sql {
using namespace sqlite;
// An unfiltered page: its first row is found by seq arithmetic and the total is the counter,
// so page 1,000 costs what page 1 costs.
template <>
std::vector<core::Asset> unfilteredAssetPage(Database& db, const std::string& projectId,
                                             const sql::ProjectState& project, std::int64_t offset,
                                             const core::AssetQuery& query) {
  auto start = sql::unfilteredPageStart(project, offset, query.ascending,
                                        deletedRows(db, sql::SeqTable::Assets, projectId));
  if (!start) return {};
  auto q =
      db.prepare(std::string("SELECT ") + sql::kAssetColumns + " FROM assets a" +
                 (query.ascending ? " WHERE a.project_id = ?1 AND a.deleted = 0 AND a.seq >= ?2"
                                    " ORDER BY a.seq ASC LIMIT ?3"
                                  : " WHERE a.project_id = ?1 AND a.deleted = 0 AND a.seq <= ?2"
                                    " ORDER BY a.seq DESC LIMIT ?3"));
  q->bindText(1, projectId);
  q->bindInt(2, *start);
  q->bindInt(3, query.limit);
  std::vector<core::Asset> assets;
  while (q->step()) assets.push_back(sql::readAsset(*q));
  return assets;
}

namespace {

// Without statistics the planner prefers walking the seq index (it yields the order) even when
// the client asks for a few externalIds; name the index that finds them directly.
std::string filteredFrom(const core::AssetFilter& filter) {
  bool byExternalId = std::any_of(filter.strings.begin(), filter.strings.end(), [](const auto& s) {
    return s.first == core::AssetStringField::ExternalId && !s.second.values.empty() &&
           (s.second.op == core::StringOp::Eq || s.second.op == core::StringOp::In);
  });
  return byExternalId ? " FROM assets a INDEXED BY assets_live_external_id WHERE "
                      : " FROM assets a WHERE ";
}

}  // namespace

// A filtered page: one scan counts the matches and picks the page's seqs.
template <>
core::Page<core::Asset> filteredAssetPage(Database& db, const std::string& projectId,
                                          std::int64_t offset, const core::AssetQuery& query) {
  auto where = sql::projectAssets(dialect(), projectId, query.filter, [&](const std::string& ref) {
    return findBatch(db, projectId, ref);
  });
  if (where.matchesNothing()) return {};
  auto seqs = db.prepare("SELECT a.seq" + filteredFrom(query.filter) + where.sql() +
                         (query.ascending ? " ORDER BY a.seq ASC" : " ORDER BY a.seq DESC"));
  bindParams(*seqs, where);
  auto page = scanFilteredSeqs(*seqs, offset, query.limit);

  core::Page<core::Asset> result;
  result.total = page.total;
  auto row = db.prepare(std::string("SELECT ") + sql::kAssetColumns +
                        " FROM assets a WHERE a.project_id = ?1 AND a.seq = ?2 AND a.deleted = 0");
  for (std::int64_t seq : page.seqs) {
    row->bindText(1, projectId);
    row->bindInt(2, seq);
    if (row->step()) result.items.push_back(sql::readAsset(*row));
    row->reset();
  }
  return result;
}

template <>
core::Page<core::Asset> SqliteStore::listAssets(const std::string& org,
                                                const std::string& projectId,
                                                const core::AssetQuery& query) {
  auto reader = engine_.pool.reader();
  Transaction tx(reader.get(), Transaction::Kind::Read);
  return listProjectAssets(reader.get(), org, projectId, query);
}

template <>
std::optional<core::Asset> SqliteStore::getAsset(const std::string& org,
                                                 const std::string& assetId) {
  auto reader = engine_.pool.reader();
  Transaction tx(reader.get(), Transaction::Kind::Read);
  return loadAsset(reader.get(), org, assetId);
}

template <>
std::optional<core::Asset> SqliteStore::updateAsset(const std::string& org,
                                                    const std::string& assetId,
                                                    const core::AssetPatch& patch) {
  auto writer = engine_.pool.writer();
  Database& db = writer.db();
  Transaction tx(db, Transaction::Kind::Write);
  auto asset = loadAsset(db, org, assetId);
  if (!asset) return std::nullopt;
  sql::applyPatch(*asset, patch);
  asset->updatedAt = engine_.writeClock();
  auto q = db.prepare(
      "UPDATE assets SET metadata = ?2, context_data = ?3, data = ?4, overlay = ?5,"
      " external_id = ?6, updated_at = ?7 WHERE id = ?1");
  q->bindText(1, asset->id);
  q->bindText(2, asset->metadataJson);
  q->bindTextOrNull(3, asset->contextDataJson);
  q->bindText(4, asset->data);
  q->bindTextOrNull(5, asset->overlayJson);
  q->bindText(6, asset->externalId);
  q->bindInt(7, asset->updatedAt);
  q->run();
  tx.commit();
  return asset;
}

template <>
core::DeleteResult SqliteStore::deleteAssets(const std::string& org, const std::string& projectId,
                                             const std::vector<std::string>& assetIds) {
  auto writer = engine_.pool.writer();
  Database& db = writer.db();
  Transaction tx(db, Transaction::Kind::Write);
  if (!findLiveProject(db, org, projectId)) throw core::ApiError::notFound("project " + projectId);
  const std::int64_t now = engine_.writeClock();
  core::DeleteResult result;
  auto deleteAsset = db.prepare(
      "UPDATE assets SET deleted = 1, updated_at = ?3"
      " WHERE id = ?1 AND project_id = ?2 AND deleted = 0 RETURNING label_task_id");
  auto deleteTask = db.prepare("UPDATE tasks SET deleted = 1, updated_at = ?2 WHERE id = ?1");
  for (const auto& id : assetIds) {
    deleteAsset->bindText(1, id);
    deleteAsset->bindText(2, projectId);
    deleteAsset->bindInt(3, now);
    if (!deleteAsset->step()) {  // unknown, foreign, malformed or already deleted
      ++result.failed;
      deleteAsset->reset();
      continue;
    }
    std::string taskId = deleteAsset->text(0);
    deleteAsset->run();
    deleteAsset->reset();
    deleteTask->bindText(1, taskId);
    deleteTask->bindInt(2, now);
    deleteTask->run();
    deleteTask->reset();
    ++result.deleted;
  }
  auto counter = db.prepare("UPDATE projects SET asset_count = asset_count - ?2 WHERE id = ?1");
  counter->bindText(1, projectId);
  counter->bindInt(2, result.deleted);
  counter->run();
  tx.commit();
  return result;
}

}  // namespace assetd::store::sql
