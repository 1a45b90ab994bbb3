#pragma once
// The asset filter language (`filters` of GET /project/{id}/assets) and the task filter
// (`filter` of GET /project/{id}/tasks), from JSON text into the typed filters of core/.
// Every rejection is a core::ApiError 400 naming the offending path ("filters.createdAt.$gt:
// must be an ISO-8601 time"): a filter is never ignored silently.
#include <string_view>

#include "core/filter.hpp"

namespace assetd::api {

// An empty (or all-blank) text and "{}" give an empty filter.
core::AssetFilter parseAssetFilter(std::string_view json);
core::TaskFilter parseTaskFilter(std::string_view json);

}  // namespace assetd::api
