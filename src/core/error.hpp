#pragma once
// Every failure a client can see is an ApiError: an HTTP status and a message that names the
// offending field by path ("assets[17].data: required"). One function in http/ renders them.
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
  // Whether the message may be shown to the client (always for 4xx).
  bool messageIsPublic() const { return status_ < 500 || public_; }

 private:
  int status_;
  bool public_ = false;
};

}  // namespace assetd::core
