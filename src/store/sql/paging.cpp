#include "store/sql/paging.hpp"

#include <limits>

#include "core/error.hpp"

namespace assetd::store::sql {

std::int64_t pageOffset(std::int64_t page, std::int64_t limit) {
  if (page < 1) throw core::ApiError::badRequest("page", "must be at least 1");
  if (limit < 1) throw core::ApiError::badRequest("limit", "must be at least 1");
  if (page - 1 > std::numeric_limits<std::int64_t>::max() / limit)
    return std::numeric_limits<std::int64_t>::max();
  return (page - 1) * limit;
}

std::optional<std::int64_t> pageStartSeq(std::int64_t maxSeq, std::int64_t offset, bool ascending,
                                         const DeletedCounter& countDeleted) {
  if (offset < 0 || offset >= maxSeq) return std::nullopt;
  // Newest first: s must satisfy (maxSeq - s) - deletedAbove(s) == offset. Start with no
  // deleted rows, then move s past every deleted row found in the span just added; each step
  // counts only the new span, and s moves one way, so the loop ends.
  std::int64_t deleted = 0;
  if (!ascending) {
    std::int64_t start = maxSeq - offset;
    std::int64_t countedDownTo = maxSeq + 1;  // deleted rows at or above it are counted
    while (start >= 1) {
      std::int64_t found = countDeleted(start + 1, countedDownTo);
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
    std::int64_t found = countDeleted(countedUpTo, start);
    if (found == 0) return start;
    deleted += found;
    countedUpTo = start;
    start = offset + 1 + deleted;
  }
  return std::nullopt;
}

std::optional<std::int64_t> unfilteredPageStart(const ProjectState& project, std::int64_t offset,
                                                bool ascending,
                                                const DeletedCounter& countDeleted) {
  if (offset >= project.assetCount) return std::nullopt;
  return pageStartSeq(project.nextSeq - 1, offset, ascending, countDeleted);
}

}  // namespace assetd::store::sql
