#include "app/ops_config.hpp"

#include <CLI/CLI.hpp>

namespace assetd::app {

namespace {

// "on"/"off" flags read into a bool.
void addSwitch(CLI::App& serve, const std::string& name, bool& value, const std::string& help,
               const std::string& env) {
  serve
      .add_option_function<std::string>(
          name, [&value](const std::string& v) { value = v == "on"; }, help)
      ->envname(env)
      ->check(CLI::IsMember({"on", "off"}))
      ->default_str(value ? "on" : "off");
}

}  // namespace

void addOpsOptions(CLI::App& serve, OpsConfig& config) {
  serve
      .add_option("--rate-limit", config.rate.perKeyRate,
                  "Requests a second each API key may make (429 beyond its burst); 0: no limit")
      ->envname("ASSETD_RATE_LIMIT")
      ->check(CLI::Range(0.0, 1e9))
      ->capture_default_str();
  serve
      .add_option("--rate-burst", config.rate.perKeyBurst,
                  "Requests an API key may make at once before --rate-limit applies")
      ->envname("ASSETD_RATE_BURST")
      ->check(CLI::Range(1.0, 1e9))
      ->capture_default_str();
  serve
      .add_option("--auth-fail-rate", config.rate.perAddressRate,
                  "Failed authentications (bad API key, bad S3 signature) a second per client "
                  "address; beyond its burst the address gets 429; 0: no limit")
      ->envname("ASSETD_AUTH_FAIL_RATE")
      ->check(CLI::Range(0.0, 1e9))
      ->capture_default_str();
  serve
      .add_option("--auth-fail-burst", config.rate.perAddressBurst,
                  "Failed authentications a client address may make at once")
      ->envname("ASSETD_AUTH_FAIL_BURST")
      ->check(CLI::Range(1.0, 1e9))
      ->capture_default_str();
  serve
      .add_option("--max-connections", config.maxConnections,
                  "Connections open at once (one more is answered 503 and closed)")
      ->envname("ASSETD_MAX_CONNECTIONS")
      ->check(CLI::Range(1, 1 << 20))
      ->capture_default_str();
  serve
      .add_option("--header-timeout", config.headerTimeoutSeconds,
                  "Seconds a request's headers may take from its first byte (or from the "
                  "connection, for its first request); then the connection is closed")
      ->envname("ASSETD_HEADER_TIMEOUT")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  serve
      .add_option("--idle-timeout", config.idleTimeoutSeconds,
                  "Seconds a kept-alive connection may wait for its next request")
      ->envname("ASSETD_IDLE_TIMEOUT")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  serve
      .add_option("--body-timeout", config.bodyTimeoutSeconds,
                  "Seconds a request body may take, plus one per 64 KiB of it; then the "
                  "connection is closed")
      ->envname("ASSETD_BODY_TIMEOUT")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  serve
      .add_option("--drain-seconds", config.drainSeconds,
                  "On SIGTERM, seconds in-flight requests get to finish before the server exits")
      ->envname("ASSETD_DRAIN_SECONDS")
      ->check(CLI::Range(0, 3600))
      ->capture_default_str();
  addSwitch(serve, "--metrics", config.metrics,
            "on: GET /metrics and per-route request metrics; off: neither", "ASSETD_METRICS");
  serve
      .add_option("--metrics-token", config.metricsToken,
                  "Bearer token GET /metrics requires (default: none)")
      ->envname("ASSETD_METRICS_TOKEN");
  addSwitch(serve, "--request-ids", config.requestIds,
            "on: X-Request-Id on every answer, requestId in error bodies and log lines",
            "ASSETD_REQUEST_IDS");
  serve
      .add_option("--log-format", config.logFormat,
                  "text, or json: one JSON object a line, and one line per request")
      ->envname("ASSETD_LOG_FORMAT")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
}

}  // namespace assetd::app
