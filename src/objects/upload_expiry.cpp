#include "objects/upload_expiry.hpp"

#include <exception>

namespace assetd::objects {

UploadExpiry::UploadExpiry(blob::LocalBlobStore& store, std::chrono::seconds maxIdle,
                           std::chrono::seconds interval, Reports reports)
    : store_(store),
      maxIdle_(maxIdle),
      interval_(interval),
      reports_(std::move(reports)),
      thread_([this] { run(); }) {}

UploadExpiry::~UploadExpiry() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::size_t UploadExpiry::sweeps() const {
  std::lock_guard lock(mutex_);
  return sweeps_;
}

void UploadExpiry::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    try {
      std::size_t removed =
          store_.expireUploads(std::filesystem::file_time_type::clock::now() - maxIdle_);
      if (reports_.swept) reports_.swept(removed);
    } catch (const std::exception& e) {
      if (reports_.failed) reports_.failed(e);
    }
    lock.lock();
    ++sweeps_;
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace assetd::objects
