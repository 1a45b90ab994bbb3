#pragma once
// Every failure a client can see is an ApiError: an HTTP status and a message that names the
// offending field by path ("assets[17].data: required"). One function in http/ renders them.
#include <cerrno>
#include <stdexcept>
#include <string>

namespace assetd::core {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string message)
      : std::runtime_error(std::move(message)), status_(status) {}
  int status() const { return status_; }

  // "<path>: <what>", or just <what> when path is empty.
  static ApiError badRequest(const std::string& path, const std::string& what) {
    return ApiError(400, path.empty() ? what : path + ": " + what);
  }
  static ApiError notFound(const std::string& what) { return ApiError(404, what + " not found"); }
  static ApiError unauthorized() { return ApiError(401, "missing or invalid apikey"); }
  static ApiError conflict(const std::string& what) { return ApiError(409, what); }
  static ApiError internal(const std::string& what) { return ApiError(500, what); }
  // A server-side fault whose message helps the operator and reveals nothing internal (most
  // 500 messages go to the log only).
  static ApiError operatorFault(const std::string& what) {
    ApiError e(500, what);
    e.public_ = true;
    return e;
  }
  // 507: a write found no space left where the server keeps its data. Nothing of the request
  // was stored; it succeeds again once space is freed. `detail` (what failed) is for the log.
  static ApiError insufficientStorage(const std::string& detail) {
    ApiError e(507, kInsufficientStorage);
    e.public_ = true;
    e.detail_ = detail;
    return e;
  }
  // 503 with Retry-After: the database cannot be reached or stays locked; nothing was done.
  // `reason` is shown ("the database is locked"), `detail` goes to the log.
  static ApiError unavailable(const std::string& reason, const std::string& detail,
                              int retryAfterSeconds) {
    ApiError e(503, "service unavailable: " + reason + "; retry later");
    e.public_ = true;
    e.detail_ = detail;
    e.retryAfterSeconds_ = retryAfterSeconds;
    return e;
  }
  // 429: a rate limit refused the request; the answer says to retry after `seconds`.
  static ApiError tooManyRequests(int seconds) {
    ApiError e(429, "too many requests: retry after " + std::to_string(seconds) + " s");
    e.retryAfterSeconds_ = seconds;
    return e;
  }
  // Whether the message may be shown to the client (always for 4xx).
  bool messageIsPublic() const { return status_ < 500 || public_; }
  // What the log says about a server-side failure: the cause when the client sees less.
  std::string logText() const {
    return detail_.empty() ? what() : std::string(what()) + " (" + detail_ + ")";
  }
  // Seconds after which a retry may succeed (the Retry-After header), 0 for none.
  int retryAfterSeconds() const { return retryAfterSeconds_; }

  static constexpr const char* kInsufficientStorage =
      "insufficient storage: the data directory's file system is full";

 private:
  int status_;
  bool public_ = false;
  int retryAfterSeconds_ = 0;
  std::string detail_;
};

// Whether a failed system call's errno means the file system has no room (space or quota).
inline bool isNoSpace(int error) {
  return error == ENOSPC || error == EDQUOT;
}

// The ApiError for a failed file system call: 507 when `error` says the disk is full, otherwise
// a 500 whose message (for the log) is "<what>: <strerror>".
ApiError fileSystemError(const std::string& what, int error);

}  // namespace assetd::core
