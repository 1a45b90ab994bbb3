#include <gtest/gtest.h>

#include "jobs/backoff.hpp"

namespace assetd::jobs {
namespace {

TEST(Backoff, DoublesPerAttemptWithoutJitter) {
  Backoff b{.baseMillis = 1000, .maxMillis = 300'000};
  EXPECT_EQ(retryDelayMillis(b, 1, 1.0), 1000);
  EXPECT_EQ(retryDelayMillis(b, 2, 1.0), 2000);
  EXPECT_EQ(retryDelayMillis(b, 3, 1.0), 4000);
  EXPECT_EQ(retryDelayMillis(b, 5, 1.0), 16000);
}

TEST(Backoff, JitterScalesIntoTheUpperHalf) {
  Backoff b{.baseMillis = 1000, .maxMillis = 300'000};
  EXPECT_EQ(retryDelayMillis(b, 3, 0.0), 2000);
  EXPECT_EQ(retryDelayMillis(b, 3, 0.5), 3000);
  EXPECT_EQ(retryDelayMillis(b, 3, 1.0), 4000);
  EXPECT_EQ(retryDelayMillis(b, 3, -5.0), 2000);  // out-of-range jitter is clamped
  EXPECT_EQ(retryDelayMillis(b, 3, 7.0), 4000);
}

TEST(Backoff, IsCappedAndNeverOverflows) {
  Backoff b{.baseMillis = 1000, .maxMillis = 60'000};
  EXPECT_EQ(retryDelayMillis(b, 7, 1.0), 60'000);
  EXPECT_EQ(retryDelayMillis(b, 1000, 1.0), 60'000);
  EXPECT_EQ(retryDelayMillis(b, INT64_MAX, 1.0), 60'000);
  EXPECT_EQ(retryDelayMillis(b, INT64_MAX, 0.0), 30'000);
}

TEST(Backoff, GrowsMonotonicallyForAFixedJitter) {
  Backoff b{.baseMillis = 250, .maxMillis = 100'000};
  std::int64_t previous = 0;
  for (std::int64_t attempt = 1; attempt <= 20; ++attempt) {
    std::int64_t delay = retryDelayMillis(b, attempt, 0.3);
    EXPECT_GE(delay, previous) << attempt;
    EXPECT_LE(delay, b.maxMillis);
    previous = delay;
  }
}

TEST(Backoff, ZeroAndNonsenseSettingsGiveNoDelay) {
  EXPECT_EQ(retryDelayMillis({.baseMillis = 0, .maxMillis = 1000}, 10, 1.0), 0);
  EXPECT_EQ(retryDelayMillis({.baseMillis = 1000, .maxMillis = -1}, 3, 1.0), 0);
  EXPECT_EQ(retryDelayMillis({.baseMillis = 500, .maxMillis = 1000}, 0, 1.0), 500);
}

}  // namespace
}  // namespace assetd::jobs
