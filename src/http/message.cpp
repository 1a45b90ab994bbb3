#include "http/message.hpp"

#include "core/json_text.hpp"
#include "ops/request_log.hpp"

namespace assetd::http {

Response errorResponse(int status, std::string_view message) {
  Response r;
  r.status = status;
  r.body.reserve(message.size() + 64);
  r.body += status >= 500 ? R"({"status":"error","message":)" : R"({"status":"fail","message":)";
  core::appendJsonString(r.body, message);
  r.body += R"(,"error":{"statusCode":)";
  r.body += std::to_string(status);
  r.body += '}';
  if (auto* log = ops::currentRequest(); log && !log->requestId.empty()) {
    r.body += R"(,"requestId":)";
    core::appendJsonString(r.body, log->requestId);
  }
  r.body += '}';
  return r;
}

Response errorResponse(const core::ApiError& e) {
  bool shown = e.messageIsPublic() || e.status() != 500;
  Response r = errorResponse(e.status(), shown ? e.what() : "internal error");
  if (e.retryAfterSeconds() > 0)
    r.headers.emplace_back("Retry-After", std::to_string(e.retryAfterSeconds()));
  return r;
}

Response successResponse(int status, std::string_view dataJson) {
  Response r;
  r.status = status;
  r.body.reserve(dataJson.size() + 32);
  r.body += R"({"status":"success","data":)";
  r.body += dataJson;
  r.body += '}';
  return r;
}

}  // namespace assetd::http
