#pragma once
// The background copier of uploadLocal imports: a claiming thread leases due copy jobs from
// the store as workers become free, and a fixed number of workers each stream one source URL
// into the server's store at a time. Leases are short and a renewing thread extends those of
// the jobs this process holds every third of a lease, so the jobs of a process that died are
// claimed again soon after; a copy whose lease was lost to another claim is abandoned. Jobs live
// in the store, so a restart resumes them: pending ones are claimed again at once, and those a
// crashed process held once their lease runs out.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <list>
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
  // How long a claim holds a job without being renewed (renewed every third of it): a crashed
  // process's jobs are claimed again after at most this long. Independent of fetch.timeout, the
  // time one copy may take.
  std::chrono::milliseconds lease{std::chrono::seconds(30)};
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
  // A copy being made: cancelled on stop() or once its lease is lost.
  struct InFlight {
    explicit InFlight(core::CopyJob j) : job(std::move(j)) {}
    core::CopyJob job;
    std::atomic<bool> cancelled{false};
    std::atomic<bool> leaseLost{false};
    std::atomic<bool> transferEnded{false};  // only its outcome is left to record
  };

  void claimLoop();
  void workLoop();
  void renewLoop();
  // Renews the leases of the queued and running jobs; drops or cancels those lost.
  void renewLeases();
  void copy(InFlight& copy);
  void recordFailure(const core::CopyJob& job, const std::string& reason, bool retryable);
  std::size_t freeSlots() const;  // call with mutex_ held

  store::Store& store_;
  blob::BlobStore& blobs_;
  const CopierOptions options_;
  const std::int64_t leaseMillis_;

  std::mutex mutex_;
  std::condition_variable claimWanted_;  // the claiming thread waits here
  std::condition_variable jobQueued_;    // workers wait here
  std::condition_variable stopped_;      // the renewing thread waits here between renewals
  std::deque<core::CopyJob> queue_;      // claimed, not yet started
  std::list<InFlight> running_;          // started; stable addresses while they run
  bool woken_ = false;
  bool stopping_ = false;
  std::thread claimer_;
  std::thread renewer_;
  std::vector<std::thread> workers_;
};

}  // namespace assetd::jobs
