#pragma once
// uploadLocal at the edge: which imported URLs already name the server's own store (those are
// registered without a copy) and whether an import queued copies for the background copier.
#include <string_view>
#include <vector>

#include "api/routes.hpp"
#include "core/types.hpp"

namespace assetd::api {

// True when `url` names an object of the server's own bucket: "<publicUrl>/<bucket>/<key>",
// with or without a query (a presigned URL).
bool isServerStoreUrl(const ObjectStoreAccess& objects, std::string_view url);

// Sets NewAsset::dataInServerStore on every uploadLocal asset whose data is such a URL.
// Returns true when some uploadLocal asset still needs a copy.
bool markDataInServerStore(const ObjectStoreAccess& objects, std::vector<core::NewAsset>& assets);

}  // namespace assetd::api
