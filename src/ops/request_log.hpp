#pragma once
// What ties a request's log lines, error body and access record together: its request id and
// the API key id it authenticated with. The server makes one RequestLog per request and puts it
// in scope (a thread-local pointer) wherever the request runs; log lines written meanwhile name
// the request id, and authentication records the key id there. Never holds a key or secret.
#include <cstdint>
#include <string>
#include <string_view>

namespace assetd::ops {

struct RequestLog {
  std::string requestId;  // empty when request ids are off
  std::string keyId;      // set by authentication
};

// The request the calling thread works on, or nullptr.
RequestLog* currentRequest();

// Puts `log` in scope on this thread until destroyed (scopes nest and restore).
class RequestScope {
 public:
  explicit RequestScope(RequestLog* log);
  ~RequestScope();
  RequestScope(const RequestScope&) = delete;
  RequestScope& operator=(const RequestScope&) = delete;

 private:
  RequestLog* previous_;
};

// A client's X-Request-Id is kept when it is 1..128 visible ASCII characters (no spaces).
bool saneRequestId(std::string_view value);
// A new id: 32 lowercase hex characters, random. Thread-safe.
std::string newRequestId();

enum class LogFormat { text, json };
// Installs the log line format on spdlog's default logger. Text: "<time> <level> [<request
// id>] <message>"; json: one object a line with time, level, requestId (when in scope) and msg.
// Call once at start, before other threads log.
void configureLogging(LogFormat format);
LogFormat logFormat();

// One finished request, logged as a line of its own in the json format (fields, not text).
struct AccessRecord {
  std::string_view method;
  std::string_view route;  // the route template, e.g. "/v2/project/{}/assets"
  int status = 0;
  double seconds = 0;
  std::uint64_t bytesIn = 0;
  std::uint64_t bytesOut = 0;
};
// Writes the record (with the request id and key id in scope) when the format is json.
void logAccess(const AccessRecord& record);

}  // namespace assetd::ops
