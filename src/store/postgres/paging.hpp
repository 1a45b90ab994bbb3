#pragma once
// PostgreSQL's side of the shared paging (store/sql/paging.hpp): the count of deleted rows that
// the seq arithmetic asks for, and filtered pages counted in the query that picks them.
#include <cstdint>
#include <string>

#include "store/postgres/connection.hpp"
#include "store/sql/paging.hpp"

namespace assetd::store::postgres {

// Counts the project's deleted rows of `table` in a span of seqs, on the partial index of
// deleted rows: what sql::unfilteredPageStart asks. Valid while `conn` is.
sql::DeletedCounter deletedRows(Connection& conn, sql::SeqTable table,
                                const std::string& projectId);

// `from` is "FROM ... WHERE <conditions>" over rows aliased so that `seqColumn` names their
// seq; `params` are the conditions' parameters. The count rides along with the page's rows.
sql::FilteredPage filteredSeqs(Connection& conn, const std::string& seqColumn,
                               const std::string& from, const Params& params, std::int64_t offset,
                               std::int64_t limit, bool ascending);

}  // namespace assetd::store::postgres
