#pragma once
// How a copy attempt ends when it does not store the file.
#include <stdexcept>
#include <string>

namespace assetd::jobs {

// The reason is what the asset shows as uploadError. `retryable` when a later attempt may
// succeed (a 5xx, a timeout, a dropped connection); not for a refused address, a 4xx, a file
// over the size cap or a URL that cannot be copied at all.
class CopyFailure : public std::runtime_error {
 public:
  CopyFailure(bool retryable, const std::string& reason)
      : std::runtime_error(reason), retryable_(retryable) {}
  bool retryable() const { return retryable_; }

 private:
  bool retryable_;
};

// The copier is stopping: the attempt is abandoned and its job given back untried.
class CopyCancelled : public std::runtime_error {
 public:
  CopyCancelled() : std::runtime_error("copy cancelled: the server is stopping") {}
};

}  // namespace assetd::jobs
