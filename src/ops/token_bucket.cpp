#include "ops/token_bucket.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace assetd::ops {

TokenBucket::TokenBucket(double ratePerSecond, double burst, Clock::time_point now)
    : rate_(ratePerSecond), burst_(std::max(burst, 1.0)), tokens_(burst_), last_(now) {}

void TokenBucket::refill(Clock::time_point now) {
  if (now <= last_) return;
  double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
  last_ = now;
}

int TokenBucket::secondsUntilOne() const {
  if (rate_ <= 0) return 1;
  return std::max(1, static_cast<int>(std::ceil((1.0 - tokens_) / rate_)));
}

int TokenBucket::take(Clock::time_point now) {
  refill(now);
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return 0;
  }
  return secondsUntilOne();
}

int TokenBucket::wait(Clock::time_point now) {
  refill(now);
  return tokens_ >= 1.0 ? 0 : secondsUntilOne();
}

bool TokenBucket::full(Clock::time_point now) const {
  double elapsed = now > last_ ? std::chrono::duration<double>(now - last_).count() : 0;
  return tokens_ + elapsed * rate_ >= burst_;
}

KeyedLimiter::KeyedLimiter(double ratePerSecond, double burst, std::size_t maxKeys)
    : rate_(ratePerSecond),
      burst_(burst),
      maxPerShard_(std::max<std::size_t>(maxKeys / kShards, 1)) {}

KeyedLimiter::Shard& KeyedLimiter::shardOf(std::string_view key) {
  return shards_[std::hash<std::string_view>{}(key) % kShards];
}

void KeyedLimiter::evict(Shard& shard, Clock::time_point now) {
  std::erase_if(shard.buckets, [now](auto& entry) { return entry.second.full(now); });
  if (shard.buckets.size() >= maxPerShard_) shard.buckets.clear();
}

int KeyedLimiter::take(std::string_view key, Clock::time_point now) {
  if (!enabled()) return 0;
  auto& shard = shardOf(key);
  std::lock_guard lock(shard.mutex);
  auto found = shard.buckets.find(std::string(key));
  if (found == shard.buckets.end()) {
    if (shard.buckets.size() >= maxPerShard_) evict(shard, now);
    found = shard.buckets.emplace(std::string(key), TokenBucket(rate_, burst_, now)).first;
  }
  return found->second.take(now);
}

int KeyedLimiter::wait(std::string_view key, Clock::time_point now) {
  if (!enabled()) return 0;
  auto& shard = shardOf(key);
  std::lock_guard lock(shard.mutex);
  auto found = shard.buckets.find(std::string(key));
  return found == shard.buckets.end() ? 0 : found->second.wait(now);
}

}  // namespace assetd::ops
