#pragma once
// Expiry of abandoned multipart uploads of the local store: a thread that sweeps at start and
// then every `interval`, removing uploads idle (no part, no creation) for longer than `maxIdle`.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>

#include "blob/local_blob_store.hpp"

namespace assetd::objects {

class UploadExpiry {
 public:
  // Told how many uploads each sweep removed (for logging); a sweep that throws is reported
  // through `failed` and retried at the next interval.
  struct Reports {
    std::function<void(std::size_t removed)> swept;
    std::function<void(const std::exception& error)> failed;
  };
  UploadExpiry(blob::LocalBlobStore& store, std::chrono::seconds maxIdle,
               std::chrono::seconds interval = std::chrono::hours(1), Reports reports = {});
  // Stops the thread, waiting for a sweep in progress.
  ~UploadExpiry();
  UploadExpiry(const UploadExpiry&) = delete;
  UploadExpiry& operator=(const UploadExpiry&) = delete;

  // Sweeps finished so far.
  std::size_t sweeps() const;

 private:
  void run();

  blob::LocalBlobStore& store_;
  std::chrono::seconds maxIdle_;
  std::chrono::seconds interval_;
  Reports reports_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::size_t sweeps_ = 0;
  std::thread thread_;  // last: starts once everything above is set
};

}  // namespace assetd::objects
