#pragma once
// Pages of a list without walking the rows before the page (see the SQLite store's paging.hpp:
// the same arithmetic on each project's dense seq), and filtered pages counted in one query.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/postgres/connection.hpp"

namespace assetd::store::postgres {

// The number of rows before a page; saturates for pages past any possible row. 400 when page or
// limit is below 1.
std::int64_t pageOffset(std::int64_t page, std::int64_t limit);

// A table with columns project_id, seq and deleted, and partial indexes on (project_id, seq)
// for live and for deleted rows.
enum class SeqTable { Assets, Tasks };

// The seq where the page starts: exactly `offset` live rows come before it in the list's order
// (newest first unless `ascending`); the page is the next live rows from it, inclusive.
// nullopt when the offset is past the last live row.
std::optional<std::int64_t> pageStartSeq(Connection& conn, SeqTable table,
                                         const std::string& projectId, std::int64_t maxSeq,
                                         std::int64_t offset, bool ascending);

// The matches of a filtered list: their count and the seqs of the page's rows, in list order.
struct FilteredPage {
  std::int64_t total = 0;
  std::vector<std::int64_t> seqs;
};
// `from` is "FROM ... WHERE <conditions>" over rows aliased so that `seqColumn` names their
// seq; `params` are the conditions' parameters.
FilteredPage filteredSeqs(Connection& conn, const std::string& seqColumn, const std::string& from,
                          const Params& params, std::int64_t offset, std::int64_t limit,
                          bool ascending);

}  // namespace assetd::store::postgres
