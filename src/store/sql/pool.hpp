#pragma once
// A fixed set of connections of one engine, lent out one caller at a time. Thread-safe.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "store/sql/db_metrics.hpp"

namespace assetd::store::sql {

template <class Connection>
class Pool {
 public:
  // Lends the given connections (at least one).
  explicit Pool(std::vector<std::unique_ptr<Connection>> connections)
      : idle_(std::move(connections)) {}

  // A borrowed connection, returned to the pool when the lease goes away.
  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
    ~Lease() { pool_.release(std::move(conn_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Connection& get() { return *conn_; }

   private:
    Pool& pool_;
    std::unique_ptr<Connection> conn_;
  };

  // Blocks until a connection is idle; a wait is observed in assetd_db_pool_wait_seconds.
  Lease acquire() {
    std::unique_lock lock(mutex_);
    if (idle_.empty()) {
      auto start = std::chrono::steady_clock::now();
      freed_.wait(lock, [this] { return !idle_.empty(); });
      poolWaitSeconds().observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    lock.unlock();
    return Lease(*this, std::move(conn));
  }

 private:
  void release(std::unique_ptr<Connection> conn) {
    {
      std::lock_guard lock(mutex_);
      idle_.push_back(std::move(conn));
    }
    freed_.notify_one();
  }

  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace assetd::store::sql
