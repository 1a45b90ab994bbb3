#include "api/request_context.hpp"

#include <charconv>

#include "api/decode.hpp"
#include "core/error.hpp"
#include "core/hash.hpp"

namespace assetd::api {

namespace {

// The SHA-256 (hex) of the key in the `apikey` header; 401 when there is no plausible key.
std::string keyHash(const http::Request& request) {
  std::string_view key = request.header("apikey");
  if (key.size() > 7 && (key.substr(0, 7) == "apikey " || key.substr(0, 7) == "APIKEY "))
    key.remove_prefix(7);
  while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
  while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
  if (key.empty() || key.size() > 256) throw core::ApiError::unauthorized();
  return core::sha256Hex(key);
}

core::Principal principalOf(const core::ApiKeyInfo& key) {
  return core::Principal{key.organizationId, key.id, key.name};
}

}  // namespace

core::Principal authenticate(const http::Request& request, store::Store& store) {
  auto found = store.findApiKey(keyHash(request));
  if (!found) throw core::ApiError::unauthorized();
  return principalOf(*found);
}

ProjectAccess authenticateWithProject(const http::Request& request, store::Store& store,
                                      const std::string& projectId) {
  auto found = store.findApiKeyAndProject(keyHash(request), projectId);
  if (!found) throw core::ApiError::unauthorized();
  return ProjectAccess{principalOf(found->key), found->projectExists};
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
