#pragma once
// Paging shared by the SQL stores. The rows of a project carry dense sequence numbers 1..maxSeq
// and soft-deleted rows keep theirs, so the first live row of a page is found from the offset
// and the count of deleted rows in the span skipped, without reading live rows. Pure
// arithmetic: each engine supplies the count of deleted rows and runs the page's query.
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "core/error.hpp"
#include "store/sql/records.hpp"

namespace assetd::store::sql {

// The number of rows before a page; saturates for pages past any possible row. Throws
// ApiError 400 when page or limit is below 1.
std::int64_t pageOffset(std::int64_t page, std::int64_t limit);

// A table with columns project_id, seq and deleted, and partial indexes on (project_id, seq)
// for live and for deleted rows.
enum class SeqTable { Assets, Tasks };

// Deleted rows with seq in [from, to).
using DeletedCounter = std::function<std::int64_t(std::int64_t from, std::int64_t to)>;

// The seq where the page after `offset` live rows starts (newest first, or oldest first when
// `ascending`): the page is the next live rows from it, inclusive. nullopt when the offset is
// past the last live row.
std::optional<std::int64_t> pageStartSeq(std::int64_t maxSeq, std::int64_t offset, bool ascending,
                                         const DeletedCounter& countDeleted);

// The seq where the page of a project's unfiltered list starts (pageStartSeq on the project's
// counters): nullopt when the offset is past the last live row.
std::optional<std::int64_t> unfilteredPageStart(const ProjectState& project, std::int64_t offset,
                                                bool ascending, const DeletedCounter& countDeleted);

// The matches of a filtered list: their count and the seqs of the page's rows, in list order.
struct FilteredPage {
  std::int64_t total = 0;
  std::vector<std::int64_t> seqs;
};

// The two halves of a page of a live project's assets, each engine's own SQL: an unfiltered
// page finds its first row by seq arithmetic (its total is the project's counter, which the
// caller sets); a filtered page counts the matches and picks the page's rows in one scan.
template <class Conn>
std::vector<core::Asset> unfilteredAssetPage(Conn& conn, const std::string& projectId,
                                             const ProjectState& project, std::int64_t offset,
                                             const core::AssetQuery& query);
template <class Conn>
core::Page<core::Asset> filteredAssetPage(Conn& conn, const std::string& projectId,
                                          std::int64_t offset, const core::AssetQuery& query);

// The page of a live project's assets that `query` asks for, with each asset's batches and
// organization. Throws ApiError 404 for a project that is not a live project of `org`.
template <class Conn>
core::Page<core::Asset> listProjectAssets(Conn& conn, const std::string& org,
                                          const std::string& projectId,
                                          const core::AssetQuery& query) {
  const std::int64_t offset = pageOffset(query.page, query.limit);
  auto project = findLiveProject(conn, org, projectId);
  if (!project) throw core::ApiError::notFound("project " + projectId);
  core::Page<core::Asset> result;
  if (query.filter.empty()) {
    result.total = project->assetCount;
    result.items = unfilteredAssetPage(conn, projectId, *project, offset, query);
  } else {
    result = filteredAssetPage(conn, projectId, offset, query);
  }
  attachBatches(conn, projectId, result.items);
  for (auto& a : result.items) a.organization = org;
  return result;
}

}  // namespace assetd::store::sql
