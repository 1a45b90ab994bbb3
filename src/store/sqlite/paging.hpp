#pragma once
// Pages of an unfiltered list without walking the rows before the page. Rows of a project
// carry a dense seq (1..maxSeq, soft-deleted rows keep theirs), so the row that starts a page
// is found by arithmetic, corrected by counting the few deleted rows on the way.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/sqlite/database.hpp"

namespace assetd::store::sqlite {

// The number of rows before a page; saturates for pages past any possible row. 400 when page or
// limit is below 1.
std::int64_t pageOffset(std::int64_t page, std::int64_t limit);

// A table with columns project_id, seq and deleted, and partial indexes on (project_id, seq)
// for live and for deleted rows.
enum class SeqTable { Assets, Tasks };

// The seq where the page starts: exactly `offset` live rows come before it in the list's order
// (newest first unless `ascending`); the page is the next live rows from it, inclusive.
// nullopt when the offset is past the last live row.
std::optional<std::int64_t> pageStartSeq(Database& db, SeqTable table, const std::string& projectId,
                                         std::int64_t maxSeq, std::int64_t offset, bool ascending);

// A filtered list in one pass: `seqQuery` yields the seq of every match in list order; the
// matches are counted and the seqs of the page's rows kept (the rows are then read by seq).
// Counting and skipping in the same scan keeps a deep page as cheap as the first.
struct FilteredPage {
  std::int64_t total = 0;
  std::vector<std::int64_t> seqs;
};
FilteredPage scanFilteredSeqs(Statement& seqQuery, std::int64_t offset, std::int64_t limit);

}  // namespace assetd::store::sqlite
