#pragma once
// The S3 error code a call throws, "" when it throws none: for tests of S3-facing code.
#include <functional>
#include <string>

#include "s3/s3_error.hpp"

namespace assetd::s3::testing {

inline std::string codeOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const S3Error& e) {
    return e.code();
  }
  return "";
}

}  // namespace assetd::s3::testing
