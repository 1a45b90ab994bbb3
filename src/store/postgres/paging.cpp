#include "store/postgres/paging.hpp"

#include <limits>

#include "core/error.hpp"

namespace assetd::store::postgres {
namespace {

// Deleted rows with lower <= seq < upper, counted on the partial index of deleted rows.
std::int64_t countDeleted(Connection& conn, SeqTable table, const std::string& projectId,
                          std::int64_t lower, std::int64_t upper) {
  static const std::string assets =
      "SELECT COUNT(*) FROM assets WHERE project_id = $1 AND deleted AND seq >= $2 AND seq < $3";
  static const std::string tasks =
      "SELECT COUNT(*) FROM tasks WHERE project_id = $1 AND deleted AND seq >= $2 AND seq < $3";
  return conn
      .execPrepared(table == SeqTable::Assets ? assets : tasks,
                    Params().text(projectId).integer(lower).integer(upper))
      .integer(0, 0);
}

}  // namespace

std::int64_t pageOffset(std::int64_t page, std::int64_t limit) {
  if (page < 1) throw core::ApiError::badRequest("page", "must be at least 1");
  if (limit < 1) throw core::ApiError::badRequest("limit", "must be at least 1");
  if (page - 1 > std::numeric_limits<std::int64_t>::max() / limit)
    return std::numeric_limits<std::int64_t>::max();
  return (page - 1) * limit;
}

std::optional<std::int64_t> pageStartSeq(Connection& conn, SeqTable table,
                                         const std::string& projectId, std::int64_t maxSeq,
                                         std::int64_t offset, bool ascending) {
  if (offset < 0 || offset >= maxSeq) return std::nullopt;
  // Newest first: s must satisfy (maxSeq - s) - deletedAbove(s) == offset. Start with no
  // deleted rows, then move s past every deleted row found in the span just added; each step
  // counts only the new span, and s moves one way, so the loop ends.
  std::int64_t deleted = 0;
  if (!ascending) {
    std::int64_t start = maxSeq - offset;
    std::int64_t countedDownTo = maxSeq + 1;  // deleted rows at or above it are counted
    while (start >= 1) {
      std::int64_t found = countDeleted(conn, table, projectId, start + 1, countedDownTo);
      if (found == 0) return start;
      deleted += found;
      countedDownTo = start + 1;
      start = maxSeq - offset - deleted;
    }
    return std::nullopt;
  }
  // Oldest first: (s - 1) - deletedBelow(s) == offset.
  std::int64_t start = offset + 1;
  std::int64_t countedUpTo = 1;  // deleted rows in [countedUpTo, start) are not yet counted
  while (start <= maxSeq) {
    std::int64_t found = countDeleted(conn, table, projectId, countedUpTo, start);
    if (found == 0) return start;
    deleted += found;
    countedUpTo = start;
    start = offset + 1 + deleted;
  }
  return std::nullopt;
}

FilteredPage filteredSeqs(Connection& conn, const std::string& seqColumn, const std::string& from,
                          const Params& params, std::int64_t offset, std::int64_t limit,
                          bool ascending) {
  // The count rides along with the page's rows; only a page past the last match needs its own
  // count.
  const std::string order = ascending ? " ASC" : " DESC";
  Params paged = params;
  const int offsetParam = paged.next();
  paged.integer(offset).integer(limit);
  auto rows = conn.exec("SELECT " + seqColumn + ", COUNT(*) OVER () " + from + " ORDER BY " +
                            seqColumn + order + " OFFSET $" + std::to_string(offsetParam) +
                            " LIMIT $" + std::to_string(offsetParam + 1),
                        paged);
  FilteredPage page;
  for (int r = 0; r < rows.rows(); ++r) page.seqs.push_back(rows.integer(r, 0));
  if (rows.rows() > 0) {
    page.total = rows.integer(0, 1);
  } else if (offset > 0) {
    page.total = conn.exec("SELECT COUNT(*) " + from, params).integer(0, 0);
  }
  return page;
}

}  // namespace assetd::store::postgres
