#include "store/postgres/paging.hpp"

namespace assetd::store::postgres {
namespace {

// Deleted rows with lower <= seq < upper, counted on the partial index of deleted rows.
std::int64_t countDeleted(Connection& conn, sql::SeqTable table, const std::string& projectId,
                          std::int64_t lower, std::int64_t upper) {
  static const std::string assets =
      "SELECT COUNT(*) FROM assets WHERE project_id = $1 AND deleted AND seq >= $2 AND seq < $3";
  static const std::string tasks =
      "SELECT COUNT(*) FROM tasks WHERE project_id = $1 AND deleted AND seq >= $2 AND seq < $3";
  return conn
      .execPrepared(table == sql::SeqTable::Assets ? assets : tasks,
                    Params().text(projectId).integer(lower).integer(upper))
      .integer(0, 0);
}

}  // namespace

sql::DeletedCounter deletedRows(Connection& conn, sql::SeqTable table,
                                const std::string& projectId) {
  return [&conn, table, projectId](std::int64_t from, std::int64_t to) {
    return countDeleted(conn, table, projectId, from, to);
  };
}

sql::FilteredPage filteredSeqs(Connection& conn, const std::string& seqColumn,
                               const std::string& from, const Params& params, std::int64_t offset,
                               std::int64_t limit, bool ascending) {
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
  sql::FilteredPage page;
  for (int r = 0; r < rows.rows(); ++r) page.seqs.push_back(rows.integer(r, 0));
  if (rows.rows() > 0) {
    page.total = rows.integer(0, 1);
  } else if (offset > 0) {
    page.total = conn.exec("SELECT COUNT(*) " + from, params).integer(0, 0);
  }
  return page;
}

}  // namespace assetd::store::postgres
