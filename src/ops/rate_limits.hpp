#pragma once
// The server's request rate limits: one token bucket per API key for authenticated requests,
// and one per client address that only requests failing authentication draw from (bad API
// keys, bad S3 signatures). Thread-safe. Each refusal is counted in
// assetd_rate_limited_total{limit="key"|"address"}.
#include <string_view>

#include "metrics/registry.hpp"
#include "ops/token_bucket.hpp"

namespace assetd::ops {

struct RateLimitConfig {
  double perKeyRate = 1000;  // requests a second per API key; 0: no limit
  double perKeyBurst = 2000;
  double perAddressRate = 20;  // authentication failures a second per client address; 0: none
  double perAddressBurst = 100;
};

class RateLimits {
 public:
  explicit RateLimits(const RateLimitConfig& config);
  // For an authenticated request of `keyId`: 0 to go on, else the seconds to wait (answer 429).
  int admitKey(std::string_view keyId);
  // Before authenticating a request from `address`: 0 to go on, else the seconds until that
  // address may fail authentication again (answer 429 without looking at the credentials).
  int admitAddress(std::string_view address);
  // After a request from `address` failed authentication: 0 to answer as usual (401, 403),
  // else the seconds to wait (answer 429 instead).
  int noteAuthFailure(std::string_view address);

 private:
  KeyedLimiter perKey_;
  KeyedLimiter perAddress_;
  metrics::Counter& keyLimited_;
  metrics::Counter& addressLimited_;
};

}  // namespace assetd::ops
