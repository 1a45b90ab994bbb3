#include "ops/token_bucket.hpp"

#include <gtest/gtest.h>

#include <string>

namespace assetd::ops {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(TokenBucket, AllowsABurstThenRefusesWithTheWaitInWholeSeconds) {
  auto t0 = Clock::now();
  TokenBucket bucket(2, 3, t0);  // 2 a second, bursts of 3
  EXPECT_EQ(bucket.take(t0), 0);
  EXPECT_EQ(bucket.take(t0), 0);
  EXPECT_EQ(bucket.take(t0), 0);
  EXPECT_EQ(bucket.take(t0), 1);  // half a second to the next token, rounded up
  EXPECT_EQ(bucket.take(t0), 1);  // a refusal takes nothing
}

TEST(TokenBucket, RefillsAtItsRateUpToItsBurst) {
  auto t0 = Clock::now();
  TokenBucket bucket(2, 3, t0);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(bucket.take(t0), 0);
  EXPECT_EQ(bucket.take(t0 + milliseconds(499)), 1);
  EXPECT_EQ(bucket.take(t0 + milliseconds(501)), 0);
  EXPECT_FALSE(bucket.full(t0 + seconds(1)));
  EXPECT_TRUE(bucket.full(t0 + seconds(100)));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(bucket.take(t0 + seconds(100)), 0);  // not more than 3
  EXPECT_NE(bucket.take(t0 + seconds(100)), 0);
}

TEST(TokenBucket, SlowRatesWaitLonger) {
  auto t0 = Clock::now();
  TokenBucket bucket(0.1, 1, t0);  // one every ten seconds
  EXPECT_EQ(bucket.take(t0), 0);
  EXPECT_EQ(bucket.take(t0), 10);
  EXPECT_EQ(bucket.wait(t0 + seconds(5)), 5);
  EXPECT_EQ(bucket.wait(t0 + seconds(10)), 0);
}

TEST(KeyedLimiter, KeepsOneBucketPerKey) {
  auto t0 = Clock::now();
  KeyedLimiter limiter(1, 2);
  EXPECT_EQ(limiter.take("a", t0), 0);
  EXPECT_EQ(limiter.take("a", t0), 0);
  EXPECT_GT(limiter.take("a", t0), 0);
  EXPECT_EQ(limiter.take("b", t0), 0);  // another key has its own burst
  EXPECT_GT(limiter.wait("a", t0), 0);
  EXPECT_EQ(limiter.wait("c", t0), 0);  // a key never seen may go
}

TEST(KeyedLimiter, RateZeroIsOff) {
  KeyedLimiter limiter(0, 1);
  EXPECT_FALSE(limiter.enabled());
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(limiter.take("k"), 0);
}

TEST(KeyedLimiter, ForgetsIdleKeysWhenFull) {
  auto t0 = Clock::now();
  KeyedLimiter limiter(1, 1, 16);  // one bucket per shard
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(limiter.take("key" + std::to_string(i), t0), 0);
  // Still limits: the key just used is remembered.
  EXPECT_GT(limiter.take("key999", t0), 0);
}

}  // namespace
}  // namespace assetd::ops
