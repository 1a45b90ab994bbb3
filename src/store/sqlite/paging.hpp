#pragma once
// SQLite's side of the shared paging (store/sql/paging.hpp): deleted rows counted for the seq
// arithmetic, and filtered pages counted in the scan that finds them.
#include <cstdint>
#include <string>

#include "store/sql/paging.hpp"
#include "store/sqlite/database.hpp"

namespace assetd::store::sqlite {

// Counts the project's deleted rows of `table` in a span of seqs, on the partial index of
// deleted rows: what sql::unfilteredPageStart asks. Valid while `db` is.
sql::DeletedCounter deletedRows(Database& db, sql::SeqTable table, const std::string& projectId);

// A filtered list in one pass: `seqQuery` yields the seq of every match in list order; the
// matches are counted and the seqs of the page's rows kept (the rows are then read by seq).
// Counting and skipping in the same scan keeps a deep page as cheap as the first.
sql::FilteredPage scanFilteredSeqs(Statement& seqQuery, std::int64_t offset, std::int64_t limit);

}  // namespace assetd::store::sqlite
