#pragma once
// The `serve` settings of limits, timeouts, draining, metrics and logs, from flags or ASSETD_*
// environment variables.
#include <string>

#include "ops/rate_limits.hpp"

namespace CLI {
class App;
}

namespace assetd::app {

struct OpsConfig {
  ops::RateLimitConfig rate;
  int maxConnections = 1000;
  int headerTimeoutSeconds = 10;
  int idleTimeoutSeconds = 30;
  int bodyTimeoutSeconds = 30;
  int drainSeconds = 30;
  bool metrics = true;
  std::string metricsToken;  // empty: /metrics answers anyone
  bool requestIds = true;
  std::string logFormat = "text";  // or "json"
};

// Adds --rate-limit, --rate-burst, --auth-fail-rate, --auth-fail-burst, --max-connections,
// --header-timeout, --idle-timeout, --body-timeout, --drain-seconds, --metrics,
// --metrics-token, --request-ids and --log-format to `serve`.
void addOpsOptions(CLI::App& serve, OpsConfig& config);

}  // namespace assetd::app
