#pragma once
// Token buckets: a rate limit that allows bursts. One bucket is not thread-safe; KeyedLimiter
// keeps one per key (API key id, client address) behind sharded locks, so requests of
// different keys rarely wait on each other.
#include <array>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace assetd::ops {

using Clock = std::chrono::steady_clock;

class TokenBucket {
 public:
  // Full at `now`: `burst` tokens, refilled at `ratePerSecond` up to `burst`.
  TokenBucket(double ratePerSecond, double burst, Clock::time_point now);
  // Takes one token: 0 when one was there, else the whole seconds (≥ 1) until one will be,
  // taking nothing.
  int take(Clock::time_point now);
  // Like take() without taking: 0 when a token is there.
  int wait(Clock::time_point now);
  // Whether the bucket is full at `now` (an idle key that can be forgotten).
  bool full(Clock::time_point now) const;

 private:
  void refill(Clock::time_point now);
  int secondsUntilOne() const;
  double rate_;
  double burst_;
  double tokens_;
  Clock::time_point last_;
};

class KeyedLimiter {
 public:
  // `ratePerSecond` 0 turns the limiter off (every take answers 0). Keeps at most about
  // `maxKeys` buckets: beyond, full (idle) buckets are forgotten, then any.
  KeyedLimiter(double ratePerSecond, double burst, std::size_t maxKeys = 1u << 16);
  bool enabled() const { return rate_ > 0; }
  // TokenBucket::take on the bucket of `key`. Thread-safe.
  int take(std::string_view key, Clock::time_point now = Clock::now());
  // TokenBucket::wait on the bucket of `key` (0 for a key never seen). Thread-safe.
  int wait(std::string_view key, Clock::time_point now = Clock::now());

 private:
  static constexpr std::size_t kShards = 16;
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, TokenBucket> buckets;
  };
  Shard& shardOf(std::string_view key);
  void evict(Shard& shard, Clock::time_point now);
  double rate_;
  double burst_;
  std::size_t maxPerShard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace assetd::ops
