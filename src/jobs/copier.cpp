#include "jobs/copier.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>

#include "core/time.hpp"
#include "jobs/copy_failure.hpp"
#include "jobs/object_key.hpp"

namespace assetd::jobs {
namespace {

double jitter() {
  thread_local std::mt19937 random{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(random);
}

}  // namespace

Copier::Copier(store::Store& store, blob::BlobStore& blobs, CopierOptions options)
    : store_(store),
      blobs_(blobs),
      options_(std::move(options)),
      leaseMillis_((options_.fetch.timeout + std::min<std::chrono::milliseconds>(
                                                 options_.leaseGrace, options_.fetch.timeout))
                       .count()) {}

Copier::~Copier() {
  stop();
}

void Copier::start() {
  std::lock_guard lock(mutex_);
  if (claimer_.joinable() || stopping_) return;
  for (int i = 0; i < std::max(1, options_.workers); ++i)
    workers_.emplace_back([this] { workLoop(); });
  claimer_ = std::thread([this] { claimLoop(); });
}

void Copier::wake() {
  std::lock_guard lock(mutex_);
  woken_ = true;
  claimWanted_.notify_one();
}

void Copier::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  cancelled_ = true;
  claimWanted_.notify_all();
  jobQueued_.notify_all();
  if (claimer_.joinable()) claimer_.join();
  for (auto& worker : workers_)
    if (worker.joinable()) worker.join();
  for (const auto& job : queue_) {
    try {
      store_.releaseCopyJob(job);
    } catch (const std::exception& e) {
      spdlog::warn("copy of asset {}: could not give the job back: {}", job.assetId, e.what());
    }
  }
  queue_.clear();
}

std::size_t Copier::freeSlots() const {
  std::size_t workers = static_cast<std::size_t>(std::max(1, options_.workers));
  return workers - std::min(workers, running_ + queue_.size());
}

void Copier::claimLoop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const std::size_t free = freeSlots();
    if (free == 0) {
      claimWanted_.wait(lock, [this] { return stopping_ || freeSlots() > 0; });
      continue;
    }
    woken_ = false;
    lock.unlock();
    std::vector<core::CopyJob> claimed;
    std::optional<std::int64_t> nextDue;
    try {
      claimed = store_.claimCopyJobs(free, leaseMillis_);
      if (claimed.size() < free) nextDue = store_.nextCopyJobDue();
    } catch (const std::exception& e) {
      spdlog::error("background copies: cannot claim jobs: {}", e.what());
    }
    lock.lock();
    for (auto& job : claimed) queue_.push_back(std::move(job));
    if (!claimed.empty()) jobQueued_.notify_all();
    if (claimed.size() == free) continue;  // more may be due: claim again once a worker frees

    auto wakeAt = std::chrono::steady_clock::now() + options_.idlePoll;
    if (nextDue) {
      auto inMillis = std::max<std::int64_t>(0, *nextDue - core::nowMillis());
      wakeAt =
          std::min(wakeAt, std::chrono::steady_clock::now() + std::chrono::milliseconds(inMillis));
    }
    claimWanted_.wait_until(lock, wakeAt, [this] { return stopping_ || woken_; });
  }
}

void Copier::workLoop() {
  std::unique_lock lock(mutex_);
  while (true) {
    jobQueued_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;  // stop() gives the queued jobs back
    core::CopyJob job = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    lock.unlock();
    copy(job);
    lock.lock();
    --running_;
    woken_ = true;  // a slot is free, and a retry may now be due sooner than thought
    claimWanted_.notify_one();
  }
}

void Copier::copy(const core::CopyJob& job) {
  if (job.attempts > options_.maxAttempts) {  // earlier attempts died with their process
    recordFailure(job, "gave up after " + std::to_string(options_.maxAttempts) + " attempts",
                  false);
    return;
  }
  const std::string key = copyObjectKey(job);
  try {
    fetchSource(job.sourceUrl, options_.fetch, cancelled_, [&](const SourceBody& body) {
      blobs_.putStream(key, body.read, body.size, body.contentType);
    });
  } catch (const CopyCancelled&) {
    try {
      store_.releaseCopyJob(job);
    } catch (const std::exception& e) {
      spdlog::warn("copy of asset {}: could not give the job back: {}", job.assetId, e.what());
    }
    return;
  } catch (const CopyFailure& failure) {
    recordFailure(job, failure.what(), failure.retryable());
    return;
  } catch (const std::exception& e) {
    recordFailure(job, std::string("storing the copy failed: ") + e.what(), true);
    return;
  }
  try {
    if (!store_.completeCopyJob(job, blobs_.urlFor(key)))
      spdlog::warn("copy of asset {}: finished after its lease ran out", job.assetId);
  } catch (const std::exception& e) {  // the lease runs out and the job is tried again
    spdlog::error("copy of asset {}: cannot record completion: {}", job.assetId, e.what());
  }
}

void Copier::recordFailure(const core::CopyJob& job, const std::string& reason, bool retryable) {
  try {
    if (retryable && job.attempts < options_.maxAttempts) {
      std::int64_t delay = retryDelayMillis(options_.backoff, job.attempts, jitter());
      spdlog::info("copy of asset {} failed (attempt {}), retrying in {} ms: {}", job.assetId,
                   job.attempts, delay, reason);
      store_.failCopyJob(job, reason, core::nowMillis() + delay);
      return;
    }
    std::string final =
        retryable ? reason + " (gave up after " + std::to_string(job.attempts) + " attempts)"
                  : reason;
    spdlog::warn("copy of asset {} failed: {}", job.assetId, final);
    store_.failCopyJob(job, final, std::nullopt);
  } catch (const std::exception& e) {
    spdlog::error("copy of asset {}: cannot record failure: {}", job.assetId, e.what());
  }
}

}  // namespace assetd::jobs
