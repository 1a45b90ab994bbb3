// Listing, reading, updating and deleting assets.
#include "store/postgres/filter_sql.hpp"
#include "store/postgres/paging.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/postgres/records.hpp"
#include "store/postgres/text_codec.hpp"

// The store's methods are specializations of sql::SqlStore, written with the engine's names.
namespace assetd::store::sql {
using namespace postgres;
// An unfiltered page: its first row is found by seq arithmetic and the total is the counter,
// so page 1,000 costs what page 1 costs.
template <>
std::vector<core::Asset> unfilteredAssetPage(Connection& conn, const std::string& projectId,
                                             const sql::ProjectState& project, std::int64_t offset,
                                             const core::AssetQuery& query) {
  auto start = sql::unfilteredPageStart(project, offset, query.ascending,
                                        deletedRows(conn, sql::SeqTable::Assets, projectId));
  if (!start) return {};
  static const std::string ascending = std::string("SELECT ") + sql::kAssetColumns +
                                       " FROM assets a WHERE a.project_id = $1 AND NOT a.deleted"
                                       " AND a.seq >= $2 ORDER BY a.seq ASC LIMIT $3";
  static const std::string descending = std::string("SELECT ") + sql::kAssetColumns +
                                        " FROM assets a WHERE a.project_id = $1 AND NOT a.deleted"
                                        " AND a.seq <= $2 ORDER BY a.seq DESC LIMIT $3";
  auto rows = conn.execPrepared(query.ascending ? ascending : descending,
                                Params().text(projectId).integer(*start).integer(query.limit));
  std::vector<core::Asset> assets;
  for (int r = 0; r < rows.rows(); ++r) assets.push_back(sql::readAsset(rows.row(r)));
  return assets;
}

namespace {

// The rows of a project with these seqs, in list order.
std::vector<core::Asset> assetsBySeq(Connection& conn, const std::string& projectId,
                                     const std::vector<std::int64_t>& seqs, bool ascending) {
  if (seqs.empty()) return {};
  ArrayParam list;
  for (auto seq : seqs) list.integer(seq);
  auto rows = conn.exec(std::string("SELECT ") + sql::kAssetColumns +
                            " FROM assets a WHERE a.project_id = $1 AND NOT a.deleted"
                            " AND a.seq = ANY ($2::bigint[]) ORDER BY a.seq" +
                            (ascending ? " ASC" : " DESC"),
                        Params().text(projectId).array(list));
  std::vector<core::Asset> assets;
  for (int r = 0; r < rows.rows(); ++r) assets.push_back(sql::readAsset(rows.row(r)));
  return assets;
}

}  // namespace

template <>
core::Page<core::Asset> filteredAssetPage(Connection& conn, const std::string& projectId,
                                          std::int64_t offset, const core::AssetQuery& query) {
  auto where = sql::projectAssets(dialect(), projectId, query.filter, [&](const std::string& ref) {
    return findBatch(conn, projectId, ref);
  });
  if (where.matchesNothing()) return {};
  auto page = filteredSeqs(conn, "a.seq", "FROM assets a WHERE " + where.sql(), paramsOf(where),
                           offset, query.limit, query.ascending);
  core::Page<core::Asset> result;
  result.total = page.total;
  result.items = assetsBySeq(conn, projectId, page.seqs, query.ascending);
  return result;
}

template <>
core::Page<core::Asset> PostgresStore::listAssets(const std::string& org,
                                                  const std::string& projectId,
                                                  const core::AssetQuery& query) {
  return engine_.run(
      Mode::Read, [&](Connection& conn) { return listProjectAssets(conn, org, projectId, query); });
}

template <>
std::optional<core::Asset> PostgresStore::getAsset(const std::string& org,
                                                   const std::string& assetId) {
  return engine_.run(Mode::Read, [&](Connection& conn) { return loadAsset(conn, org, assetId); });
}

template <>
std::optional<core::Asset> PostgresStore::updateAsset(const std::string& org,
                                                      const std::string& assetId,
                                                      const core::AssetPatch& patch) {
  const std::int64_t now = engine_.writeClock();
  return engine_.run(Mode::Write, [&](Connection& conn) -> std::optional<core::Asset> {
    // The row lock first, so that concurrent patches of one asset apply one after the other.
    auto locked = conn.exec(
        "SELECT 1 FROM assets a JOIN projects p ON p.id = a.project_id"
        " WHERE a.id = $1 AND p.organization_id = $2 AND NOT a.deleted FOR UPDATE OF a",
        Params().text(assetId).text(org));
    if (locked.rows() == 0) return std::nullopt;
    auto asset = loadAsset(conn, org, assetId);
    sql::applyPatch(*asset, patch);
    asset->updatedAt = std::max(now, asset->updatedAt);
    conn.exec(
        "UPDATE assets SET metadata = $2, metadata_doc = $3::jsonb, context_data = $4,"
        " data = $5, overlay = $6, external_id = $7, updated_at = $8 WHERE id = $1",
        Params()
            .text(asset->id)
            .text(asset->metadataJson)
            .text(jsonbSafe(asset->metadataJson))
            .textOrNull(asset->contextDataJson)
            .text(asset->data)
            .textOrNull(asset->overlayJson)
            .text(asset->externalId)
            .integer(asset->updatedAt));
    return asset;
  });
}

template <>
core::DeleteResult PostgresStore::deleteAssets(const std::string& org, const std::string& projectId,
                                               const std::vector<std::string>& assetIds) {
  const std::int64_t now = engine_.writeClock();
  return engine_.run(Mode::Write, [&](Connection& conn) {
    if (!lockLiveProject(conn, org, projectId))
      throw core::ApiError::notFound("project " + projectId);
    ArrayParam ids;
    for (const auto& id : assetIds) ids.text(id);
    // Unknown, foreign, malformed, repeated or already deleted ids are not deleted: failed.
    auto deleted = conn.exec(
        "WITH gone AS (UPDATE assets SET deleted = true, updated_at = $3"
        " WHERE id = ANY ($1::text[]) AND project_id = $2 AND NOT deleted"
        " RETURNING label_task_id),"
        " tasks_gone AS (UPDATE tasks SET deleted = true, updated_at = $3 FROM gone"
        " WHERE tasks.id = gone.label_task_id)"
        " SELECT COUNT(*) FROM gone",
        Params().array(ids).text(projectId).integer(now));
    core::DeleteResult result;
    result.deleted = deleted.integer(0, 0);
    result.failed = static_cast<std::int64_t>(assetIds.size()) - result.deleted;
    conn.exec("UPDATE projects SET asset_count = asset_count - $2 WHERE id = $1",
              Params().text(projectId).integer(result.deleted));
    return result;
  });
}

}  // namespace assetd::store::sql
