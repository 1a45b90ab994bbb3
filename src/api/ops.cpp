// GET /healthz, /readyz and /metrics: what load balancers, orchestrators and Prometheus ask.
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <exception>

#include "api/routes.hpp"
#include "core/error.hpp"
#include "metrics/registry.hpp"

namespace assetd::api {

namespace {

// A token no key hashes to: looking it up makes the store run a query and answer "none".
const std::string kProbeKeyHash(64, '0');
const std::string kProbeObjectKey = ".readyz-probe";

bool bearerMatches(std::string_view header, const std::string& token) {
  constexpr std::string_view kBearer = "Bearer ";
  if (header.size() != kBearer.size() + token.size() || !header.starts_with(kBearer)) return false;
  return CRYPTO_memcmp(header.data() + kBearer.size(), token.data(), token.size()) == 0;
}

// "" when `check` runs without throwing, else what went wrong (for the log).
template <class F>
std::string failureOf(F check) {
  try {
    check();
    return "";
  } catch (const std::exception& e) {
    return e.what();
  }
}

// 503 naming `what` when its check failed; the failure itself goes to the log only.
void notReadyIf(const char* what, const std::string& failure) {
  if (failure.empty()) return;
  spdlog::warn("readyz: {} not answering: {}", what, failure);
  throw core::ApiError(503, std::string(what) + ": not answering");
}

}  // namespace

void registerOpsRoutes(http::Router& router, ApiContext& ctx, OpsRoutes ops) {
  router.add("GET", "/healthz",
             [](http::Request&) { return http::successResponse(200, R"({"status":"ok"})"); });

  router.add("GET", "/readyz", [&ctx, draining = ops.draining](http::Request&) {
    if (draining && draining()) throw core::ApiError(503, "draining: the server is stopping");
    notReadyIf("database", failureOf([&] { ctx.store.findApiKey(kProbeKeyHash); }));
    notReadyIf("object store", failureOf([&] { ctx.blobs.head(kProbeObjectKey); }));
    return http::successResponse(200, R"({"status":"ok","database":"ok","objects":"ok"})");
  });

  if (!ops.metrics) return;
  router.add("GET", "/metrics", [token = ops.metricsToken](http::Request& req) {
    if (!token.empty() && !bearerMatches(req.header("authorization"), token))
      throw core::ApiError(401, "metrics: a bearer token is required");
    http::Response response;
    response.contentType = "text/plain; version=0.0.4; charset=utf-8";
    response.body = metrics::global().render();
    return response;
  });
}

}  // namespace assetd::api
