#include "api/request_context.hpp"

#include <charconv>

#include "api/decode.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "core/hash.hpp"
#include "ops/rate_limits.hpp"
#include "ops/request_log.hpp"

namespace assetd::api {

namespace {

void refuseIfWaiting(int seconds) {
  if (seconds > 0) throw core::ApiError::tooManyRequests(seconds);
}

// 401, or 429 when the client's address is out of authentication failures.
[[noreturn]] void refuse(const http::Request& request, ApiContext& context) {
  if (context.limits) refuseIfWaiting(context.limits->noteAuthFailure(request.remoteAddress));
  throw core::ApiError::unauthorized();
}

// The SHA-256 (hex) of the key in the `apikey` header; refused when there is no plausible key
// or the client's address may not try one now.
std::string keyHash(const http::Request& request, ApiContext& context) {
  if (context.limits) refuseIfWaiting(context.limits->admitAddress(request.remoteAddress));
  std::string_view key = request.header("apikey");
  if (key.size() > 7 && (key.substr(0, 7) == "apikey " || key.substr(0, 7) == "APIKEY "))
    key.remove_prefix(7);
  while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
  while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
  if (key.empty() || key.size() > 256) refuse(request, context);
  return core::sha256Hex(key);
}

// The caller, once its key is known: noted in the request's log, then held to its rate.
core::Principal admitted(const core::ApiKeyInfo& key, ApiContext& context) {
  if (auto* log = ops::currentRequest()) log->keyId = key.id;
  if (context.limits) refuseIfWaiting(context.limits->admitKey(key.id));
  return core::Principal{key.organizationId, key.id, key.name};
}

}  // namespace

core::Principal authenticate(const http::Request& request, ApiContext& context) {
  auto found = context.store.findApiKey(keyHash(request, context));
  if (!found) refuse(request, context);
  return admitted(*found, context);
}

ProjectAccess authenticateWithProject(const http::Request& request, ApiContext& context,
                                      const std::string& projectId) {
  auto found = context.store.findApiKeyAndProject(keyHash(request, context), projectId);
  if (!found) refuse(request, context);
  return ProjectAccess{admitted(found->key, context), found->projectExists};
}

std::int64_t intParam(const http::Params& params, const std::string& name, std::int64_t fallback,
                      std::int64_t min, std::int64_t max) {
  auto raw = params.get(name);
  if (!raw) return fallback;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), value);
  if (ec != std::errc() || end != raw->data() + raw->size() || value < min || value > max)
    throw core::ApiError::badRequest(
        name, "must be an integer between " + std::to_string(min) + " and " + std::to_string(max));
  return value;
}

bool ascendingSort(const http::Params& params) {
  auto sort = params.get("sort");
  if (!sort || sort->empty() || *sort == "-createdAt") return false;
  if (*sort == "createdAt") return true;
  throw core::ApiError::badRequest("sort", "must be createdAt or -createdAt");
}

bool boolParam(const http::Params& params, const std::string& name, bool fallback) {
  auto raw = params.get(name);
  if (!raw) return fallback;
  auto value = parseBoolFlag(*raw);
  if (!value) throw core::ApiError::badRequest(name, "must be true or false");
  return *value;
}

}  // namespace assetd::api
