#include "store/sqlite/paging.hpp"
#include "store/page_start.hpp"

#include <limits>

#include "core/error.hpp"

namespace assetd::store::sqlite {
namespace {

// Deleted rows with lower <= seq < upper, counted on the partial index of deleted rows.
std::int64_t countDeleted(Database& db, SeqTable table, const std::string& projectId,
                          std::int64_t lower, std::int64_t upper) {
  auto q = db.prepare(table == SeqTable::Assets
                          ? "SELECT COUNT(*) FROM assets WHERE project_id = ?1 AND deleted = 1"
                            " AND seq >= ?2 AND seq < ?3"
                          : "SELECT COUNT(*) FROM tasks WHERE project_id = ?1 AND deleted = 1"
                            " AND seq >= ?2 AND seq < ?3");
  q->bindText(1, projectId);
  q->bindInt(2, lower);
  q->bindInt(3, upper);
  q->step();
  return q->columnInt(0);
}

}  // namespace

std::int64_t pageOffset(std::int64_t page, std::int64_t limit) {
  if (page < 1) throw core::ApiError::badRequest("page", "must be at least 1");
  if (limit < 1) throw core::ApiError::badRequest("limit", "must be at least 1");
  if (page - 1 > std::numeric_limits<std::int64_t>::max() / limit)
    return std::numeric_limits<std::int64_t>::max();
  return (page - 1) * limit;
}

FilteredPage scanFilteredSeqs(Statement& seqQuery, std::int64_t offset, std::int64_t limit) {
  FilteredPage page;
  while (seqQuery.step()) {
    if (page.total >= offset && page.total - offset < limit)
      page.seqs.push_back(seqQuery.columnInt(0));
    ++page.total;
  }
  return page;
}

std::optional<std::int64_t> pageStartSeq(Database& db, SeqTable table, const std::string& projectId,
                                         std::int64_t maxSeq, std::int64_t offset, bool ascending) {
  return store::pageStartSeq(maxSeq, offset, ascending, [&](std::int64_t from, std::int64_t to) {
    return countDeleted(db, table, projectId, from, to);
  });
}

}  // namespace assetd::store::sqlite
