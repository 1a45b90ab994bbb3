#include "store/page_start.hpp"

namespace assetd::store {

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

}  // namespace assetd::store
