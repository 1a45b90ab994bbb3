// The API described where clients look for it: the OpenAPI document and a reference page that
// shows it, both served from the binary without a key. The page loads only same-origin URLs, and
// its Content-Security-Policy keeps the viewer from reaching any other origin.
#include "api/reference.hpp"

#include "api/routes.hpp"

namespace assetd::api {
namespace {

constexpr std::string_view kPage = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>assetd API reference</title>
<style>body { margin: 0; padding: 0; }</style>
</head>
<body>
<redoc spec-url="/v2/openapi.json"></redoc>
<script src="/docs/redoc.standalone.js"></script>
</body>
</html>
)html";

// Redoc renders with inline styles and data: images, and searches in a worker made from a blob.
constexpr std::string_view kPagePolicy =
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self' "
    "'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

http::Response file(std::string_view body, std::string contentType) {
  http::Response response;
  response.body = body;
  response.contentType = std::move(contentType);
  return response;
}

}  // namespace

void registerReferenceRoutes(http::Router& router) {
  router.add("GET", "/v2/openapi.json",
             [](http::Request&) { return file(reference::openApiDocument(), "application/json"); });
  router.add("GET", "/docs", [](http::Request&) {
    http::Response response = file(kPage, "text/html; charset=utf-8");
    response.headers.emplace_back("Content-Security-Policy", kPagePolicy);
    return response;
  });
  router.add("GET", "/docs/redoc.standalone.js", [](http::Request&) {
    return file(reference::viewerScript(), "text/javascript; charset=utf-8");
  });
}

}  // namespace assetd::api
