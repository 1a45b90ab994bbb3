#pragma once
// A failure with S3's error code beside the HTTP status ("NoSuchUpload", 404), for the object
// endpoint to render as S3's XML. Other layers see an ordinary core::ApiError.
#include <string>

#include "core/error.hpp"

namespace assetd::s3 {

class S3Error : public core::ApiError {
 public:
  S3Error(int status, std::string code, std::string message)
      : core::ApiError(status, std::move(message)), code_(std::move(code)) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

}  // namespace assetd::s3
