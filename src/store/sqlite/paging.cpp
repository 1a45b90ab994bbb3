#include "store/sqlite/paging.hpp"

namespace assetd::store::sqlite {
namespace {

// Deleted rows with lower <= seq < upper, counted on the partial index of deleted rows.
std::int64_t countDeleted(Database& db, sql::SeqTable table, const std::string& projectId,
                          std::int64_t lower, std::int64_t upper) {
  auto q = db.prepare(table == sql::SeqTable::Assets
                          ? "SELECT COUNT(*) FROM assets WHERE project_id = ?1 AND deleted = 1"
                            " AND seq >= ?2 AND seq < ?3"
                          : "SELECT COUNT(*) FROM tasks WHERE project_id = ?1 AND deleted = 1"
                            " AND seq >= ?2 AND seq < ?3");
  q->bindText(1, projectId);
  q->bindInt(2, lower);
  q->bindInt(3, upper);
  q->step();
  return q->integer(0);
}

}  // namespace

sql::FilteredPage scanFilteredSeqs(Statement& seqQuery, std::int64_t offset, std::int64_t limit) {
  sql::FilteredPage page;
  while (seqQuery.step()) {
    if (page.total >= offset && page.total - offset < limit)
      page.seqs.push_back(seqQuery.integer(0));
    ++page.total;
  }
  return page;
}

sql::DeletedCounter deletedRows(Database& db, sql::SeqTable table, const std::string& projectId) {
  return [&db, table, projectId](std::int64_t from, std::int64_t to) {
    return countDeleted(db, table, projectId, from, to);
  };
}

}  // namespace assetd::store::sqlite
