#pragma once
// The background copier of uploadLocal imports: a claiming thread leases due copy jobs from
// the store as workers become free, and a fixed number of workers each stream one source URL
// into the server's store at a time. Jobs live in the store, so a restart resumes them: pending
// ones are claimed again at once, and those a crashed process held once their lease runs out.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "blob/blob_store.hpp"
#include "jobs/backoff.hpp"
#include "jobs/source_fetch.hpp"
#include "store/store.hpp"

namespace assetd::jobs {

struct CopierOptions {
  int workers = 4;
  int maxAttempts = 5;  // a retryable failure on the last attempt is final
  FetchOptions fetch;
  Backoff backoff;
  // An idle copier still looks for due jobs this often (jobs queued by another server process
  // on the same records, retries coming due).
  std::chrono::milliseconds idlePoll{std::chrono::seconds(2)};
  // A lease outlives the longest possible attempt (fetch.timeout) by this much, or by the
  // timeout itself when that is shorter: a crashed process's jobs come back after that.
  std::chrono::milliseconds leaseGrace{std::chrono::seconds(60)};
};

class Copier {
 public:
  Copier(store::Store& store, blob::BlobStore& blobs, CopierOptions options);
  ~Copier();  // stop()
  Copier(const Copier&) = delete;
  Copier& operator=(const Copier&) = delete;

  void start();
  // New jobs were queued: look for them now rather than at the next idle poll.
  void wake();
  // Cancels running copies, gives every job this process holds back to the store (due at
  // once, the attempt not counted) and joins the threads. Idempotent.
  void stop();

 private:
  void claimLoop();
  void workLoop();
  void copy(const core::CopyJob& job);
  void recordFailure(const core::CopyJob& job, const std::string& reason, bool retryable);
  std::size_t freeSlots() const;  // call with mutex_ held

  store::Store& store_;
  blob::BlobStore& blobs_;
  const CopierOptions options_;
  const std::int64_t leaseMillis_;

  std::mutex mutex_;
  std::condition_variable claimWanted_;  // the claiming thread waits here
  std::condition_variable jobQueued_;    // workers wait here
  std::deque<core::CopyJob> queue_;      // claimed, not yet started
  std::size_t running_ = 0;
  bool woken_ = false;
  bool stopping_ = false;
  std::atomic<bool> cancelled_{false};
  std::thread claimer_;
  std::vector<std::thread> workers_;
};

}  // namespace assetd::jobs
