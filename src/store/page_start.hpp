#pragma once
// Arithmetic paging shared by the stores: the rows of a project carry dense sequence numbers
// 1..maxSeq and soft-deleted rows keep theirs, so the first live row of a page is found from
// the offset and the count of deleted rows in the span skipped, without reading live rows.
#include <cstdint>
#include <functional>
#include <optional>

namespace assetd::store {

// Deleted rows with seq in [from, to).
using DeletedCounter = std::function<std::int64_t(std::int64_t from, std::int64_t to)>;

// The seq where the page after `offset` live rows starts (newest first, or oldest first when
// `ascending`); nullopt when the offset is past the last live row.
std::optional<std::int64_t> pageStartSeq(std::int64_t maxSeq, std::int64_t offset, bool ascending,
                                         const DeletedCounter& countDeleted);

}  // namespace assetd::store
