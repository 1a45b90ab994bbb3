#pragma once
// The server's view of one HTTP exchange, free of Beast so that handlers compile fast.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace assetd::http {

struct Request {
  std::string method;    // "GET", "POST", ...
  std::string path;      // the target before '?', still percent-encoded
  std::string rawQuery;  // the target after '?', still percent-encoded
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased
  std::string body;
  std::vector<std::string> pathParams;  // filled by the router, percent-decoded, in order
  std::string remoteAddress;            // the client's IP address, as text
  int route = -1;                       // the router's index of the matched route, -1 for none

  // The first header with this (lowercase) name, or "" if absent.
  std::string_view header(std::string_view lowercaseName) const {
    for (const auto& [name, value] : headers)
      if (name == lowercaseName) return value;
    return {};
  }
};

struct Response {
  int status = 200;
  std::string body;
  std::string contentType = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

// {"status":"fail"|"error","message":...,"error":{"statusCode":N},"requestId":...}: the body of
// every 4xx/5xx; requestId is the id of the request in scope (ops::currentRequest()), if any.
Response errorResponse(int status, std::string_view message);
// The error body of `e`: its message when it may be shown (else "internal error"), and
// Retry-After when it names one.
Response errorResponse(const core::ApiError& e);
// {"status":"success","data":<dataJson>} with the given status.
Response successResponse(int status, std::string_view dataJson);

}  // namespace assetd::http
