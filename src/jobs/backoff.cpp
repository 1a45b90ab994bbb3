#include "jobs/backoff.hpp"

#include <algorithm>

namespace assetd::jobs {

std::int64_t retryDelayMillis(const Backoff& backoff, std::int64_t attempt, double jitter) {
  const std::int64_t cap = std::max<std::int64_t>(backoff.maxMillis, 0);
  std::int64_t delay = std::clamp<std::int64_t>(backoff.baseMillis, 0, cap);
  // Doubling stops at the cap, so no shift can overflow.
  for (std::int64_t i = 1; i < attempt && delay > 0 && delay < cap; ++i)
    delay = std::min(cap, delay * 2);
  jitter = std::clamp(jitter, 0.0, 1.0);
  const std::int64_t half = delay / 2;
  return half + static_cast<std::int64_t>(static_cast<double>(delay - half) * jitter);
}

}  // namespace assetd::jobs
