#pragma once
// The API reference compiled into the binary. The bytes are generated at build time by
// cmake/embed_files.cmake; GET /v2/openapi.json, GET /docs and GET /docs/redoc.standalone.js
// serve them (api/reference.cpp).
#include <string_view>

namespace assetd::api::reference {

// src/api/openapi.json byte for byte: the OpenAPI 3.0 document of every route of the router.
std::string_view openApiDocument();
// Redoc's standalone bundle (web/docs, the version its package-lock.json pins).
std::string_view viewerScript();

}  // namespace assetd::api::reference
