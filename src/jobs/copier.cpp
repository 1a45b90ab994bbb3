#include "jobs/copier.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>

#include "core/time.hpp"
#include "jobs/copy_failure.hpp"
#include "jobs/copy_metrics.hpp"
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
      leaseMillis_(std::max<std::int64_t>(1, options_.lease.count())) {}

Copier::~Copier() {
  stop();
}

void Copier::start() {
  std::lock_guard lock(mutex_);
  if (claimer_.joinable() || stopping_) return;
  for (int i = 0; i < std::max(1, options_.workers); ++i)
    workers_.emplace_back([this] { workLoop(); });
  claimer_ = std::thread([this] { claimLoop(); });
  renewer_ = std::thread([this] { renewLoop(); });
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
    for (auto& copy : running_) copy.cancelled = true;
  }
  claimWanted_.notify_all();
  jobQueued_.notify_all();
  stopped_.notify_all();
  if (claimer_.joinable()) claimer_.join();
  if (renewer_.joinable()) renewer_.join();
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
  return workers - std::min(workers, running_.size() + queue_.size());
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
    auto copying = running_.emplace(running_.end(), std::move(queue_.front()));
    queue_.pop_front();
    lock.unlock();
    copiesRunning().add(1);
    copy(*copying);
    copiesRunning().add(-1);
    lock.lock();
    running_.erase(copying);
    woken_ = true;  // a slot is free, and a retry may now be due sooner than thought
    claimWanted_.notify_one();
  }
}

void Copier::renewLoop() {
  const auto every = std::chrono::milliseconds(std::max<std::int64_t>(1, leaseMillis_ / 3));
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (stopped_.wait_for(lock, every, [this] { return stopping_; })) return;
    lock.unlock();
    renewLeases();
    lock.lock();
  }
}

void Copier::renewLeases() {
  std::vector<core::CopyJob> held;
  {
    std::lock_guard lock(mutex_);
    held.assign(queue_.begin(), queue_.end());
    for (const auto& copy : running_) held.push_back(copy.job);
  }
  if (held.empty()) return;
  std::vector<bool> stillHeld;
  try {
    stillHeld = store_.renewCopyJobLeases(held, leaseMillis_);
  } catch (const std::exception& e) {  // tried again in a third of a lease; the store decides
    spdlog::warn("background copies: cannot renew leases: {}", e.what());
    return;
  }
  auto same = [](const core::CopyJob& a, const core::CopyJob& b) {
    return a.assetId == b.assetId && a.leaseToken == b.leaseToken;
  };
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < held.size() && i < stillHeld.size(); ++i) {
    if (stillHeld[i]) continue;
    // Finished meanwhile, or claimed by another worker after this process missed renewing it.
    const auto& lost = held[i];
    std::erase_if(queue_, [&](const core::CopyJob& job) { return same(job, lost); });
    for (auto& copy : running_) {
      // A copy whose transfer ended was just recorded (or is being): the store had the say.
      if (!same(copy.job, lost) || copy.transferEnded) continue;
      spdlog::warn("copy of asset {}: its lease was lost to another claim, abandoning it",
                   lost.assetId);
      copy.leaseLost = true;
      copy.cancelled = true;
    }
  }
  claimWanted_.notify_one();  // dropped jobs free slots
}

void Copier::copy(InFlight& copying) {
  const core::CopyJob& job = copying.job;
  if (job.attempts > options_.maxAttempts) {  // earlier attempts died with their process
    copying.transferEnded = true;
    recordFailure(job, "gave up after " + std::to_string(options_.maxAttempts) + " attempts",
                  false);
    return;
  }
  const std::string key = copyObjectKey(job);
  try {
    // Marks the transfer over when leaving this block, before any handler records the outcome.
    struct EndOfTransfer {
      std::atomic<bool>& ended;
      ~EndOfTransfer() { ended = true; }
    } endOfTransfer{copying.transferEnded};
    fetchSource(job.sourceUrl, options_.fetch, copying.cancelled, [&](const SourceBody& body) {
      blobs_.putStream(key, body.read, body.size, body.contentType);
    });
  } catch (const CopyCancelled&) {
    if (copying.leaseLost) return;  // the job is another claim's now
    try {
      store_.releaseCopyJob(job);
      copyJobsEnded("released").inc();
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
    if (store_.completeCopyJob(job, blobs_.urlFor(key)))
      copyJobsEnded("done").inc();
    else
      spdlog::warn("copy of asset {}: finished after its lease ran out", job.assetId);
  } catch (const std::exception& e) {  // the lease runs out and the job is tried again
    spdlog::error("copy of asset {}: cannot record completion: {}", job.assetId, e.what());
  }
}

void Copier::recordFailure(const core::CopyJob& job, const std::string& reason, bool retryable) {
  countCopyFailure(reason);
  try {
    if (retryable && job.attempts < options_.maxAttempts) {
      std::int64_t delay = retryDelayMillis(options_.backoff, job.attempts, jitter());
      spdlog::info("copy of asset {} failed (attempt {}), retrying in {} ms: {}", job.assetId,
                   job.attempts, delay, reason);
      store_.failCopyJob(job, reason, core::nowMillis() + delay);
      copyJobsEnded("retried").inc();
      return;
    }
    std::string final =
        retryable ? reason + " (gave up after " + std::to_string(job.attempts) + " attempts)"
                  : reason;
    spdlog::warn("copy of asset {} failed: {}", job.assetId, final);
    store_.failCopyJob(job, final, std::nullopt);
    copyJobsEnded("failed").inc();
  } catch (const std::exception& e) {
    spdlog::error("copy of asset {}: cannot record failure: {}", job.assetId, e.what());
  }
}

}  // namespace assetd::jobs
