#include "ops/rate_limits.hpp"

namespace assetd::ops {

namespace {

metrics::Counter& limitedCounter(const char* limit) {
  return metrics::global().counter("assetd_rate_limited_total",
                                   "Requests refused with 429 by a rate limit", {{"limit", limit}});
}

int counted(int wait, metrics::Counter& counter) {
  if (wait > 0) counter.inc();
  return wait;
}

}  // namespace

RateLimits::RateLimits(const RateLimitConfig& config)
    : perKey_(config.perKeyRate, config.perKeyBurst),
      perAddress_(config.perAddressRate, config.perAddressBurst),
      keyLimited_(limitedCounter("key")),
      addressLimited_(limitedCounter("address")) {}

int RateLimits::admitKey(std::string_view keyId) {
  return counted(perKey_.take(keyId), keyLimited_);
}

int RateLimits::admitAddress(std::string_view address) {
  return counted(perAddress_.wait(address), addressLimited_);
}

int RateLimits::noteAuthFailure(std::string_view address) {
  return counted(perAddress_.take(address), addressLimited_);
}

}  // namespace assetd::ops
