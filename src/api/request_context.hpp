#pragma once
// What every handler needs from a request: who is calling, and its query parameters.
#include <cstdint>
#include <string>

#include "core/types.hpp"
#include "http/message.hpp"
#include "http/query.hpp"
#include "store/store.hpp"

namespace assetd::api {

struct ApiContext;

// The organization behind the `apikey` header (bare key, or "apikey <key>"). 401 otherwise.
// With the context's rate limits: 429 (with Retry-After) when the key is over its rate, or when
// the client's address failed authentication too often (then the key is not even looked up).
// Records the key id in the request's log (ops::currentRequest()).
core::Principal authenticate(const http::Request& request, ApiContext& context);

// authenticate, and whether `projectId` is a live project of the caller's organization, in
// one store read (for routes that need the project to exist but not its record).
struct ProjectAccess {
  core::Principal who;
  bool projectExists = false;
};
ProjectAccess authenticateWithProject(const http::Request& request, ApiContext& context,
                                      const std::string& projectId);

// An integer query parameter in [min, max], `fallback` when absent; otherwise 400
// "<name>: must be an integer between <min> and <max>".
std::int64_t intParam(const http::Params& params, const std::string& name, std::int64_t fallback,
                      std::int64_t min, std::int64_t max);

// `sort`: absent, "-createdAt" → descending; "createdAt" → ascending; anything else 400.
bool ascendingSort(const http::Params& params);

// A boolean query flag ("true"/"false", any case), `fallback` when absent, else 400.
bool boolParam(const http::Params& params, const std::string& name, bool fallback);

// 201/200 {"status":"success","data":<json>}.
inline http::Response ok(std::string dataJson, int status = 200) {
  return http::successResponse(status, dataJson);
}

}  // namespace assetd::api
