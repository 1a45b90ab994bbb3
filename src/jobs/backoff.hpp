#pragma once
// When a failed copy is tried again: exponential back-off with jitter, so that many copies
// failing against one source at once do not all come back at the same moment.
#include <cstdint>

namespace assetd::jobs {

struct Backoff {
  std::int64_t baseMillis = 1000;    // the delay after the first failed attempt (before jitter)
  std::int64_t maxMillis = 300'000;  // no delay grows beyond this
};

// The delay after failed attempt number `attempt` (1 for the first): base * 2^(attempt - 1),
// capped at max, then scaled into [d/2, d] by `jitter` in [0, 1] (0 → d/2, 1 → d).
std::int64_t retryDelayMillis(const Backoff& backoff, std::int64_t attempt, double jitter);

}  // namespace assetd::jobs
